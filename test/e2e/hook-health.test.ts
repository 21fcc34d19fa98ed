// Health waits: a starting service's own health check is run by the hook without waiting for Docker's
// interval (and can be switched off); the job container's image health check is never waited for.
import { afterEach, describe, expect, it } from 'vitest';
import { jobCalls } from '../../src/replay';
import { docker, ecr, testRunner, type SavedState, type TestRunner } from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());

/** What Docker says of the first service's health right after prepare_job. */
function firstServiceHealth(r: TestRunner): string {
  const id = (r.replayer.state as SavedState).services[0]?.id ?? '';
  return docker('inspect', '--format', '{{.State.Health.Status}}', id);
}

describe('hook, health checks', () => {
  it("runs a starting service's own health check at once: ready long before Docker's first check", async () => {
    runner = testRunner();
    const job = jobCalls(runner.replayer, {
      container: { image: ecr('dockhand/shell:1') },
      // Docker's first check of this service is due a minute after its start.
      services: [{ image: ecr('dockhand/web:1'), options: '--health-interval 60s' }],
    });
    try {
      expect((await job.prepare()).exitCode, runner.output()).toBe(0);
      expect(firstServiceHealth(runner)).toBe('starting');
      const step = await job.step({
        kind: 'script',
        script: 'wget -q -O - http://web/ >/dev/null && echo web answered',
      });
      expect(step.exitCode, runner.output()).toBe(0);
    } finally {
      expect((await job.cleanup()).exitCode, runner.output()).toBe(0);
    }
    expect(runner.output()).toContain('Service web passed its health check (run by dockhand');
    expect(runner.output()).toContain('web answered');
  });

  it("waits for Docker's own verdict with early-health-checks switched off", async () => {
    runner = testRunner({ HOOK_FEATURES: '-early-health-checks' });
    const job = jobCalls(runner.replayer, {
      container: { image: ecr('dockhand/shell:1') },
      services: [{ image: ecr('dockhand/web:1') }],
    });
    try {
      expect((await job.prepare()).exitCode, runner.output()).toBe(0);
      expect(firstServiceHealth(runner)).toBe('healthy');
    } finally {
      expect((await job.cleanup()).exitCode, runner.output()).toBe(0);
    }
    expect(runner.output()).not.toContain('run by dockhand');
  });

  it("does not wait for the job container's image health check, which tests a server tail replaced", async () => {
    runner = testRunner();
    // The web image's check fails in a job container (no server runs there): Docker says unhealthy in ~1 s.
    const job = jobCalls(runner.replayer, {
      container: { image: ecr('dockhand/web:1'), options: '--health-interval 1s --health-retries 1' },
    });
    try {
      expect((await job.prepare()).exitCode, runner.output()).toBe(0);
      const step = await job.step({ kind: 'script', script: 'sleep 2; echo step ran' });
      expect(step.exitCode, runner.output()).toBe(0);
    } finally {
      expect((await job.cleanup()).exitCode, runner.output()).toBe(0);
    }
    expect(runner.output()).toContain('step ran');
  });
});
