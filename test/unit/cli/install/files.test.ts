// Applying a plan to real files in a scratch folder: a failed write puts back what was written before.
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileChange } from '../../../../src/cli/install/changes';
import { applyChanges, readFileState } from '../../../../src/cli/install/files';

describe('applying file changes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dockhand-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function change(file: string, after: string | null): FileChange {
    const kept = readFileState(file);
    return { path: file, before: kept?.text ?? null, after, mode: 0o600, kept, display: 'summary' };
  }

  it('keeps the mode of a file it rewrites', () => {
    const file = path.join(dir, '.env');
    writeFileSync(file, 'A=1\n', { mode: 0o640 });
    applyChanges([change(file, 'A=2\n')]);
    expect(readFileSync(file, 'utf8')).toBe('A=2\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('puts back every file written before a write that fails, and says so', () => {
    const first = path.join(dir, 'first');
    writeFileSync(first, 'old\n');
    const created = path.join(dir, 'new-folder', 'created');
    // A folder path through a regular file: the write fails with ENOTDIR.
    const blocked = path.join(first, 'below');
    const changes = [
      change(first, 'new\n'),
      change(created, 'x'),
      { ...change(created, 'y'), path: blocked },
    ];
    expect(() => applyChanges(changes)).toThrow(
      /could not write .*first\/below: .*; every file written before it was put back, so the runner is as it was/,
    );
    expect(readFileSync(first, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['first']);
  });

  it('reads a symlink as a refusal, never as the file it points at', () => {
    const target = path.join(dir, 'target');
    writeFileSync(target, 'secret');
    symlinkSync(target, path.join(dir, 'link'));
    expect(() => readFileState(path.join(dir, 'link'))).toThrow(/is a symbolic link/);
  });
});
