// One rule for which docker runs, shared by the hook and `dockhand doctor`: the shell's, the first
// executable file named docker on PATH. Real files in a temp folder; no daemon.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { doctorSetup } from '../../../src/cli/doctor/setup';
import { runnerLayout } from '../../../src/cli/runner-folder';
import { dockerCliSettingsOf } from '../../../src/docker/cli-settings';
import { findExecutable } from '../../../src/exec';
import { hookConfigFromEnv } from '../../../src/hook/config';
import { makeTempDir, removeTempDirs } from '../../support/temp';

afterAll(removeTempDirs);

/** PATH with a non-executable docker, then a folder named docker, then the executable one. */
function pathWithDecoys(): { searchPath: string; executable: string } {
  const root = makeTempDir('dockhand-docker-path-');
  const notExecutable = path.join(root, 'a');
  const folder = path.join(root, 'b');
  const good = path.join(root, 'c');
  for (const dir of [notExecutable, folder, good]) mkdirSync(dir);
  writeFileSync(path.join(notExecutable, 'docker'), '#!/bin/sh\nexit 0\n', { mode: 0o644 });
  mkdirSync(path.join(folder, 'docker'), { mode: 0o755 });
  writeFileSync(path.join(good, 'docker'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return { searchPath: [notExecutable, folder, good].join(':'), executable: path.join(good, 'docker') };
}

describe('the docker CLI the hook and doctor run', () => {
  it('is the first executable docker on PATH for both, as a shell finds it', () => {
    const { searchPath, executable } = pathWithDecoys();
    const env = { PATH: searchPath, HOME: '/home/runner' };
    const hook = hookConfigFromEnv(env, { homedir: '/home/runner', tmpdir: '/tmp' });
    const doctor = doctorSetup(runnerLayout('/r'), env, null, '/home/runner');
    expect(hook.dockerPath).toBe(executable);
    expect(doctor.docker.dockerPath).toBe(executable);
  });

  it('is HOOK_DOCKER_PATH as given, so a broken one fails with its own cause', () => {
    const settings = dockerCliSettingsOf({ PATH: '/usr/bin', HOOK_DOCKER_PATH: '/opt/docker' }, '/h');
    expect(settings.dockerPath).toBe('/opt/docker');
  });

  it('is none when PATH has no executable docker', () => {
    expect(dockerCliSettingsOf({ PATH: '/nonexistent::' }, '/h').dockerPath).toBeNull();
    expect(findExecutable('docker', undefined)).toBeNull();
  });

  it('gives both the same config folder, its source, CLI environment and Engine endpoint', () => {
    const env = {
      PATH: '/bin',
      HOME: '/h',
      DOCKER_HOST: 'tcp://d:2376',
      DOCKER_CONFIG: '/cfg',
      HOOK_DOCKER_PATH: '/d',
    };
    const hook = hookConfigFromEnv(env, { homedir: '/h', tmpdir: '/tmp' });
    const doctor = doctorSetup(runnerLayout('/r'), env, null, '/h').docker;
    expect(doctor).toEqual({
      dockerPath: hook.dockerPath,
      dockerConfigDir: hook.dockerConfigDir,
      dockerConfigSource: 'DOCKER_CONFIG',
      cliEnv: hook.cliEnv,
      engineEndpoint: hook.engineEndpoint,
      socketMapping: hook.socketMapping,
    });
    expect(doctor.engineEndpoint).toEqual({ viaCli: 'tcp://d:2376' });
  });
});
