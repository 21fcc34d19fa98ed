import { expect, test } from 'vitest';
import { deadlineSignal, untilAborted } from '../../../src/ecr/deadline';

const never = new Promise<never>(() => {});

test('work that never settles ends with the deadline reason', async () => {
  const signal = deadlineSignal(20, () => new Error('too slow'));
  await expect(untilAborted(never, signal)).rejects.toThrow('too slow');
});

test('the parent signal ends it first, with its own reason', async () => {
  const parent = new AbortController();
  const signal = deadlineSignal(600_000, () => new Error('too slow'), parent.signal);
  const work = untilAborted(never, signal);
  parent.abort(new Error('parent gone'));
  await expect(work).rejects.toThrow('parent gone');
});

test('an already aborted parent aborts at once', async () => {
  const parent = new AbortController();
  parent.abort(new Error('gone before'));
  await expect(
    untilAborted(
      never,
      deadlineSignal(600_000, () => new Error('x'), parent.signal),
    ),
  ).rejects.toThrow('gone before');
});

test('work that settles in time keeps its outcome', async () => {
  const signal = deadlineSignal(600_000, () => new Error('too slow'));
  await expect(untilAborted(Promise.resolve('ok'), signal)).resolves.toBe('ok');
  await expect(untilAborted(Promise.reject(new Error('own')), signal)).rejects.toThrow('own');
});
