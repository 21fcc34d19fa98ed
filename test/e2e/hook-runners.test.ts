// Two runners with the same name on one dockerd: each one's prepare_job prunes only its own leftovers,
// so a job of one never loses its containers to the other.
import { afterEach, describe, expect, it } from 'vitest';
import { jobContainer, scriptStep, serviceContainer } from '../../src/replay';
import { docker, ecr, testRunner, type SavedState, type TestRunner } from './hook-support';

const runners: TestRunner[] = [];
afterEach(() => runners.splice(0).forEach((r) => r.dispose()));

const isRunning = (id: string) => docker('inspect', '--format', '{{.State.Running}}', id) === 'true';

describe('hook, several runners on one dockerd', () => {
  it('keeps the jobs of two runners with the same name apart', async () => {
    const [first, second] = [
      testRunner({}, { runnerName: 'same-name' }),
      testRunner({}, { runnerName: 'same-name' }),
    ] as [TestRunner, TestRunner];
    runners.push(first, second);
    const prepare = (r: TestRunner) =>
      r.replayer.prepareJob({
        container: jobContainer({ image: ecr('dockhand/shell:1') }, r.replayer.layout),
        services: [serviceContainer({ image: ecr('dockhand/web:1') })],
      });
    expect((await prepare(first)).exitCode, first.output()).toBe(0);
    try {
      expect((await prepare(second)).exitCode, second.output()).toBe(0);
      const a = first.replayer.state as SavedState;
      const b = second.replayer.state as SavedState;
      expect(a.runnerId).not.toBe(b.runnerId);
      // the second runner's prune and start left the first one's job alone
      expect(isRunning(a.container?.id as string)).toBe(true);
      expect(isRunning(a.services[0]?.id as string)).toBe(true);
      const step = await first.replayer.runScriptStep(
        scriptStep({ script: 'wget -q -O - http://web/' }, first.replayer.layout),
      );
      expect(step.exitCode, first.output()).toBe(0);
      expect((await second.replayer.cleanupJob()).exitCode).toBe(0);
      expect(isRunning(a.container?.id as string)).toBe(true);
    } finally {
      expect((await first.replayer.cleanupJob()).exitCode).toBe(0);
      await second.replayer.cleanupJob();
    }
  });
});
