// prepare_job's plan: what will be created, decided (and bad input refused) before anything is.
import { describe, expect, it } from 'vitest';
import { DockerCli } from '../../../src/docker/docker-cli';
import { EngineApi } from '../../../src/docker/engine-api';
import { hookConfigFromEnv } from '../../../src/hook/config';
import type { HookContext } from '../../../src/hook/context';
import { HookEvents } from '../../../src/hook/events';
import { planJob } from '../../../src/hook/job-plan';
import { createJobLog } from '../../../src/protocol/job-log';
import type { HookContainer } from '../../../src/protocol/hook-types';

function contextWith(env: Record<string, string> = {}): HookContext {
  const config = hookConfigFromEnv(
    { PATH: '/usr/bin', HOOK_DOCKER_PATH: '/usr/bin/docker', ...env },
    { homedir: '/h', tmpdir: '/tmp' },
  );
  const log = createJobLog({ write: () => true }, false);
  return {
    config,
    log,
    docker: new DockerCli(config.dockerPath, config.cliEnv, log),
    // Planning talks to no daemon: a socket that is not there proves it.
    engine: new EngineApi({ socketPath: '/nonexistent/docker.sock', describe: 'none' }, log),
    stepOutput: { stdout: () => undefined, stderr: () => undefined },
    runnerId: 'abcdef0123456789',
    events: new HookEvents('prepare_job'),
  };
}

function container(image: string, extra: Partial<HookContainer> = {}): HookContainer {
  return {
    image,
    dockerfile: null,
    entryPointArgs: [],
    entryPoint: null,
    workingDirectory: null,
    createOptions: null,
    registry: null,
    environmentVariables: {},
    portMappings: [],
    systemMountVolumes: [],
    userMountVolumes: [],
    ...extra,
  };
}

describe('prepare_job plan', () => {
  it('aliases services, keeps option aliases and re-tokenizes service args', () => {
    const plan = planJob(contextWith(), {
      container: container('r.io/ci/builder:1', { createOptions: '--cpus 1' }),
      services: [
        container('r.io/team/postgres:16', {
          createOptions: '--network-alias db --health-cmd "pg_isready -U x"',
        }),
        container('r.io/redis:7', { entryPointArgs: ['redis-server', '"--save', '60', '1"'] }),
        container('other.io/postgres:15', { contextName: 'legacy_db' }),
      ],
    });
    expect(plan.network).toMatch(/^github_network_[0-9a-f]{32}$/);
    // Services first: their health checks gate the job.
    const [postgres, redis, legacy, job] = plan.containers;
    expect(job).toMatchObject({
      role: 'job',
      alias: null,
      options: ['--cpus', '1'],
      command: ['-f', '/dev/null'],
    });
    expect(postgres).toMatchObject({
      alias: 'postgres',
      optionAliases: ['db'],
      options: ['--network-alias', 'db', '--health-cmd', 'pg_isready -U x'],
    });
    expect(redis).toMatchObject({ alias: 'redis', command: ['redis-server', '--save 60 1'] });
    expect(legacy?.alias).toBe('legacy_db');
    expect(new Set(plan.containers.map((c) => c.name)).size).toBe(4);
  });

  it('gives no alias of its own with the service-aliases feature off', () => {
    const plan = planJob(contextWith({ HOOK_FEATURES: '-service-aliases' }), {
      container: null,
      services: [container('r.io/redis:7')],
    });
    expect(plan.containers[0]?.alias).toBeNull();
  });

  it.each([
    [{ container: container('-v'), services: [] }, 'invalid hook input: args.container.image "-v"'],
    [
      { container: null, services: [container('r.io/a:1', { portMappings: ['99999'] })] },
      'args.services.0.portMappings.0 "99999"',
    ],
    [
      { container: null, services: [container('r.io/a:1', { createOptions: "--label 'x" })] },
      "invalid args.services.0.createOptions '--label 'x'",
    ],
  ])('refuses bad input before anything is created %#', (args, message) => {
    expect(() => planJob(contextWith(), args)).toThrow(message);
  });
});
