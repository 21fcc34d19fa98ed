import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
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

test('a lock left by a dead process is broken at once', async () => {
  const lock = fresh();
  const dead = spawnSync(process.execPath, [
    '-e',
    'process.stdout.write(String(process.pid))',
  ]).stdout.toString();
  writeFileSync(lock, JSON.stringify({ pid: Number(dead), createdAt: Date.now() }));
  const started = Date.now();
  expect(await withLock(lock, () => Promise.resolve('ran'), options)).toBe('ran');
  expect(Date.now() - started).toBeLessThan(options.waitMs);
});

test('a lock older than the bound is broken even if its holder lives', async () => {
  const lock = fresh();
  writeFileSync(lock, JSON.stringify({ pid: process.pid, createdAt: Date.now() - 60_000 }));
  expect(await withLock(lock, () => Promise.resolve('ran'), options)).toBe('ran');
});

test('a live holder makes others wait, at most waitMs, then they go on', async () => {
  const lock = fresh();
  writeFileSync(lock, JSON.stringify({ pid: process.pid, createdAt: Date.now() }));
  const started = Date.now();
  expect(await withLock(lock, () => Promise.resolve('ran'), { ...options, waitMs: 200 })).toBe('ran');
  expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  expect(readdirSync(path.dirname(lock))).toEqual(['x.lock']); // not ours: left alone
});
