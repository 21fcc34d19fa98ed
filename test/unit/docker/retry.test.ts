import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetry } from '../../../src/docker/retry';

describe('bounded retries', () => {
  it('backs off exponentially with jitter, capped', () => {
    const policy = { baseDelayMs: 1000, maxDelayMs: 8000 };
    expect(backoffDelay(1, policy, 0)).toBe(500);
    expect(backoffDelay(1, policy, 1)).toBe(1000);
    expect(backoffDelay(3, policy, 1)).toBe(4000);
    expect(backoffDelay(10, policy, 1)).toBe(8000);
  });

  it('retries transient failures up to the limit, then gives up with the last error', async () => {
    const slept: number[] = [];
    let calls = 0;
    const run = withRetry(
      async () => {
        calls++;
        throw new Error(`transient ${calls}`);
      },
      {
        attempts: 3,
        baseDelayMs: 100,
        maxDelayMs: 1000,
        isRetryable: () => true,
        sleep: async (ms) => void slept.push(ms),
        random: () => 1,
      },
    );
    await expect(run).rejects.toThrow('transient 3');
    expect(slept).toEqual([100, 200]);
  });

  it('does not retry a final failure, and returns the first success', async () => {
    let calls = 0;
    const policy = { attempts: 5, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => undefined };
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error('auth');
        },
        { ...policy, isRetryable: () => false },
      ),
    ).rejects.toThrow('auth');
    expect(calls).toBe(1);
    await expect(
      withRetry(
        async (attempt) => {
          if (attempt < 2) throw new Error('x');
          return 'ok';
        },
        { ...policy, isRetryable: () => true },
      ),
    ).resolves.toBe('ok');
  });
});
