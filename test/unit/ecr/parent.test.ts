import { expect, test } from 'vitest';
import { PARENT_GONE, watchParent } from '../../../src/ecr/parent';

test('a changed parent pid aborts the signal with the reason', async () => {
  let ppid = 4242;
  const watch = watchParent(() => ppid);
  expect(watch.signal.aborted).toBe(false);
  ppid = 1; // re-parented to init: docker is gone
  await new Promise<void>((resolve) => watch.signal.addEventListener('abort', () => resolve()));
  expect((watch.signal.reason as Error).message).toBe(PARENT_GONE);
  watch.stop();
});

test('stopped, it never aborts', async () => {
  let ppid = 4242;
  const watch = watchParent(() => ppid);
  watch.stop();
  ppid = 1;
  await new Promise((r) => setTimeout(r, 500));
  expect(watch.signal.aborted).toBe(false);
});
