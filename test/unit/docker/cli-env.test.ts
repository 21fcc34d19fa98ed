import { describe, expect, it } from 'vitest';
import {
  ContainerEnvError,
  containerEnvEntries,
  dockerCliEnv,
  proxiedCliEnv,
} from '../../../src/docker/cli-env';

const host = {
  PATH: '/usr/bin',
  HOME: '/home/runner',
  DOCKER_HOST: 'unix:///run/docker.sock',
  DOCKER_CONFIG: '/home/runner/.docker',
  AWS_PROFILE: 'ci',
  AWS_SECRET_ACCESS_KEY: 'host-secret',
  https_proxy: 'http://proxy:3128',
  NO_PROXY: 'localhost',
  SSL_CERT_FILE: '/etc/ssl/ca.pem',
  GITHUB_TOKEN: 'not-for-docker',
  RUNNER_NAME: 'r1',
  CORP_TOKEN: 'x',
  VAULT_ADDR: 'https://vault',
  VAULT_TOKEN: 'v',
};

describe("docker CLI's environment", () => {
  it('passes what docker and credential helpers need, plus HOOK_ENV_PASSTHROUGH, and resolves DOCKER_CONFIG', () => {
    expect(dockerCliEnv(host, ['CORP_TOKEN', 'VAULT_*'], '/etc/dockhand/docker')).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      DOCKER_HOST: 'unix:///run/docker.sock',
      DOCKER_CONFIG: '/etc/dockhand/docker',
      AWS_PROFILE: 'ci',
      AWS_SECRET_ACCESS_KEY: 'host-secret',
      https_proxy: 'http://proxy:3128',
      NO_PROXY: 'localhost',
      SSL_CERT_FILE: '/etc/ssl/ca.pem',
      CORP_TOKEN: 'x',
      VAULT_ADDR: 'https://vault',
      VAULT_TOKEN: 'v',
    });
  });

  it("gives a create or run only the proxy, the runner's PATH and HOME and the docker config: nothing for -e NAME to copy", () => {
    expect(proxiedCliEnv(dockerCliEnv(host, ['CORP_TOKEN'], '/cfg'), 'unix:///private/docker.sock')).toEqual({
      DOCKER_HOST: 'unix:///private/docker.sock',
      DOCKER_CONFIG: '/cfg',
      PATH: '/usr/bin',
      HOME: '/home/runner',
    });
  });
});

describe("a job's variables", () => {
  it('are NAME=value entries for the Engine API, line breaks and all', () => {
    expect(containerEnvEntries({ TOKEN: 's3cret value\nline 2', DOCKER_HOST: 'tcp://x:1' })).toEqual([
      'TOKEN=s3cret value\nline 2',
      'DOCKER_HOST=tcp://x:1',
    ]);
  });

  it.each([
    [{ 'A=B': '1' }, "environment variable 'A=B' cannot be passed to a container; rename it"],
    [{ '': '1' }, "environment variable '' cannot be passed to a container; rename it"],
    [
      { A: 'x\0y' },
      'the value of environment variable A has a NUL character, which no environment can hold; remove it',
    ],
  ])('that cannot be passed are refused in one line (%j)', (env, message) => {
    expect(() => containerEnvEntries(env)).toThrow(new ContainerEnvError(message));
  });
});
