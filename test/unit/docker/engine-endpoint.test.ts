import { describe, expect, it } from 'vitest';
import { olderVersion } from '../../../src/docker/engine-api';
import {
  engineEndpointOf,
  engineHostOf,
  socketMappingOf,
  type EngineHost,
} from '../../../src/docker/engine-endpoint';

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
    expect(engineEndpointOf(engineHostOf(env, context, () => 'unix:///ctx.sock'))).toEqual(expected);
  });
});

describe("where the runner's /var/run/docker.sock mount comes from", () => {
  const mount = "the runner's /var/run/docker.sock mount";
  it.each<[string, EngineHost, string | null, string | null]>([
    ['Docker', { url: 'unix:///var/run/docker.sock', from: 'the default' }, null, null],
    [
      'rootless Docker',
      { url: 'unix:///run/user/1000/docker.sock', from: 'DOCKER_HOST' },
      '/run/user/1000/docker.sock',
      `${mount} comes from the engine's socket, /run/user/1000/docker.sock (DOCKER_HOST)`,
    ],
    [
      'rootful podman',
      { url: 'unix:///run/podman/podman.sock', from: 'DOCKER_HOST' },
      '/run/podman/podman.sock',
      `${mount} comes from the engine's socket, /run/podman/podman.sock (DOCKER_HOST)`,
    ],
    [
      'a context on a unix socket',
      { url: 'unix:///run/user/1000/podman/podman.sock', from: 'docker context podman', context: 'podman' },
      '/run/user/1000/podman/podman.sock',
      `${mount} comes from the engine's socket, /run/user/1000/podman/podman.sock (docker context podman)`,
    ],
    [
      'tcp',
      { url: 'tcp://dind:2376', from: 'DOCKER_HOST' },
      null,
      `${mount} is left as it is: the engine is at tcp://dind:2376 (DOCKER_HOST), not on a socket of this host`,
    ],
    [
      'ssh',
      { url: 'ssh://ci@builder', from: 'docker context remote', context: 'remote' },
      null,
      `${mount} is left as it is: the engine is at ssh://ci@builder (docker context remote), not on a socket of this host`,
    ],
    [
      'a relative unix path',
      { url: 'unix://docker.sock', from: 'DOCKER_HOST' },
      null,
      `${mount} is left as it is: the engine is at unix://docker.sock (DOCKER_HOST), not on a socket of this host`,
    ],
    [
      'a context that cannot be read',
      { url: null, from: 'docker context gone', context: 'gone' },
      null,
      `${mount} is left as it is: the endpoint of docker context gone could not be read`,
    ],
  ])('%s', (_name, host, source, note) => {
    expect(socketMappingOf(host)).toEqual({ source, note });
  });

  it("follows the CLI's choice: DOCKER_HOST, then the context's own endpoint, then the default", () => {
    const contexts = (name: string) => (name === 'podman' ? 'unix:///run/podman/podman.sock' : null);
    expect(engineHostOf({ DOCKER_CONTEXT: 'podman' }, undefined, contexts)).toEqual({
      url: 'unix:///run/podman/podman.sock',
      from: 'docker context podman',
      context: 'podman',
    });
    expect(engineHostOf({}, 'other', contexts).url).toBeNull();
    expect(engineHostOf({ DOCKER_HOST: 'tcp://d:1' }, 'podman', contexts).url).toBe('tcp://d:1');
    expect(engineHostOf({}, undefined, contexts).url).toBe('unix:///var/run/docker.sock');
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
