import { expect, it } from 'vitest';
import { runProcess } from '../../../src/exec';

const env = { PATH: '/usr/bin:/bin' };

it('cancels as asked: each signal of the escalation in turn while the process still runs', async () => {
  const cancel = new AbortController();
  // Ignores SIGINT (as a process busy cleaning up may), so only the next signal ends it.
  const running = runProcess(['sh', '-c', 'trap "" INT; echo ready; exec sleep 30'], {
    env,
    onStdout: () => cancel.abort(),
    cancel: {
      signal: cancel.signal,
      escalation: [
        [0, 'SIGINT'],
        [200, 'SIGTERM'],
      ],
    },
  });
  const result = await running;
  expect(result.signal).toBe('SIGTERM');
});

it('sends nothing when the cancel comes after the process ended', async () => {
  const cancel = new AbortController();
  const result = await runProcess(['sh', '-c', 'exit 0'], {
    env,
    cancel: { signal: cancel.signal, escalation: [[0, 'SIGKILL']] },
  });
  cancel.abort();
  expect(result.exitCode).toBe(0);
});
