import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseCacheFile, type AuthEntry } from '../../../../src/ecr/cache/entry';
import { FileCache } from '../../../../src/ecr/cache/file';
import { readFixture } from '../../../support/fixtures';
import { makeTempDir, removeTempDirs } from '../../../support/temp';

afterAll(removeTempDirs);

const now = new Date('2026-11-25T12:00:00Z');
const lock = { waitMs: 5000, staleMs: 30_000, pollMs: 2 };
const logged: string[] = [];
const log = (line: string): number => logged.push(line);

function entry(proxy: string): AuthEntry {
  return {
    AuthorizationToken: 'QVdTOnA=',
    RequestedAt: '2026-11-25T11:00:00Z',
    ExpiresAt: '2026-11-25T23:00:00Z',
    ProxyEndpoint: proxy,
    Service: 'ecr',
  };
}

function newCache(): { dir: string; cache: FileCache } {
  const dir = path.join(makeTempDir('ecr-cache-'), 'ecr');
  return { dir, cache: new FileCache({ dir, clock: () => now, lock, log }) };
}

describe('FileCache', () => {
  test('a missing file is an empty cache; a write creates 0600 in 0700', async () => {
    const { dir, cache } = newCache();
    expect(await cache.get(['k'])).toBeUndefined();
    await cache.set('k', entry('https://a'));
    expect(await cache.get(['x', 'k'])).toEqual(entry('https://a'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'cache.json')).mode & 0o777).toBe(0o600);
  });

  test.each(['{"Registries":', '{"Registries":{},"Version":"0.9"}', '\u0000\u0001'])(
    'a corrupt or foreign file (%j) reads empty and is replaced on the next write',
    async (text) => {
      const { dir, cache } = newCache();
      await cache.set('old', entry('https://old'));
      writeFileSync(path.join(dir, 'cache.json'), text);
      expect(await cache.list()).toEqual([]);
      await cache.set('k', entry('https://a'));
      expect(parseCacheFile(readFileSync(path.join(dir, 'cache.json'), 'utf8'))?.Registries).toEqual({
        k: entry('https://a'),
      });
    },
  );

  test('concurrent writers keep every entry', async () => {
    const { dir } = newCache();
    // Separate instances, as separate processes would have: each reads and writes the file itself.
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        new FileCache({ dir, clock: () => now, lock, log }).set(`k${i}`, entry(`https://r${i}`)),
      ),
    );
    const keys = Object.keys(parseCacheFile(readFileSync(path.join(dir, 'cache.json'), 'utf8'))!.Registries);
    expect(keys).toHaveLength(24);
  });

  test('a write keeps the entries the Go helper wrote, bytes of their values included', async () => {
    const { dir, cache } = newCache();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'cache.json'), readFixture('ecr/go-legacy-cache.txt'));
    await cache.set('k', entry('https://b'));
    const after = parseCacheFile(readFileSync(path.join(dir, 'cache.json'), 'utf8'))!.Registries;
    expect(after).toEqual({
      ...parseCacheFile(readFixture('ecr/go-legacy-cache.txt'))!.Registries,
      k: entry('https://b'),
    });
  });

  test('writes prune expired entries', async () => {
    const { cache } = newCache();
    await cache.set('gone', { ...entry('https://a'), ExpiresAt: '2026-11-25T11:30:00Z' });
    await cache.set('k', entry('https://b'));
    expect(await cache.get(['gone'])).toBeUndefined();
  });

  test.each([
    ['a directory', (file: string) => mkdirSync(file)],
    ['a FIFO', (file: string) => execFileSync('mkfifo', [file])],
    ['a symlink', (file: string) => symlinkSync('/etc/hostname', file)],
    ['too large', (file: string) => writeFileSync(file, ' '.repeat(1024 * 1024 + 1))],
  ])('a cache file that is %s reads empty, and says so in the log', async (_what, make) => {
    const { dir, cache } = newCache();
    mkdirSync(dir, { mode: 0o700 });
    make(path.join(dir, 'cache.json'));
    logged.length = 0;
    expect(await cache.get(['k'])).toBeUndefined();
    expect(logged).toEqual([expect.stringMatching(/^ignoring the ECR credentials cache .*cache\.json: /)]);
  });
});
