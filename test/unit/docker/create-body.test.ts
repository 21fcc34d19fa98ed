// What the Engine API create body of a plain container holds, and the docker config's proxies as
// `docker create` adds them. That the body makes the same container as `docker create` is proven on a real
// daemon in test/e2e/create-body.test.ts.
import { describe, expect, it } from 'vitest';
import type { ContainerSpec } from '../../../src/docker/args';
import { createBodyOf, isPlainSpec, proxyEntriesOf } from '../../../src/docker/create-body';

const spec: ContainerSpec = {
  name: 'step',
  image: 'alpine:3',
  labels: { a: 'b' },
  network: null,
  networkAliases: [],
  workdir: null,
  entrypoint: null,
  command: [],
  ports: [],
  mounts: [],
  options: [],
};

describe('create body of a plain container', () => {
  it('leaves to the image what the spec does not set, as docker create does', () => {
    expect(createBodyOf(spec, ['X=1'])).toEqual({
      Image: 'alpine:3',
      Env: ['X=1'],
      WorkingDir: '',
      Labels: { a: 'b' },
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: { NetworkMode: 'default', Binds: [], AutoRemove: false, RestartPolicy: { Name: 'no' } },
    });
  });

  it('is refused for options or ports, which only the docker CLI parses', () => {
    for (const other of [
      { ...spec, options: ['--privileged'] },
      { ...spec, ports: ['80'] },
    ]) {
      expect(isPlainSpec(other)).toBe(false);
      expect(() => createBodyOf(other, [])).toThrow(/for the docker CLI to parse/);
    }
  });
});

describe("the docker config's proxies", () => {
  const config = { proxies: { default: { httpProxy: 'http://p:3128', noProxy: 'localhost', ftpProxy: '' } } };

  it('become both spellings of each variable that is set', () => {
    expect(proxyEntriesOf(config, [])).toEqual([
      'HTTP_PROXY=http://p:3128',
      'http_proxy=http://p:3128',
      'NO_PROXY=localhost',
      'no_proxy=localhost',
    ]);
  });

  it("leave a spelling the container's variables have, and add nothing without a default entry", () => {
    expect(proxyEntriesOf(config, ['http_proxy=http://mine', 'NO_PROXY='])).toEqual([
      'HTTP_PROXY=http://p:3128',
      'no_proxy=localhost',
    ]);
    expect(proxyEntriesOf({}, [])).toEqual([]);
    expect(proxyEntriesOf({ proxies: { 'tcp://elsewhere:2376': { httpProxy: 'x' } } }, [])).toEqual([]);
  });
});
