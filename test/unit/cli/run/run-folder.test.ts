import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openRunFolder } from '../../../../src/cli/run/run-folder';

const uid = process.getuid?.() ?? 0;
let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'dockhand-run-folder-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const base = () => path.join(tmp, `dockhand-run-${uid}`);

it('is the same folder every run, emptied of what the last run left, and one run at a time', () => {
  const first = openRunFolder(tmp, uid);
  expect(first.root).toBe(path.join(base(), 'runner'));
  expect(() => openRunFolder(tmp, uid)).toThrow(`another dockhand run (pid ${process.pid})`);
  mkdirSync(path.join(first.root, '_work', '_temp'), { recursive: true });
  writeFileSync(path.join(first.root, '_work', '_temp', 'script.sh'), 'echo secret');
  first.release();
  expect(existsSync(path.join(first.root, '_work'))).toBe(false);
  // A killed run: its lock names a process that is gone, its files are still there.
  mkdirSync(path.join(first.root, '_work'), { recursive: true });
  writeFileSync(path.join(base(), 'lock'), '999999999\n');
  const next = openRunFolder(tmp, uid);
  expect(next.root).toBe(first.root);
  expect(existsSync(path.join(first.root, '_work'))).toBe(false);
  next.release();
});

it.each([
  ['open to others', () => chmodSync(base(), 0o777)],
  ['a link', () => symlinkSync(tmp, base())],
])('refuses a folder that is %s', (_what, plant) => {
  if (_what !== 'a link') mkdirSync(base(), { mode: 0o700 });
  plant();
  expect(() => openRunFolder(tmp, uid)).toThrow(/not a folder only you can use/);
});
