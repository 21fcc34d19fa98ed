import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  FileCommandError,
  parseKeyValueFile,
  parsePathFile,
  readFileCommand,
} from '../../../../src/cli/run/file-commands';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

it('reads NAME=value lines and NAME<<DELIMITER blocks, values kept as written', () => {
  const text = 'A=1\nB=x=y\n\nMULTI<<EOF_1\nline 1\n\nline 3\nEOF_1\nC<<END\nEND\n';
  expect(parseKeyValueFile(text, 'GITHUB_ENV')).toEqual([
    ['A', '1'],
    ['B', 'x=y'],
    ['MULTI', 'line 1\n\nline 3'],
    ['C', ''],
  ]);
});

it.each([
  ['=value', /no name/],
  ['JUST TEXT', /invalid line/],
  ['A<<', /no delimiter/],
  ['A<<EOF\nnever closed', /no closing delimiter 'EOF'/],
])('refuses %j in one line', (text, message) => {
  expect(() => parseKeyValueFile(text, 'GITHUB_OUTPUT')).toThrow(FileCommandError);
  expect(() => parseKeyValueFile(text, 'GITHUB_OUTPUT')).toThrow(message);
});

it('reads GITHUB_PATH one folder a line', () => {
  expect(parsePathFile('/a\n\n /b \n')).toEqual(['/a', '/b']);
});

it('reads a file the step wrote, nothing when it wrote none, and never through a link a job planted', () => {
  dir = mkdtempSync(path.join(tmpdir(), 'dockhand-file-commands-'));
  const file = path.join(dir, 'set_env_1');
  expect(readFileCommand(file)).toBe('');
  writeFileSync(file, 'A=1\n');
  expect(readFileCommand(file)).toBe('A=1\n');
  const secret = path.join(dir, 'secret');
  writeFileSync(secret, 'root only');
  const link = path.join(dir, 'set_env_2');
  symlinkSync(secret, link);
  expect(() => readFileCommand(link)).toThrow(/symbolic link/);
});
