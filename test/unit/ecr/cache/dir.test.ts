import { chmodSync, chownSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { cacheDirProblem } from '../../../../src/ecr/cache/dir';
import { makeTempDir, removeTempDirs } from '../../../support/temp';

afterAll(removeTempDirs);

const uid = process.getuid!();

test('a missing directory is made 0700', () => {
  const dir = path.join(makeTempDir('ecr-dir-'), 'a', 'ecr');
  expect(cacheDirProblem(dir, uid)).toBeUndefined();
  expect(statSync(dir).mode & 0o777).toBe(0o700);
});

test.each([0o777, 0o770, 0o722])('our directory with mode %o is tightened to 0700', (mode) => {
  const dir = makeTempDir('ecr-dir-');
  chmodSync(dir, mode);
  expect(cacheDirProblem(dir, uid)).toBeUndefined();
  expect(statSync(dir).mode & 0o7777).toBe(0o700);
});

test('our 0755 directory is used as it is', () => {
  const dir = makeTempDir('ecr-dir-');
  chmodSync(dir, 0o755);
  expect(cacheDirProblem(dir, uid)).toBeUndefined();
  expect(statSync(dir).mode & 0o777).toBe(0o755);
});

test("another user's directory is refused, untouched", () => {
  const dir = makeTempDir('ecr-dir-');
  chmodSync(dir, 0o777);
  expect(cacheDirProblem(dir, uid + 1)).toMatch(/belongs to uid \d+, not to this user/);
  expect(statSync(dir).mode & 0o777).toBe(0o777);
});

test('a shared sticky directory (as /tmp) is refused, not locked down', () => {
  const dir = makeTempDir('ecr-dir-');
  chmodSync(dir, 0o1777);
  expect(cacheDirProblem(dir, uid)).toMatch(/shared directory/);
  expect(statSync(dir).mode & 0o7777).toBe(0o1777);
});

test('a file is not a directory', () => {
  const file = path.join(makeTempDir('ecr-dir-'), 'f');
  writeFileSync(file, '');
  expect(cacheDirProblem(file, uid)).toMatch(/is not a directory/);
});

test('a directory that cannot be made is said', () => {
  const parent = makeTempDir('ecr-dir-');
  writeFileSync(path.join(parent, 'file'), '');
  expect(cacheDirProblem(path.join(parent, 'file', 'ecr'), uid)).toMatch(/^cannot make or read/);
});

test('owned by another user on disk (chown): refused', () => {
  const dir = makeTempDir('ecr-dir-');
  mkdirSync(path.join(dir, 'c'));
  chownSync(path.join(dir, 'c'), 65534, 65534);
  expect(cacheDirProblem(path.join(dir, 'c'), uid)).toMatch(/belongs to uid 65534/);
});
