// `dockhand run` with Docker Hub images behind an ECR pull-through cache: a workflow that names `redis:<tag>`
// as a service and `docker://busybox:<tag>` as a step, with Docker Hub unreachable, runs through the
// mirror (ecr-login authenticating), the second run finds both on the host with HOOK_PULL_POLICY=missing,
// and `dockhand stats` reads the events both runs left.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ecrApiEnv } from '../support/ecr-runner';
import { useEcrEmulator } from '../support/ecr-emulator-fixture';
import { distDir } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';
import { runCliAsync } from './cli-support';
import { ecr, stack } from './hook-support';
import { pushAs, removeLater, removeTags, uniqueTag } from './pull-support';

const fixture = useEcrEmulator();
afterAll(() => {
  removeTags();
  removeTempDirs();
});

const ecrHost = stack.registries.ecrUsEast1;

/** Async: the ECR emulator answers from this test process, which must not block on the CLI. */
const dockhand = (args: string[], env: Record<string, string>) => runCliAsync(args, env);

describe('dockhand run, Docker Hub images through a mirror', () => {
  it('runs the job from the mirror, then from the host, and stats tells which', async () => {
    const tag = uniqueTag('run');
    for (const [name, local] of [
      ['redis', stack.localImages.web],
      ['busybox', stack.localImages.shell],
    ] as const) {
      pushAs(local, ecr(`docker-hub/library/${name}:${tag}`));
      removeLater(`${name}:${tag}`);
      removeLater(ecr(`docker-hub/library/${name}:${tag}`));
    }
    const dir = makeTempDir('dockhand-run-mirrors-');
    const workflow = path.join(dir, 'ci.yml');
    writeFileSync(
      workflow,
      [
        'on: push',
        'jobs:',
        '  test:',
        '    runs-on: [self-hosted]',
        '    container:',
        `      image: ${ecr(stack.images.shell)}`,
        '    services:',
        '      cache:',
        `        image: redis:${tag}`,
        '    steps:',
        '      - run: wget -q -O - http://redis/',
        `      - uses: docker://busybox:${tag}`,
        '        with:',
        '          args: echo from a docker step',
        '',
      ].join('\n'),
    );
    const dockerConfig = path.join(dir, 'docker');
    mkdirSync(dockerConfig, { mode: 0o700 });
    writeFileSync(
      path.join(dockerConfig, 'config.json'),
      JSON.stringify({ credHelpers: { [ecrHost]: 'ecr-login' } }),
    );
    const events = path.join(dir, 'events.jsonl');
    const env = {
      PATH: `${distDir}:/usr/local/bin:/usr/bin:/bin`,
      HOME: dir,
      DOCKER_CONFIG: dockerConfig,
      ...ecrApiEnv(fixture.emulator.url, path.join(dir, 'ecr-cache')),
      AWS_REGION: 'us-east-1',
      HOOK_ENV_PASSTHROUGH: 'AWS_*',
      HOOK_REGISTRY_MIRRORS: `docker.io=${ecrHost}/docker-hub`,
      HOOK_EVENTS_FILE: events,
    };

    const first = await dockhand(['run', workflow, '--job', 'test'], { ...env, HOOK_PULL_POLICY: 'missing' });
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain('hello from the dockhand web service');
    expect(first.stdout).toContain('from a docker step');
    expect(first.stdout).toContain(`redis:${tag}: pulled from registry mirror ${ecrHost}`);
    expect(first.stdout).toContain(`busybox:${tag}: pulled from registry mirror ${ecrHost}`);

    const second = await dockhand(['run', workflow, '--job', 'test'], {
      ...env,
      HOOK_PULL_POLICY: 'missing',
    });
    expect(second.status, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain(
      `redis:${tag}: found on this Docker host (HOOK_PULL_POLICY=missing), not pulled`,
    );
    expect(second.stdout).toContain(
      `busybox:${tag}: found on this Docker host (HOOK_PULL_POLICY=missing), not pulled`,
    );

    const stats = await dockhand(['stats', events], env);
    expect(stats.status, stats.stderr).toBe(0);
    expect(stats.stdout).toContain(`docker.io via ${ecrHost}`);
    expect(stats.stdout).toMatch(
      /images found on the host \(pull policy, digest, used earlier in the job\): 4 \(67%\); from a mirror: 2 \(33%\)/,
    );
  });
});
