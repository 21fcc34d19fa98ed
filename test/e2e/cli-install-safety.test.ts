// `dockhand install` / `uninstall` / `doctor` run as root on a runner folder a runner user owns (and can
// therefore fill with traps), and the setups install must refuse, through the built bundle.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lchownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/cli/install/manifest';
import { distDir, loadStack, repoRoot } from '../support/stack';
import {
  giveTo,
  makeScratchRunner,
  removeScratch,
  runCli,
  runnerUser,
  type RunnerUser,
  type Scratch,
} from './cli-support';

const stack = loadStack();
const ecrHost = stack.registries.ecrUsEast1;

/** `install` for one registry into the scratch docker config. */
function installArgs(scratch: Scratch, host = ecrHost): string[] {
  return ['install', '--runner', scratch.runner, '--registry', host, '--docker-config', scratch.dockerConfig];
}

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

describe('dockhand install as root on a runner user folder', () => {
  let scratch: Scratch;
  let user: RunnerUser;
  let envFile: string;

  beforeEach(() => {
    user = runnerUser();
    rmSync(path.join(user.home, '.docker'), { recursive: true, force: true });
    scratch = makeScratchRunner('LANG=C.UTF-8\n');
    envFile = path.join(scratch.runner, '.env');
    giveTo(user, scratch.runner, scratch.home);
  });
  afterEach(() => {
    removeScratch(scratch);
    rmSync(path.join(user.home, '.docker'), { recursive: true, force: true });
  });

  it('never writes through a temp-file symlink the runner user planted', () => {
    const secret = path.join(scratch.root, 'root-only');
    writeFileSync(secret, 'root secret\n', { mode: 0o600 });
    // Links for every pid the installer may get: the old temp name was <file>.dockhand-<pid>.tmp.
    const last = Number(readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8'));
    for (let pid = last; pid < last + 400; pid += 1) {
      const link = `${envFile}.dockhand-${pid}.tmp`;
      symlinkSync(secret, link);
      lchownSync(link, user.uid, user.gid);
    }
    const result = runCli(['install', '--runner', scratch.runner, '--registry', ecrHost]);
    expect(result.stderr).toBe('');
    expect(readFileSync(secret, 'utf8')).toBe('root secret\n');
    expect(modeOf(secret)).toBe(0o600);
    expect(statSync(secret).uid).toBe(0);
  });

  it('uninstall does not follow paths from a forged install.json', () => {
    const secret = path.join(scratch.root, 'root-only');
    writeFileSync(secret, 'root secret\n', { mode: 0o600 });
    const victim = path.join(scratch.root, 'victim.txt');
    writeFileSync(victim, 'keep me\n');
    const dockerDir = path.join(user.home, '.docker');
    const config = '{}\n';
    const forged = {
      version: 1,
      bundles: ['../../victim.txt'],
      dockerConfig: {
        dir: dockerDir,
        existed: true,
        credHelpersExisted: false,
        backup: secret,
        previous: {},
        writtenSha256: sha256(config),
      },
      env: { existed: true, previous: {} },
    };
    mkdirSync(path.join(scratch.runner, '.dockhand'));
    writeFileSync(path.join(scratch.runner, '.dockhand/install.json'), JSON.stringify(forged));
    mkdirSync(dockerDir);
    writeFileSync(path.join(dockerDir, 'config.json'), config);
    giveTo(user, scratch.runner, dockerDir);
    const result = runCli(['uninstall', '--runner', scratch.runner]);
    expect(existsSync(victim)).toBe(true);
    expect(readFileSync(path.join(dockerDir, 'config.json'), 'utf8')).not.toContain('root secret');
    expect(result.stdout + result.stderr).not.toContain('root secret');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^dockhand: .*install\.json is not a dockhand install record .*\n$/);
  });

  it('keeps a 0600 .env 0600 through install and uninstall', () => {
    writeFileSync(envFile, 'AWS_ACCESS_KEY_ID=AKIDEXAMPLE\nAWS_SECRET_ACCESS_KEY=s3cr3t\n');
    chmodSync(envFile, 0o600);
    expect(runCli(['install', '--runner', scratch.runner, '--registry', ecrHost]).stderr).toBe('');
    expect([modeOf(envFile), statSync(envFile).uid]).toEqual([0o600, user.uid]);
    expect(runCli(['uninstall', '--runner', scratch.runner]).stderr).toBe('');
    expect([modeOf(envFile), statSync(envFile).uid]).toEqual([0o600, user.uid]);
  });

  it.each([
    ['read-only', () => chmodSync(envFile, 0o444), /\.env is read-only/],
    ['root-owned', () => chownSync(envFile, 0, 0), /\.env is owned by uid 0, not by dockhand-cli/],
  ])('refuses a %s .env and writes nothing', (_kind, prepare, message) => {
    prepare();
    const before = listTree(scratch.root);
    const result = runCli(['install', '--runner', scratch.runner, '--registry', ecrHost]);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.status).toBe(2);
    expect(listTree(scratch.root)).toEqual(before);
    expect(existsSync(path.join(user.home, '.docker'))).toBe(false);
  });

  it("writes the runner user's own docker config, not root's, owned by that user", () => {
    const result = runCli(['install', '--runner', scratch.runner, '--registry', ecrHost], { HOME: '/root' });
    expect(result.stderr).toBe('');
    const dockerDir = path.join(user.home, '.docker');
    expect(readFileSync(envFile, 'utf8')).toContain(`\nHOOK_DOCKER_CONFIG=${dockerDir}\n`);
    expect(statSync(path.join(dockerDir, 'config.json')).uid).toBe(user.uid);
    for (const file of [
      '.env',
      '.dockhand',
      '.dockhand/hook.js',
      '.dockhand/bin/docker-credential-ecr-login',
    ]) {
      expect([file, statSync(path.join(scratch.runner, file)).uid]).toEqual([file, user.uid]);
    }
  });

  it('rollback as root reads no bundle the runner user could not, through a planted previous/ link', () => {
    expect(runCli(['install', '--runner', scratch.runner, '--registry', ecrHost]).stderr).toBe('');
    const hook = readFileSync(path.join(scratch.runner, '.dockhand/hook.js'), 'utf8');
    const rootDir = path.join(scratch.root, 'root-only');
    mkdirSync(rootDir, { mode: 0o700 });
    writeFileSync(path.join(rootDir, 'hook.js'), '// root secret\n', { mode: 0o600 });
    const previous = path.join(scratch.runner, '.dockhand/previous');
    symlinkSync(rootDir, previous);
    lchownSync(previous, user.uid, user.gid);
    const manifest = path.join(scratch.runner, '.dockhand/install.json');
    const record = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifest, JSON.stringify({ ...record, previousVersion: '0.0.9' }));
    const result = runCli(['rollback', '--runner', scratch.runner]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^dockhand: cannot read .*previous\/hook\.js: EACCES.*\n$/);
    expect(result.stdout + result.stderr).not.toContain('root secret');
    expect(readFileSync(path.join(scratch.runner, '.dockhand/hook.js'), 'utf8')).toBe(hook);
    expect(readFileSync(path.join(rootDir, 'hook.js'), 'utf8')).toBe('// root secret\n');
  });

  it('rollback refuses a forged record whose version is a path', () => {
    expect(runCli(['install', '--runner', scratch.runner, '--registry', ecrHost]).stderr).toBe('');
    const manifest = path.join(scratch.runner, '.dockhand/install.json');
    const record = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifest, JSON.stringify({ ...record, previousVersion: '../../../etc' }));
    const result = runCli(['rollback', '--runner', scratch.runner]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^dockhand: .*install\.json is not a dockhand install record .*\n$/);
  });

  it('doctor as root runs nothing the runner user can write as root', () => {
    const marker = path.join(scratch.root, 'ran-as');
    const fakeDocker = path.join(scratch.runner, 'fake-docker');
    writeFileSync(fakeDocker, `#!/bin/sh\nid -u > ${marker}\n`, { mode: 0o755 });
    writeFileSync(path.join(scratch.root, 'ran-as'), '');
    chmodSync(marker, 0o666);
    writeFileSync(envFile, `HOOK_DOCKER_PATH=${fakeDocker}\n`);
    giveTo(user, scratch.runner);
    runCli(['doctor', '--runner', scratch.runner]);
    expect(readFileSync(marker, 'utf8')).not.toBe('0\n');
  });
});

