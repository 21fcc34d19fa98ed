import { describe, expect, it } from 'vitest';
import { olderVersion } from '../../../src/docker/engine-api';
import { engineEndpointOf } from '../../../src/docker/engine-endpoint';

describe('where the Engine API is', () => {
  it.each([
    [{}, undefined, { socketPath: '/var/run/docker.sock' }],
    [
      { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' },
      undefined,
      { socketPath: '/run/user/1000/docker.sock' },
    ],
    // DOCKER_HOST wins over any context, as in the CLI.
    [{ DOCKER_HOST: 'unix:///d.sock', DOCKER_CONTEXT: 'remote' }, 'other', { socketPath: '/d.sock' }],
    [{ DOCKER_HOST: 'tcp://dind:2376' }, undefined, { viaCli: 'tcp://dind:2376' }],
    [{ DOCKER_HOST: 'ssh://ci@builder' }, undefined, { viaCli: 'ssh://ci@builder' }],
    [{ DOCKER_CONTEXT: 'remote' }, undefined, { viaCli: 'docker context remote' }],
    [{ DOCKER_CONTEXT: 'remote' }, 'other', { viaCli: 'docker context remote' }],
    [{}, 'other', { viaCli: 'docker context other' }],
    [{ DOCKER_CONTEXT: 'default' }, 'other', { socketPath: '/var/run/docker.sock' }],
    [{}, 'default', { socketPath: '/var/run/docker.sock' }],
  ])('%j with config context %s -> %j', (env, context, expected) => {
    expect(engineEndpointOf(env, context)).toEqual(expected);
  });
});

describe('API version negotiation', () => {
  it.each([
    ['1.41', '1.47', '1.41'],
    ['1.52', '1.47', '1.47'],
    ['1.47', '1.47', '1.47'],
    ['1.9', '1.41', '1.9'],
    ['2.0', '1.47', '1.47'],
  ])('older of %s and %s is %s', (a, b, expected) => {
    expect(olderVersion(a, b)).toBe(expected);
  });
});
