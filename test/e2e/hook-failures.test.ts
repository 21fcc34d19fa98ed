// Failures: bad input creates nothing and says what is wrong in one line; an unhealthy service fails
// prepare_job with its logs and a rollback; a failing step fails the hook; cleanup_job still succeeds.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jobContainer, replayJob } from '../../src/replay';
import { runnerIdOf } from '../../src/hook/config';
import { distDir } from '../support/stack';
import {
  containersLabelled,
  docker,
  ecr,
  networksLabelled,
  stack,
  testRunner,
  type SavedState,
  type TestRunner,
} from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());

const runnerLabel = (r: TestRunner) => `dockhand.runner=${runnerIdOf(r.replayer.layout.temp)}`;

function callHook(stdin: string) {
  return spawnSync(process.execPath, [path.join(distDir, 'hook.js')], {
    input: stdin,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
}

describe('hook, failures', () => {
  it.each([
    ['not json', 'hook input is not JSON'],
    [
      '{"command":"start_job","responseFile":"/tmp/x","args":{},"state":null}',
      'invalid hook input: command must be one of prepare_job',
    ],
    ['{"command":"prepare_job","args":{"services":[]},"state":null}', 'invalid hook input: responseFile'],
    [
      '{"command":"prepare_job","responseFile":"/tmp/x","args":{"container":{"image":null},"services":[]},"state":null}',
      'args.container.image',
    ],
  ])('rejects bad input %#: one line naming the field', (stdin, message) => {
    const result = callHook(stdin);
    expect(result.status).not.toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
  });

  /** prepare_job of a job container with these workflow options, which must fail. */
  async function failingPrepare(options: string): Promise<TestRunner> {
    runner = testRunner();
    const container = jobContainer({ image: ecr('dockhand/shell:1'), options }, runner.replayer.layout);
    const prepare = await runner.replayer.prepareJob({ container, services: [] });
    expect(prepare.exitCode).not.toBe(0);
    return runner;
  }

  it('rejects unbalanced quotes in options before creating anything', async () => {
    runner = await failingPrepare('--label "unbalanced');
    expect(runner.output()).toMatch(
      /^::error::dockhand prepare_job: invalid args\.container\.createOptions '--label "unbalanced'/m,
    );
    expect(containersLabelled(runnerLabel(runner))).toEqual([]);
    expect(networksLabelled(runnerLabel(runner))).toEqual([]);
  });

  it('fails prepare_job on an unhealthy service, prints its logs, rolls back; cleanup_job still succeeds', async () => {
    runner = testRunner({ HOOK_HEALTH_TIMEOUT_SECONDS: '60' });
    const result = await replayJob(runner.replayer, {
      container: { image: ecr('dockhand/shell:1') },
      services: [
        { image: ecr('dockhand/web:1') },
        {
          image: ecr('dockhand/shell:1'),
          options:
            '--entrypoint sh --health-cmd "echo broken-check; exit 1" --health-interval 1s --health-retries 1',
        },
      ],
      steps: [{ kind: 'script', script: 'echo never' }],
    });
    const log = runner.output();
    expect(result.prepare?.exitCode).not.toBe(0);
    expect(log).toMatch(
      /::error::dockhand prepare_job: service shell \(.*dockhand\/shell:1\) is (unhealthy|exited)/,
    );
    expect(log).toMatch(/::group::Service shell \(.*\) logs/);
    expect(log).not.toContain('never');
    expect(result.cleanup?.exitCode, log).toBe(0);
    expect(containersLabelled(runnerLabel(runner))).toEqual([]);
    expect(networksLabelled(runnerLabel(runner))).toEqual([]);
  });

  it('fails prepare_job when the job container exits at once, with its logs', async () => {
    // `sh -f /dev/null` runs an empty script and exits: the job container is gone before any step.
    runner = await failingPrepare('--entrypoint sh');
    expect(runner.output()).toMatch(
      /::error::dockhand prepare_job: the job container \(.*dockhand\/shell:1\) is exited/,
    );
    expect(containersLabelled(runnerLabel(runner))).toEqual([]);
  });

  it('uses an image already on the host when its registry cannot be reached, saying so', async () => {
    runner = testRunner();
    const job = {
      container: { image: stack.localImages.shell },
      steps: [{ kind: 'script' as const, script: 'echo local image ran' }],
    };
    const result = await replayJob(runner.replayer, job);
    expect(result.ok, runner.output()).toBe(true);
    expect(runner.output()).toMatch(
      /::warning::could not pull dockhand-test\/shell:1 \(.*\); using the copy already on this Docker host/,
    );
    expect(runner.output()).toContain('local image ran');

    const strict = testRunner({ HOOK_FEATURES: '-local-fallback' });
    try {
      const refused = await replayJob(strict.replayer, job);
      expect(refused.prepare?.exitCode).not.toBe(0);
      expect(strict.output()).toMatch(
        // podman resolves the short name to localhost, whose refusal is retried first.
        /::error::dockhand prepare_job: pull of dockhand-test\/shell:1 (from \S+ failed \d+ times; .*)?failed: /,
      );
    } finally {
      strict.dispose();
    }
  });

  it("fails the hook with a failing step's exit code and stops the job there", async () => {
    runner = testRunner();
    const result = await replayJob(runner.replayer, {
      container: { image: ecr('dockhand/shell:1') },
      steps: [
        { kind: 'script', script: 'echo before; exit 3' },
        { kind: 'script', script: 'echo after' },
      ],
    });
    expect(result.steps).toHaveLength(1);
    expect(result.steps[0]?.exitCode).toBe(3);
    expect(runner.output()).toContain('before');
    expect(runner.output()).toContain('the step exited with code 3');
    expect(result.cleanup?.exitCode).toBe(0);
  });

  it('takes the job network away from a container the job started on it itself, and leaves that container', async () => {
    runner = testRunner();
    const container = jobContainer({ image: ecr('dockhand/shell:1') }, runner.replayer.layout);
    expect((await runner.replayer.prepareJob({ container, services: [] })).exitCode, runner.output()).toBe(0);
    const { network } = runner.replayer.state as SavedState;
    // What a job does with `docker run --network ${{ job.container.network }}`: not ours, not labelled.
    const sibling = docker('run', '--detach', '--network', network, stack.localImages.shell, 'sleep', '300');
    try {
      const cleanup = await runner.replayer.cleanupJob();
      expect(cleanup.exitCode, runner.output()).toBe(0);
      expect(networksLabelled(runnerLabel(runner))).toEqual([]);
      expect(
        docker('inspect', '--format', '{{.State.Running}} {{len .NetworkSettings.Networks}}', sibling),
      ).toBe('true 0');
    } finally {
      docker('rm', '--force', sibling);
    }
  });

  it('cleans up idempotently: a second cleanup_job, or one with no state, succeeds', async () => {
    runner = testRunner();
    expect((await runner.replayer.cleanupJob()).exitCode, runner.output()).toBe(0);
    expect((await runner.replayer.cleanupJob()).exitCode, runner.output()).toBe(0);
  });
});
