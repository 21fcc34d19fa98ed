import { describe, expect, it } from 'vitest';
import {
  buildArgs,
  createArgs,
  loginArgs,
  mountArg,
  networkCreateArgs,
  runArgs,
  type ContainerSpec,
} from '../../../src/docker/args';

const spec: ContainerSpec = {
  name: 'dockhand-1-job',
  image: '-rm-rf-looks-like-a-flag',
  labels: { 'dockhand.runner': 'abc' },
  network: 'github_network_1',
  networkAliases: ['postgres'],
  workdir: '/__w/repo/repo',
  entrypoint: 'tail',
  command: ['-f', '/dev/null'],
  ports: ['5432:5432', '8080:80/udp'],
  mounts: [
    { userProvidedValue: null, sourceVolumePath: '/a b/_work', targetVolumePath: '/__w', readOnly: false },
    { userProvidedValue: null, sourceVolumePath: '/r/externals', targetVolumePath: '/__e', readOnly: true },
    { userProvidedValue: '/data', sourceVolumePath: null, targetVolumePath: '/data', readOnly: false },
  ],
  options: ['--cpus', '1'],
};

describe('docker argument builders', () => {
  it('builds docker create with the image after --, options last before it', () => {
    expect(createArgs(spec)).toEqual([
      'create',
      '--name',
      'dockhand-1-job',
      '--label',
      'dockhand.runner=abc',
      '--network',
      'github_network_1',
      '--network-alias',
      'postgres',
      '--workdir',
      '/__w/repo/repo',
      '--publish',
      '5432:5432',
      '--publish',
      '8080:80/udp',
      '--volume',
      '/a b/_work:/__w',
      '--volume',
      '/r/externals:/__e:ro',
      '--volume',
      '/data',
      '--entrypoint',
      'tail',
      '--cpus',
      '1',
      '--',
      '-rm-rf-looks-like-a-flag',
      '-f',
      '/dev/null',
    ]);
    // No --rm: with it, podman before 4.6 gives `docker run` exit code 0 whatever the container's.
    expect(runArgs(spec).slice(0, 2)).toEqual(['run', '--name']);
  });

  it('builds the small verbs', () => {
    expect(
      mountArg({ userProvidedValue: null, sourceVolumePath: '/s', targetVolumePath: '/t', readOnly: true }),
    ).toBe('/s:/t:ro');
    expect(loginArgs('ci-bot', '')).toEqual(['login', '--username', 'ci-bot', '--password-stdin']);
    expect(loginArgs('AWS', 'r.io')).toEqual([
      'login',
      '--username',
      'AWS',
      '--password-stdin',
      '--',
      'r.io',
    ]);
    expect(networkCreateArgs('n', { a: 'b' }, 'overlay')).toEqual([
      'network',
      'create',
      '--label',
      'a=b',
      '--driver',
      'overlay',
      '--',
      'n',
    ]);
    expect(networkCreateArgs('n', {}, null)).toEqual(['network', 'create', '--', 'n']);
    expect(buildArgs('t:1', '/a/Dockerfile', '/a', {})).toEqual([
      'build',
      '--quiet',
      '--tag',
      't:1',
      '--file',
      '/a/Dockerfile',
      '--',
      '/a',
    ]);
  });
});
