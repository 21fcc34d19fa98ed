// `dockhand install` / `uninstall` on a scratch runner folder, through the built bundle.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadStack } from '../support/stack';
import { giveTo, makeScratchRunner, removeScratch, runCli, runnerUser, type Scratch } from './cli-support';

const stack = loadStack();
const ecrHost = stack.registries.ecrUsEast1;
const envText = 'LANG=C.UTF-8\nRUNNER_ALLOW=a=b=c\nPATH=/opt/tools/bin:/usr/bin:/bin\n';
const configText = JSON.stringify({
  auths: { 'x.example': { auth: 'eDp5' } },
  credsStore: 'pass',
  psFormat: 't',
});

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('dockhand install / uninstall', () => {
  let scratch: Scratch;
  let args: string[];

  afterEach(() => removeScratch(scratch));

  beforeEach(() => {
    scratch = makeScratchRunner(envText);
    mkdirSync(scratch.dockerConfig);
    writeFileSync(path.join(scratch.dockerConfig, 'config.json'), configText);
    args = [
      '--runner',
      scratch.runner,
      '--registry',
      ecrHost,
      '--registry',
      'registry.dockhand.test=dockhand-stack',
    ];
    args.push('--docker-config', scratch.dockerConfig);
  });

  it('--dry-run lists the changes and changes nothing', () => {
    const tree = listTree(scratch.root);
    const result = runCli(['install', ...args, '--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('dry run');
    expect(result.stdout).toContain(`+ ACTIONS_RUNNER_CONTAINER_HOOKS=${scratch.runner}/.dockhand/hook.js`);
    expect(result.stdout).toContain(`  credHelpers["${ecrHost}"]: (none) -> "ecr-login"\n`);
    // Only what changes is shown: never the stored credentials around it.
    expect(result.stdout).not.toContain('eDp5');
    expect(listTree(scratch.root)).toEqual(tree);
    expect(readFileSync(path.join(scratch.runner, '.env'), 'utf8')).toBe(envText);
  });

  it('merges the docker config and .env, is idempotent, and uninstall restores both', () => {
    const configFile = path.join(scratch.dockerConfig, 'config.json');
    expect(runCli(['install', ...args]).status).toBe(0);

    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({
      ...JSON.parse(configText),
      credHelpers: { [ecrHost]: 'ecr-login', 'registry.dockhand.test': 'dockhand-stack' },
    });
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${configFile}.dockhand-backup`, 'utf8')).toBe(configText);
    const env = readFileSync(path.join(scratch.runner, '.env'), 'utf8');
    expect(env).toBe(
      `LANG=C.UTF-8\nRUNNER_ALLOW=a=b=c\nPATH=${scratch.runner}/.dockhand/bin:/opt/tools/bin:/usr/bin:/bin\n` +
        `ACTIONS_RUNNER_CONTAINER_HOOKS=${scratch.runner}/.dockhand/hook.js\nHOOK_DOCKER_CONFIG=${scratch.dockerConfig}\n`,
    );
    const launcher = path.join(scratch.runner, '.dockhand/bin/docker-credential-ecr-login');
    expect(statSync(launcher).mode & 0o111).not.toBe(0);

    // The launcher really starts the installed helper bundle with the runner's node.
    const helper = spawnSync(launcher, ['get'], {
      input: 'not-a-registry.example\n',
      encoding: 'utf8',
      env: {},
    });
    expect(helper.stdout).toBe('credentials not found in native keychain\n');
    expect(helper.status).toBe(1);

    const again = runCli(['install', ...args]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('nothing to change');

    const removed = runCli(['uninstall', '--runner', scratch.runner]);
    expect(removed.status).toBe(0);
    expect(readFileSync(configFile, 'utf8')).toBe(configText);
    expect(readFileSync(path.join(scratch.runner, '.env'), 'utf8')).toBe(envText);
    expect(existsSync(`${configFile}.dockhand-backup`)).toBe(false);
    expect(existsSync(path.join(scratch.runner, '.dockhand'))).toBe(false);
    expect(runCli(['uninstall', '--runner', scratch.runner]).stdout).toContain('not installed');
  });

  it('run as root for a runner user, leaves everything it writes owned by that user', () => {
    const user = runnerUser();
    const runnerUid = user.uid;
    giveTo(user, scratch.runner, scratch.home);
    expect(runCli(['install', ...args]).status).toBe(0);
    const configFile = path.join(scratch.dockerConfig, 'config.json');
    for (const file of [
      configFile,
      `${configFile}.dockhand-backup`,
      path.join(scratch.runner, '.env'),
      path.join(scratch.runner, '.dockhand'),
      path.join(scratch.runner, '.dockhand/bin/docker-credential-ecr-login'),
      path.join(scratch.runner, '.dockhand/hook.js'),
    ]) {
      expect([file, statSync(file).uid]).toEqual([file, runnerUid]);
    }
  });

  it('refuses a folder that is not a runner folder and creates nothing', () => {
    const tree = listTree(scratch.root);
    const result = runCli(['install', ...args.slice(2), '--runner', scratch.home]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^dockhand: .* is not a runner folder .*\n$/);
    expect(listTree(scratch.root)).toEqual(tree);
  });

  it('refuses a non-ECR registry without a helper name, before writing anything', () => {
    const tree = listTree(scratch.root);
    const result = runCli(['install', ...args, '--registry', 'registry.dockhand.test']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('registry.dockhand.test=<helper>');
    expect(listTree(scratch.root)).toEqual(tree);
  });
});
