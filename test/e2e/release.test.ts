// The release tarball as a platform team gets it: built by scripts/release.mjs, unpacked with plain tar
// into a clean folder, and used to install, upgrade and roll back a runner folder laid out like the
// official tarball, on a host where the only node is the runner's own.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStack, repoRoot } from '../support/stack';
import {
  giveTo,
  makeScratchRunner,
  removeScratch,
  runnerUser,
  type RunnerUser,
  type Scratch,
} from './cli-support';

const stack = loadStack();
const ecrHost = stack.registries.ecrUsEast1;
const otherHost = 'registry.dockhand.test';
const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string })
  .version;

const work = mkdtempSync(path.join(os.tmpdir(), 'dockhand-release-e2e-'));
chmodSync(work, 0o755);

/** Builds a release of `as` into its own folder; returns the tarball. */
function buildRelease(as: string): string {
  const out = path.join(work, `out-${as}`);
  execFileSync(process.execPath, ['scripts/release.mjs', '--version', as, '--out', out], {
    cwd: repoRoot,
    stdio: 'pipe',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SOURCE_DATE_EPOCH: '1700000000' },
  });
  return path.join(out, `dockhand-${as}.tgz`);
}

/** Unpacks a tarball with plain tar into a clean folder; returns the release folder in it. */
function unpack(tarball: string): string {
  const into = mkdtempSync(path.join(work, 'unpacked-'));
  chmodSync(into, 0o755);
  execFileSync('tar', ['-xzf', tarball, '-C', into]);
  return path.join(into, readdirSync(into)[0] ?? '');
}

