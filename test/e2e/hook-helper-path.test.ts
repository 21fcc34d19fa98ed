// The main path: private ECR-shaped images pulled through the host's credential helper, with no
// credentials in the workflow and no `docker login`; services reachable by alias; cleanup leaves nothing.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jobContainer, replayJob } from '../../src/replay';
import {
  containersLabelled,
  docker,
  ecr,
  ecrEu,
  networksLabelled,
  testRunner,
  type SavedState,
  type TestRunner,
} from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());

describe('hook, helper path', () => {
  it('runs a container job with services reachable by alias, pulled through the credential helper', async () => {
    runner = testRunner({
      AWS_SECRET_ACCESS_KEY: 'host-secret-must-not-leak',
      HOOK_SERVICE_ALIASES: `${ecrEu('dockhand/web')}=frontend`,
    });
    const { replayer } = runner;
    let state: SavedState | undefined;
    const result = await replayJob(replayer, {
      container: {
        image: ecr('dockhand/shell:1'),
        env: { TRICKY: 'a "b" c\nline two', DOCKER_HOST: 'tcp://127.0.0.1:1' },
      },
      services: [
        { image: ecr('dockhand/web:1'), ports: ['80'], options: '--network-alias "www"' },
        { image: ecrEu('dockhand/web:1') },
      ],
      steps: [
        {
          kind: 'script',
          script: 'printf "%s|" "$TRICKY"; echo; echo "PATH=$PATH"; echo "DH=$DOCKER_HOST"',
          prependPath: ['/opt/tool/bin'],
        },
        {
          kind: 'script',
          script: 'wget -q -O - http://web/ && wget -q -O - http://www/ && wget -q -O - http://frontend/',
        },
        { kind: 'script', script: 'env | grep -c AWS_SECRET_ACCESS_KEY || echo "no host AWS secret"' },
      ],
    }).finally(() => (state = replayer.state as SavedState | undefined));
    const log = runner.output();
    expect(result.steps.map((s) => s.exitCode)).toEqual([0, 0, 0]);
    expect(result.ok, log).toBe(true);
    expect(log).toContain('a "b" c\nline two|');
    expect(log).toContain('PATH=/opt/tool/bin:/usr/local/bin:/usr/bin:/bin');
    // a job's DOCKER_HOST reaches the container, not the hook's docker CLI (which would have failed)
    expect(log).toContain('DH=tcp://127.0.0.1:1');
    expect(log.match(/hello from the dockhand web service/g)).toHaveLength(3);
    expect(log).toContain('no host AWS secret');
    expect(log).toContain(
      'Services are reachable from the job container and each other as: web, www, frontend',
    );
    expect(log).not.toMatch(/docker (create|pull|exec) /); // no command echo outside debug runs
    const prepare = result.prepare?.response as {
      isAlpine: boolean;
      context: { services: Array<{ ports: Record<string, string> }> };
    };
    expect(prepare.isAlpine).toBe(false);
    expect(Number(prepare.context.services[0]?.ports['80'])).toBeGreaterThan(0);
    expect(prepare.context.services[1]?.ports).toEqual({});
    // cleanup removed everything of this job, and no throw-away secrets are left
    expect(containersLabelled(`dockhand.job=${state?.jobId}`)).toEqual([]);
    expect(networksLabelled(`dockhand.job=${state?.jobId}`)).toEqual([]);
    expect(readdirSync(path.join(runner.root, 'private'))).toEqual([]);
  });

  it('says the job container is Alpine and gives it the job env, GITHUB_ACTIONS and CI', async () => {
    runner = testRunner();
    const prepare = await runner.replayer.prepareJob({
      container: jobContainer(
        { image: ecr('dockhand/alpine:3'), env: { JOB_SECRET: 'hunter2-value' } },
        runner.replayer.layout,
      ),
      services: [],
    });
    try {
      expect(prepare.exitCode, runner.output()).toBe(0);
      expect(prepare.response?.isAlpine).toBe(true);
      const id = (runner.replayer.state as SavedState).container?.id as string;
      const inspect = docker(
        'inspect',
        '--format',
        '{{json .Config.Env}} {{json .Config.Labels}} {{.Path}}',
        id,
      );
      expect(inspect).toContain('JOB_SECRET=hunter2-value');
      expect(inspect).toContain('GITHUB_ACTIONS=true');
      expect(inspect).toContain('CI=true');
      expect(inspect).toContain('tail');
    } finally {
      const cleanup = await runner.replayer.cleanupJob();
      expect(cleanup.exitCode, runner.output()).toBe(0);
    }
  });

  it('backs out of single behaviours with HOOK_FEATURES (no alias, no service logs, one at a time)', async () => {
    runner = testRunner({ HOOK_FEATURES: '-service-aliases,-service-logs,-parallel' });
    const result = await replayJob(runner.replayer, {
      container: { image: ecr('dockhand/shell:1') },
      services: [{ image: ecr('dockhand/web:1') }],
      steps: [
        {
          kind: 'script',
          script: 'nslookup web >/dev/null 2>&1 && echo "web resolves" || echo "web is unknown"',
        },
      ],
    });
    expect(result.ok, runner.output()).toBe(true);
    expect(runner.output()).toContain('web is unknown');
    expect(runner.output()).not.toContain('::group::Service ');
  });
});
