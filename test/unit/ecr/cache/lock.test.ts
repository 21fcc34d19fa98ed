import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { withLock } from '../../../../src/ecr/cache/lock';
import { makeTempDir, removeTempDirs } from '../../../support/temp';

afterAll(removeTempDirs);

const options = { waitMs: 2000, staleMs: 5000, pollMs: 5 };
const fresh = (): string => path.join(makeTempDir('ecr-lock-'), 'x.lock');

test('holders run one at a time and the lock is gone afterwards', async () => {
  const lock = fresh();
  let inside = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 8 }, () =>
      withLock(
        lock,
        async () => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 10));
          inside--;
        },
        options,
      ),
    ),
  );
  expect(most).toBe(1);
  expect(readdirSync(path.dirname(lock))).toEqual([]);
});

/** Who holds `lock` while `withLock` runs its function: proves whether the lock was taken. */
async function holderDuring(lock: string, lockOptions = options): Promise<unknown> {
  return withLock(
    lock,
    () => Promise.resolve(JSON.parse(readFileSync(lock, 'utf8')) as unknown),
    lockOptions,
  );
}

test('a lock left by a dead process is broken and taken', async () => {
  const lock = fresh();
  const dead = spawnSync(process.execPath, [
    '-e',
    'process.stdout.write(String(process.pid))',
  ]).stdout.toString();
  writeFileSync(lock, JSON.stringify({ pid: Number(dead), createdAt: Date.now() }));
  expect(await holderDuring(lock)).toMatchObject({ pid: process.pid });
  expect(readdirSync(path.dirname(lock))).toEqual([]);
});

test.each([
  [
    'older than the bound, though its holder lives',
    JSON.stringify({ pid: process.pid, createdAt: Date.now() - 60_000 }),
  ],
  [
    'dated in the future beyond clock skew, though its holder lives',
    JSON.stringify({ pid: process.pid, createdAt: Date.now() + 3600e3 }),
  ],
  ['torn (not JSON)', '{"pid":'],
])('a lock %s is broken and taken', async (_what, content) => {
  const lock = fresh();
  writeFileSync(lock, content);
  expect(await holderDuring(lock)).toMatchObject({ pid: process.pid });
});

test('a live holder keeps its lock: after waitMs the others go on without it, and leave it alone', async () => {
  const lock = fresh();
  const live = { pid: process.pid, createdAt: Date.now() + 1 };
  writeFileSync(lock, JSON.stringify(live));
  expect(await holderDuring(lock, { ...options, waitMs: 100 })).toEqual(live);
  expect(JSON.parse(readFileSync(lock, 'utf8'))).toEqual(live);
});

test('where no lock file can be made, the function still runs, at once, without a lock', async () => {
  const lock = path.join(makeTempDir('ecr-lock-'), 'missing-dir', 'x.lock');
  // A wait bound far beyond the test's timeout: the test only passes if nothing waits for the lock.
  expect(await withLock(lock, () => Promise.resolve('ran'), { ...options, waitMs: 600_000 })).toBe('ran');
});

test('a waiter stops with the reason when its signal aborts (the helper must stop)', async () => {
  const lock = fresh();
  writeFileSync(lock, JSON.stringify({ pid: process.pid, createdAt: Date.now() }));
  const controller = new AbortController();
  const waiting = withLock(lock, () => Promise.resolve('ran'), {
    ...options,
    waitMs: 600_000,
    signal: controller.signal,
  });
  controller.abort(new Error('parent gone'));
  await expect(waiting).rejects.toThrow('parent gone');
});
