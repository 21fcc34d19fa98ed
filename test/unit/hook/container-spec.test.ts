// The one create spec of prepare_job's containers and run_container_step's action.
import { describe, expect, it } from 'vitest';
import { createArgs } from '../../../src/docker/args';
import { containerSpec } from '../../../src/hook/container-spec';
import { jobContainer } from './hook-inputs';

const mount = (source: string, target: string) => ({
  userProvidedValue: null,
  sourceVolumePath: source,
  targetVolumePath: target,
  readOnly: false,
});

const own = {
  name: 'dockhand-x-job',
  image: 'r.io/app:1',
  labels: { 'dockhand.runner': 'r1' },
  network: 'net',
  networkAliases: [],
  command: ['-f', '/dev/null'],
  options: ['--cpus', '1'],
};
const noMapping = { ...own, socketSource: null };

describe('container spec', () => {
  const input = jobContainer('r.io/app:1', {
    entryPoint: 'server',
    workingDirectory: '/__w/repo',
    portMappings: ['80'],
    systemMountVolumes: [mount('/work', '/__w')],
    userMountVolumes: [mount('/data', '/data')],
  });

  it("takes the runner's workdir, ports, mounts (system ones first) and entry point", () => {
    expect(containerSpec(input, noMapping)).toEqual({
      ...own,
      workdir: '/__w/repo',
      entrypoint: 'server',
      ports: ['80'],
      mounts: [mount('/work', '/__w'), mount('/data', '/data')],
    });
  });

  it("mounts the engine's own socket where the runner and the workflow mount /var/run/docker.sock", () => {
    const withSocket = jobContainer('r.io/app:1', {
      systemMountVolumes: [mount('/var/run/docker.sock', '/var/run/docker.sock'), mount('/work', '/__w')],
      userMountVolumes: [mount('/var/run/docker.sock', '/sock'), mount('/var/run/docker.sock.d', '/d')],
    });
    const podman = '/run/podman/podman.sock';
    expect(containerSpec(withSocket, { ...own, socketSource: podman }).mounts).toEqual([
      mount(podman, '/var/run/docker.sock'),
      mount('/work', '/__w'),
      mount(podman, '/sock'),
      mount('/var/run/docker.sock.d', '/d'),
    ]);
    expect(containerSpec(withSocket, noMapping).mounts).toEqual([
      ...withSocket.systemMountVolumes,
      ...withSocket.userMountVolumes,
    ]);
  });

  it("puts the hook's own entry point first (the job container's tail), options last", () => {
    const args = createArgs(containerSpec(input, { ...noMapping, entrypoint: 'tail' }));
    expect(args.slice(args.indexOf('--entrypoint'))).toEqual([
      '--entrypoint',
      'tail',
      '--cpus',
      '1',
      '--',
      'r.io/app:1',
      '-f',
      '/dev/null',
    ]);
  });
});