describe('dockhand install: setups that cannot work are refused before anything is written', () => {
  let scratch: Scratch;
  afterEach(() => removeScratch(scratch));

  function refused(args: string[], message: RegExp): void {
    const before = listTree(scratch.root);
    const result = runCli(['install', '--runner', scratch.runner, ...args]);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.status).toBe(2);
    expect(listTree(scratch.root)).toEqual(before);
  }

  it('refuses --docker-config naming config.json, and the corrected retry works', () => {
    scratch = makeScratchRunner('');
    mkdirSync(scratch.dockerConfig);
    const file = path.join(scratch.dockerConfig, 'config.json');
    writeFileSync(file, '{}\n');
    refused(
      ['--registry', ecrHost, '--docker-config', file],
      /--docker-config .* is a file: pass its folder/,
    );
    const retry = runCli(installArgs(scratch));
    expect(retry.stderr).toBe('');
    expect(retry.status).toBe(0);
  });

  it('refuses a helper named with its docker-credential- prefix', () => {
    scratch = makeScratchRunner('');
    refused(
      ['--registry', 'registry.example=docker-credential-pass', '--docker-config', scratch.dockerConfig],
      /name the helper without its docker-credential- prefix: --registry registry\.example=pass/,
    );
  });

  it('refuses a runner folder whose path has a space', () => {
    scratch = makeScratchRunner('');
    const spaced = path.join(scratch.root, 'my runner');
    execRename(scratch.runner, spaced);
    scratch.runner = spaced;
    refused(['--registry', ecrHost, '--docker-config', scratch.dockerConfig], /has a space/);
  });

  it('refuses to replace another helper for the host unless --force, and says what it replaces', () => {
    scratch = makeScratchRunner('');
    mkdirSync(scratch.dockerConfig);
    const file = path.join(scratch.dockerConfig, 'config.json');
    writeFileSync(file, JSON.stringify({ credHelpers: { [ecrHost]: 'pass' } }));
    const args = ['--registry', ecrHost, '--docker-config', scratch.dockerConfig];
    refused(args, /credHelpers already maps .* to "pass": add --force to replace it/);
    const forced = runCli(['install', '--runner', scratch.runner, ...args, '--force']);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain(`credHelpers["${ecrHost}"]: "pass" -> "ecr-login"`);
  });

  it('lower-cases an upper-case registry host, as docker looks it up', () => {
    scratch = makeScratchRunner('');
    const result = runCli(installArgs(scratch, ecrHost.toUpperCase()));
    expect(result.status).toBe(0);
    const config = JSON.parse(readFileSync(path.join(scratch.dockerConfig, 'config.json'), 'utf8')) as {
      credHelpers: Record<string, string>;
    };
    expect(config.credHelpers).toEqual({ [ecrHost]: 'ecr-login' });
  });

  it.each([[['node24']], [['node20', 'node24']], [['node20']]])(
    'pins the helper launcher to the newest Node the runner ships (%j)',
    (nodes) => {
      scratch = makeScratchRunner('', nodes);
      const result = runCli(installArgs(scratch));
      expect(result.status).toBe(0);
      const launcher = path.join(scratch.runner, '.dockhand/bin/docker-credential-ecr-login');
      expect(readFileSync(launcher, 'utf8')).toContain(`externals/${nodes.at(-1)}/bin/node`);
      const helper = spawnSync(launcher, ['get'], {
        input: 'not-a-registry.example\n',
        encoding: 'utf8',
        env: {},
      });
      expect(helper.stdout).toBe('credentials not found in native keychain\n');
    },
  );

  it('refuses a runner that ships no Node it can run the helper with', () => {
    scratch = makeScratchRunner('', []);
    refused(
      ['--registry', ecrHost, '--docker-config', scratch.dockerConfig],
      /no externals\/node24 or externals\/node20/,
    );
  });
});

