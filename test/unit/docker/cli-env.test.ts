import { describe, expect, it } from 'vitest';
import {
  ContainerEnvError,
  daemonOnlyEnv,
  dockerCliEnv,
  planContainerEnv,
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

  it('keeps only what reaches the daemon for calls that carry job values', () => {
    expect(daemonOnlyEnv(dockerCliEnv(host, [], '/cfg'))).toEqual({
      DOCKER_HOST: 'unix:///run/docker.sock',
      DOCKER_CONFIG: '/cfg',
    });
  });
});

describe("a job's variables", () => {
  const daemon = { DOCKER_HOST: 'unix:///run/docker.sock', DOCKER_CONFIG: '/cfg' };

  it('go by name (-e NAME) with values in the CLI env, never on the command line', () => {
    const plan = planContainerEnv(
      { TOKEN: 's3cret value\nline 2', AWS_SECRET_ACCESS_KEY: 'job-own' },
      daemon,
    );
    expect(plan.flags).toEqual(['-e', 'TOKEN', '-e', 'AWS_SECRET_ACCESS_KEY']);
    expect(plan.flags.join(' ')).not.toContain('s3cret');
    expect(plan.cliEnv).toEqual({
      ...daemon,
      TOKEN: 's3cret value\nline 2',
      AWS_SECRET_ACCESS_KEY: 'job-own',
    });
    expect(plan.fileEntries).toEqual([]);
  });

  it('that the CLI itself reads (DOCKER_*) go through an env file and never redirect the CLI', () => {
    const plan = planContainerEnv({ DOCKER_HOST: 'tcp://evil:2375', A: '1' }, daemon);
    expect(plan.cliEnv.DOCKER_HOST).toBe('unix:///run/docker.sock');
    expect(plan.fileEntries).toEqual([['DOCKER_HOST', 'tcp://evil:2375']]);
    expect(plan.flags).toEqual(['-e', 'A']);
  });

  it.each([
    [
      { DOCKER_X: 'a\nb' },
      "environment variable DOCKER_X has a line break, which docker's --env-file cannot carry; use a single-line value",
    ],
    [{ 'A=B': '1' }, "environment variable 'A=B' cannot be passed to a container; rename it"],
  ])('that cannot be passed are refused in one line (%j)', (env, message) => {
    expect(() => planContainerEnv(env, daemon)).toThrow(new ContainerEnvError(message));
  });
});
