// Health waits: a starting service's own health check is run by the hook without waiting for Docker's
// interval (and can be switched off); the job container's image health check is never waited for.
import { afterEach, describe, expect, it } from 'vitest';
import { replayJob, type JobCall } from '../../src/replay';
import { docker, ecr, testRunner, type SavedState, type TestRunner } from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());

/** What Docker says of the first service's health right after prepare_job. */
function firstServiceHealth(r: TestRunner): string {
  const id = (r.replayer.state as SavedState).services[0]?.id ?? '';
  return docker('inspect', '--format', '{{.State.Health.Status}}', id);
}

/** An observer that records the first service's health as soon as prepare_job has ended. */
function healthAfterPrepare(r: TestRunner): { onEnd(call: JobCall): void; health: () => string } {
  let health = '';
  return {
    onEnd: (call) => {
      if (call.phase === 'prepare') health = firstServiceHealth(r);
    },
    health: () => health,
  };
}

describe('hook, health checks', () => {
  it("runs a starting service's own health check at once when asked: ready long before Docker's first check", async () => {
    runner = testRunner({ HOOK_FEATURES: '+early-health-checks' });
    const observer = healthAfterPrepare(runner);
    const result = await replayJob(
      runner.replayer,
      {
        container: { image: ecr('dockhand/shell:1') },
        // Docker's first check of this service is due a minute after its start.
        services: [{ image: ecr('dockhand/web:1'), options: '--health-interval 60s' }],
        steps: [{ kind: 'script', script: 'wget -q -O - http://web/ >/dev/null && echo web answered' }],
      },
      observer,
    );
    expect(result.ok, runner.output()).toBe(true);
    expect(observer.health()).toBe('starting');
    expect(runner.output()).toContain('Service web passed its health check (run by dockhand');
    expect(runner.output()).toContain('web answered');
  });

  it("waits for Docker's own verdict by default (early-health-checks is off unless asked for)", async () => {
    runner = testRunner();
    const observer = healthAfterPrepare(runner);
    const result = await replayJob(
      runner.replayer,
      {
        container: { image: ecr('dockhand/shell:1') },
        services: [{ image: ecr('dockhand/web:1') }],
        steps: [],
      },
      observer,
    );
    expect(result.ok, runner.output()).toBe(true);
    expect(observer.health()).toBe('healthy');
    expect(runner.output()).not.toContain('run by dockhand');
  });

  it("does not wait for the job container's image health check, which tests a server tail replaced", async () => {
    runner = testRunner();
    // The web image's check fails in a job container (no server runs there): Docker says unhealthy in ~1 s.
    const result = await replayJob(runner.replayer, {
      container: { image: ecr('dockhand/web:1'), options: '--health-interval 1s --health-retries 1' },
      steps: [{ kind: 'script', script: 'sleep 2; echo step ran' }],
    });
    expect(result.ok, runner.output()).toBe(true);
    expect(runner.output()).toContain('step ran');
  });
});