describe('dockhand install: the PATH it writes', () => {
  let scratch: Scratch;
  afterEach(() => removeScratch(scratch));

  it("builds PATH from the runner's .path, not the installing shell's PATH", () => {
    scratch = makeScratchRunner('LANG=C.UTF-8\n');
    writeFileSync(path.join(scratch.runner, '.path'), '/opt/tools/bin:/usr/bin:/bin\n');
    const args = installArgs(scratch);
    expect(runCli(args, { PATH: '/root/.cargo/bin:/usr/bin:/bin' }).status).toBe(0);
    const bin = path.join(scratch.runner, '.dockhand/bin');
    expect(readFileSync(path.join(scratch.runner, '.env'), 'utf8')).toContain(
      `\nPATH=${bin}:/opt/tools/bin:/usr/bin:/bin\n`,
    );
    // An edit to .path is picked up by the next install.
    writeFileSync(path.join(scratch.runner, '.path'), '/opt/new/bin:/usr/bin:/bin\n');
    expect(runCli(args).status).toBe(0);
    expect(readFileSync(path.join(scratch.runner, '.env'), 'utf8')).toContain(
      `\nPATH=${bin}:/opt/new/bin:/usr/bin:/bin\n`,
    );
  });
});

describe('dockhand and CRLF .env files', () => {
  let scratch: Scratch;
  afterEach(() => removeScratch(scratch));

  it('keeps CRLF line endings through install and uninstall, and doctor reads it as the runner does', () => {
    const envText = 'LANG=C.UTF-8\r\nAWS_PROFILE=ci\r\n';
    scratch = makeScratchRunner(envText);
    const envFile = path.join(scratch.runner, '.env');
    expect(runCli(installArgs(scratch)).status).toBe(0);
    const installed = readFileSync(envFile, 'utf8');
    expect(installed.split('\r\n').length).toBe(installed.split('\n').length);
    const doctor = runCli(['doctor', '--runner', scratch.runner, '--json']);
    const checks = (
      JSON.parse(doctor.stdout) as { checks: { name: string; status: string; detail: string }[] }
    ).checks;
    expect(checks.find((c) => c.name === 'runner .env')).toMatchObject({ status: 'pass' });
    expect(doctor.stdout).not.toContain('\\r');
    expect(runCli(['uninstall', '--runner', scratch.runner]).status).toBe(0);
    expect(readFileSync(envFile, 'utf8')).toBe(envText);
  });
});

