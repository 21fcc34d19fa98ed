// prepare_job's plan: what will be created, decided (and bad input refused) before anything is.
import { describe, expect, it } from 'vitest';
import { planJob, type JobNaming } from '../../../src/hook/job-plan';
import { parseServiceAliases } from '../../../src/hook/service-aliases';
import { jobContainer as container } from './hook-inputs';

/** This runner, with the default alias rules. */
const naming: JobNaming = { runnerId: 'abcdef0123456789', aliasRules: parseServiceAliases(undefined) };

describe('prepare_job plan', () => {
  it('aliases services, keeps option aliases and re-tokenizes service args', () => {
    const plan = planJob(
      {
        container: container('r.io/ci/builder:1', { createOptions: '--cpus 1' }),
        services: [
          container('r.io/team/postgres:16', {
            createOptions: '--network-alias db --health-cmd "pg_isready -U x"',
          }),
          container('r.io/redis:7', { entryPointArgs: ['redis-server', '"--save', '60', '1"'] }),
          container('other.io/postgres:15', { contextName: 'legacy_db' }),
        ],
      },
      naming,
    );
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
    const plan = planJob(
      {
        container: null,
        services: [container('r.io/redis:7')],
      },
      { ...naming, aliasRules: null },
    );
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
    expect(() => planJob(args, naming)).toThrow(message);
  });
});
