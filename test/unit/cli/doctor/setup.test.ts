import { describe, expect, it } from 'vitest';
import { formatText } from '../../../../src/cli/doctor/report';
import { fail, pass, skip } from '../../../../src/cli/doctor/check';
import { doctorSetup, registryRoutes } from '../../../../src/cli/doctor/setup';
import { runnerLayout } from '../../../../src/cli/runner-folder';

describe('what the hook will see', () => {
  it('gives docker PATH, HOME, DOCKER_*, AWS_*, proxies and HOOK_ENV_PASSTHROUGH names, and the config dir', () => {
    const hookEnv = {
      PATH: '/bin',
      HOME: '/h',
      DOCKER_HOST: 'unix:///s',
      AWS_PROFILE: 'ci',
      HTTPS_PROXY: 'http://p',
      SECRET_TOKEN: 'x',
      GOOGLE_X: 'g',
      MY_VAR: 'm',
      HOOK_ENV_PASSTHROUGH: 'MY_VAR, GOOGLE_*',
    };
    const setup = doctorSetup(runnerLayout('/r'), hookEnv, 'HOOK_DOCKER_CONFIG=/cfg', '/root');
    expect(setup.docker.cliEnv).toEqual({
      PATH: '/bin',
      HOME: '/h',
      DOCKER_HOST: 'unix:///s',
      AWS_PROFILE: 'ci',
      HTTPS_PROXY: 'http://p',
      GOOGLE_X: 'g',
      MY_VAR: 'm',
      DOCKER_CONFIG: '/cfg',
    });
  });

  it.each([
    [['HOOK_DOCKER_CONFIG=/a', 'DOCKER_CONFIG=/b'], '/a', 'HOOK_DOCKER_CONFIG'],
    [['DOCKER_CONFIG=/b'], '/b', 'DOCKER_CONFIG'],
    [[], '/home/runner/.docker', "the runner user's home"],
  ])('picks the docker config as the hook does (%j)', (lines, dir, source) => {
    const setup = doctorSetup(runnerLayout('/r'), { HOME: '/home/runner' }, lines.join('\n'), '/root');
    expect([setup.docker.dockerConfigDir, setup.docker.dockerConfigSource]).toEqual([dir, source]);
  });

  it('lists each credHelpers registry and credsStore as the fallback', () => {
    expect(registryRoutes({ credHelpers: { a: 'x', b: 3 }, credsStore: 'pass' })).toEqual([
      { host: 'a', helper: 'x' },
      { host: '*', helper: 'pass' },
    ]);
  });

  it('prints a line per check, a fix under each failure, and a count', () => {
    expect(formatText([pass('a', 'fine'), fail('b', 'broken', 'mend it'), skip('c', 'n/a')])).toEqual([
      'ok   a: fine',
      'FAIL b: broken',
      '     fix: mend it',
      'skip c: n/a',
      '1 check failed',
    ]);
  });
});