describe('dockhand never prints stored docker credentials', () => {
  let scratch: Scratch;
  afterEach(() => removeScratch(scratch));

  it('in install, --dry-run, uninstall, doctor and doctor --json, and keeps the file formatting', () => {
    scratch = makeScratchRunner('');
    const values = ['c2VjcmV0LWF1dGg=', 'identity-tok-123', 'registry-tok-456', 'pass-word-789'];
    const config = `{\n    "auths": {\n        "x.example": {\n            "auth": "${values[0]}",\n            "identitytoken": "${values[1]}"\n        },\n        "y.example": {\n            "registrytoken": "${values[2]}",\n            "password": "${values[3]}"\n        }\n    }\n}\n`;
    mkdirSync(scratch.dockerConfig);
    const file = path.join(scratch.dockerConfig, 'config.json');
    writeFileSync(file, config);
    const install = installArgs(scratch);
    const outputs = [runCli([...install, '--dry-run']), runCli(install)];
    const written = readFileSync(file, 'utf8');
    // Only credHelpers is new; every line the owner wrote is still there as it was.
    for (const line of config.split('\n').slice(1, -3)) expect(written).toContain(`${line}\n`);
    expect(written).toContain(`    "credHelpers": {\n        "${ecrHost}": "ecr-login"\n    }\n}\n`);
    outputs.push(
      runCli(['doctor', '--runner', scratch.runner]),
      runCli(['doctor', '--runner', scratch.runner, '--json']),
    );
    outputs.push(runCli(['uninstall', '--runner', scratch.runner]));
    expect(readFileSync(file, 'utf8')).toBe(config);
    for (const output of outputs) {
      for (const value of values) {
        expect(output.stdout).not.toContain(value);
        expect(output.stderr).not.toContain(value);
      }
    }
  });
});

describe('a closed stdout', () => {
  let scratch: Scratch;
  afterEach(() => removeScratch(scratch));

  /** Runs the CLI with its stdout closed before it prints, like `dockhand ... | head -0`. */
  async function withClosedStdout(args: string[], env: Record<string, string>) {
    const child = spawn(process.execPath, [path.join(distDir, 'cli.js'), ...args], {
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/nonexistent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const status = await new Promise((resolve) => child.on('close', resolve));
    return { status, stderr };
  }

  it('ends doctor quietly', async () => {
    scratch = makeScratchRunner('');
    const result = await withClosedStdout(['doctor', '--runner', scratch.runner], {});
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
  });

  it('lets run finish its job and cleanup quietly', async () => {
    const result = await withClosedStdout(
      ['run', path.join(repoRoot, 'examples/workflows/ci.yml'), '--job', 'test'],
      {
        PATH: `${stack.stackHelper.binDir}:/usr/local/bin:/usr/bin:/bin`,
        DOCKER_CONFIG: stack.stackHelper.dockerConfig,
      },
    );
    expect(result.stderr).toBe('');
    // 0: every step passed, "Stop containers" (cleanup_job) included.
    expect(result.status).toBe(0);
  });
});

function execRename(from: string, to: string): void {
  spawnSync('mv', [from, to]);
}