/** A PATH with the few tools the `dockhand` script uses, and no node: a host with only the runner. */
function pathWithoutNode(): string {
  const tools = path.join(work, 'tools');
  if (!existsSync(tools)) {
    mkdirSync(tools, { mode: 0o755 });
    for (const tool of ['readlink', 'id', 'stat']) {
      const found = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
      symlinkSync(found, path.join(tools, tool));
    }
  }
  return tools;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `<release>/dockhand args...` as `user` (root when undefined) with `PATH`. */
function dockhand(release: string, args: string[], user: RunnerUser | undefined, PATH: string): Run {
  const result = spawnSync(path.join(release, 'dockhand'), args, {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH, HOME: user?.home ?? '/root' },
    ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the release tarball', () => {
  let oldTarball: string;
  let newTarball: string;
  let oldRelease: string;
  let newRelease: string;
  let user: RunnerUser;
  let scratch: Scratch | undefined;

  beforeAll(() => {
    user = runnerUser();
    oldTarball = buildRelease('0.1.0');
    newTarball = buildRelease(version);
    oldRelease = unpack(oldTarball);
    newRelease = unpack(newTarball);
  }, 120_000);

  afterAll(() => {
    removeScratch(scratch);
    rmSync(work, { recursive: true, force: true });
  });

  it('holds the bundles, the launcher, a dockhand command, docs, licences and checksums that verify', () => {
    expect(path.basename(newTarball)).toBe(`dockhand-${version}.tgz`);
    expect(readdirSync(newRelease).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'SHA256SUMS',
      'THIRD-PARTY-LICENSES.txt',
      'cli.js',
      'docker-credential-ecr-login',
      'dockhand',
      'docs',
      'ecr-login-aws.js',
      'ecr-login.js',
      'hook.js',
      'package.json',
    ]);
    const check = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: newRelease, encoding: 'utf8' });
    expect(check.trim().split('\n')).toHaveLength(11 + readdirSync('docs').length);
    expect(readdirSync(path.join(newRelease, 'docs')).sort()).toEqual(readdirSync('docs').sort());
    expect(check).not.toContain('FAILED');
    const licences = readFileSync(path.join(newRelease, 'THIRD-PARTY-LICENSES.txt'), 'utf8');
    expect(licences).toContain('valibot ');
    expect(licences).toContain('@aws-sdk/client-ecr ');
    expect(licences).toContain('Apache License');
    const manifest = JSON.parse(readFileSync(path.join(newRelease, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: 'dockhand', version, bin: { dockhand: 'dockhand' } });
    // The same sources give the same bytes.
    expect(readFileSync(buildRelease(version))).toEqual(readFileSync(newTarball));
  });

  it("says its version, and starts a runner folder's node only as that folder's owner", () => {
    expect(dockhand(newRelease, ['--version'], undefined, '/usr/bin:/bin').stdout).toBe(
      `dockhand ${version}\n`,
    );
    // With no node at all, the command still says which release it is.
    expect(dockhand(newRelease, ['--version'], undefined, pathWithoutNode()).stdout).toBe(
      `dockhand ${version}\n`,
    );
    scratch = makeScratchRunner('LANG=C.UTF-8\n');
    giveTo(user, scratch.runner);
    const asRoot = dockhand(newRelease, ['doctor', '--runner', scratch.runner], undefined, pathWithoutNode());
    expect(asRoot.status).toBe(2);
    expect(asRoot.stderr).toMatch(/^dockhand: no node to run with: install Node 20 or later on PATH, .*\n$/);
    // Nor does another user, whom the runner user could otherwise run code as.
    const other = dockhand(
      newRelease,
      ['doctor', '--runner', scratch.runner],
      runnerUser('dockhand-other'),
      pathWithoutNode(),
    );
    expect([other.status, other.stderr]).toEqual([asRoot.status, asRoot.stderr]);
  });

  it('never starts, as root, a node the runner user can replace, whichever way --runner reaches its folder', () => {
    removeScratch(scratch);
    scratch = makeScratchRunner('LANG=C.UTF-8\n', []);
    const proof = path.join(scratch.root, 'ran-as');
    // What the runner user can put in its own folder: a "node" of its choosing.
    const planted = path.join(scratch.runner, 'externals', 'node24', 'bin', 'node');
    mkdirSync(path.dirname(planted), { recursive: true });
    writeFileSync(planted, `#!/bin/sh\nid -u > ${proof}\n`, { mode: 0o755 });
    giveTo(user, scratch.runner);
    // An operator's convenience link (/opt/actions-runner -> /home/runner/actions-runner), made by root.
    const link = path.join(scratch.root, 'runner-link');
    symlinkSync(scratch.runner, link);
    // The runner user's own folder, replaced by a link to a root-owned folder everyone can write.
    const shared = path.join(scratch.root, 'shared');
    mkdirSync(path.join(shared, 'externals', 'node24', 'bin'), { recursive: true });
    chmodSync(shared, 0o1777);
    writeFileSync(path.join(shared, 'externals', 'node24', 'bin', 'node'), `#!/bin/sh\nid -u > ${proof}\n`, {
      mode: 0o755,
    });
    giveTo(user, path.join(shared, 'externals'));
    const home = path.join(scratch.root, 'home');
    giveTo(user, home);
    const toShared = path.join(home, 'actions-runner');
    symlinkSync(shared, toShared);
    for (const runner of [link, `${link}/`, toShared, `${toShared}/`]) {
      const withNode = dockhand(
        newRelease,
        ['doctor', '--runner', runner],
        undefined,
        '/usr/local/bin:/usr/bin:/bin',
      );
      expect(existsSync(proof), `${runner}: ${withNode.stderr}`).toBe(false);
      const noNode = dockhand(newRelease, ['doctor', '--runner', runner], undefined, pathWithoutNode());
      expect(existsSync(proof), runner).toBe(false);
      expect([noNode.status, noNode.stderr]).toEqual([
        2,
        "dockhand: no node to run with: install Node 20 or later on PATH, or run dockhand as the runner user with --runner <runner folder> (it then uses the runner's own Node)\n",
      ]);
    }
    // As the runner user, a node someone else owns in its folder is not started either.
    const other = runnerUser('dockhand-other');
    execFileSync('chown', [`${other.uid}`, planted]);
    const asUser = dockhand(newRelease, ['doctor', '--runner', scratch.runner], user, pathWithoutNode());
    expect(existsSync(proof)).toBe(false);
    expect(asUser.status).toBe(2);
  });

  it('installs from the unpacked tarball, upgrades in place, rolls back and uninstalls', () => {
    removeScratch(scratch);
    const features = 'HOOK_FEATURES_RULES=octo-org/pilot-*=all;*=none';
    scratch = makeScratchRunner(`LANG=C.UTF-8\n${features}\n`);
    // As the unpacked runner has it: its own Node binary, which the runner user owns.
    const node = path.join(scratch.runner, 'externals', 'node20', 'bin', 'node');
    rmSync(node);
    copyFileSync(process.execPath, node);
    mkdirSync(scratch.dockerConfig);
    writeFileSync(path.join(scratch.dockerConfig, 'config.json'), '{"auths":{}}\n');
    giveTo(user, scratch.runner, scratch.home);
    const PATH = pathWithoutNode();
    const runner = scratch.runner;
    const installed = (name: string) => readFileSync(path.join(runner, '.dockhand', name), 'utf8');
    const record = () => JSON.parse(installed('install.json')) as Record<string, unknown>;

    const first = dockhand(
      oldRelease,
      ['install', '--runner', runner, '--registry', ecrHost, '--registry', `${otherHost}=dockhand-stack`],
      user,
      PATH,
    );
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain(`dockhand 0.1.0 is installed in ${runner}`);
    expect(record()).toMatchObject({ dockhandVersion: '0.1.0', previousVersion: null });
    const configAfterFirst = readFileSync(path.join(scratch.dockerConfig, 'config.json'), 'utf8');
    const envAfterFirst = readFileSync(path.join(runner, '.env'), 'utf8');

    // The upgrade: no --registry, the registries already set up are kept.
    const upgrade = dockhand(newRelease, ['install', '--runner', runner], user, PATH);
    expect(upgrade.stderr).toBe('');
    expect(upgrade.stdout).toContain(`dockhand 0.1.0 -> ${version} in ${runner}`);
    expect(installed('hook.js')).toBe(readFileSync(path.join(newRelease, 'hook.js'), 'utf8'));
    expect(installed('previous/hook.js')).toBe(readFileSync(path.join(oldRelease, 'hook.js'), 'utf8'));
    expect(installed('previous/ecr-login-aws.js')).toBe(
      readFileSync(path.join(oldRelease, 'ecr-login-aws.js'), 'utf8'),
    );
    expect(record()).toMatchObject({ dockhandVersion: version, previousVersion: '0.1.0' });
    expect(readFileSync(path.join(scratch.dockerConfig, 'config.json'), 'utf8')).toBe(configAfterFirst);
    expect(readFileSync(path.join(runner, '.env'), 'utf8')).toBe(envAfterFirst);
    expect(envAfterFirst).toContain(`${features}\n`);

    // The hook's debug output and doctor's report say the version too.
    const hook = hookDebugOutput(runner);
    expect(hook).toContain(`::debug::dockhand ${version} cleanup_job\n`);
    const doctor = dockhand(newRelease, ['doctor', '--runner', runner, '--json'], user, PATH);
    const checks = (JSON.parse(doctor.stdout) as { checks: Array<{ name: string; detail: string }> }).checks;
    expect(checks.find((check) => check.name === 'dockhand release')?.detail).toBe(
      `${version} installed (0.1.0 kept for rollback); this dockhand is ${version}`,
    );

    const back = dockhand(newRelease, ['rollback', '--runner', runner], user, PATH);
    expect(back.stderr).toBe('');
    expect(back.stdout).toContain(`dockhand ${version} -> 0.1.0 in ${runner}`);
    expect(installed('hook.js')).toBe(readFileSync(path.join(oldRelease, 'hook.js'), 'utf8'));
    expect(installed('ecr-login.js')).toBe(readFileSync(path.join(oldRelease, 'ecr-login.js'), 'utf8'));
    expect(record()).toMatchObject({ dockhandVersion: '0.1.0', previousVersion: null });
    expect(existsSync(path.join(runner, '.dockhand/previous'))).toBe(false);
    expect(readFileSync(path.join(runner, '.env'), 'utf8')).toBe(envAfterFirst);
    const again = dockhand(newRelease, ['rollback', '--runner', runner], user, PATH);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(
      /^dockhand: no earlier release is kept in .*: nothing to roll back to .*\n$/,
    );

    const removed = dockhand(oldRelease, ['uninstall', '--runner', runner], user, PATH);
    expect(removed.stderr).toBe('');
    expect(readFileSync(path.join(runner, '.env'), 'utf8')).toBe(`LANG=C.UTF-8\n${features}\n`);
    expect(readFileSync(path.join(scratch.dockerConfig, 'config.json'), 'utf8')).toBe('{"auths":{}}\n');
    expect(existsSync(path.join(runner, '.dockhand'))).toBe(false);
  });

  it('installs as an npm package with a working dockhand command', () => {
    const prefix = mkdtempSync(path.join(work, 'npm-'));
    execFileSync(
      'npm',
      ['install', '--global', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, newTarball],
      {
        stdio: 'pipe',
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: prefix,
          npm_config_cache: path.join(prefix, 'cache'),
        },
      },
    );
    const out = execFileSync(path.join(prefix, 'bin', 'dockhand'), ['--version'], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(out).toBe(`dockhand ${version}\n`);
  });
});

/** What the installed hook prints for a cleanup_job with nothing to clean, in a debug run. */
function hookDebugOutput(runner: string): string {
  const temp = path.join(runner, '_work', '_temp');
  mkdirSync(path.join(temp, '_runner_hook_responses'), { recursive: true });
  const responseFile = path.join(temp, '_runner_hook_responses', 'cleanup.json');
  writeFileSync(responseFile, '');
  const input = { command: 'cleanup_job', responseFile, args: {}, state: null };
  const result = spawnSync(
    path.join(runner, 'externals/node20/bin/node'),
    [path.join(runner, '.dockhand/hook.js')],
    {
      input: `${JSON.stringify(input)}\n`,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        RUNNER_DEBUG: '1',
        RUNNER_TEMP: temp,
        HOOK_PRIVATE_DIR: path.join(os.tmpdir()),
        HOOK_DOCKER_CONFIG: stack.stackHelper.dockerConfig,
      },
    },
  );
  return result.stdout;
}
