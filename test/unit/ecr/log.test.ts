import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { redact } from '../../../src/ecr/failure';
import { fileLogger, MAX_LOG_BYTES } from '../../../src/ecr/log';
import { makeTempDir, removeTempDirs } from '../../support/temp';

afterAll(removeTempDirs);

const clock = (): Date => new Date('2026-11-25T12:00:00Z');

test('lines are redacted, timestamped, in a 0600 file in a 0700 directory', () => {
  const dir = makeTempDir('ecr-log-');
  fileLogger(dir, clock, redact)('failed at https://api.example/?X-Amz-Signature=abc');
  const file = path.join(dir, 'log', 'ecr-login.log');
  expect(readFileSync(file, 'utf8')).toBe(
    '2026-11-25T12:00:00.000Z failed at https://api.example/?<redacted>\n',
  );
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
});

test('a full log is moved aside once, so two bounded files remain', () => {
  const dir = makeTempDir('ecr-log-');
  const log = fileLogger(dir, clock, redact);
  log('first');
  const file = path.join(dir, 'log', 'ecr-login.log');
  writeFileSync(file, 'x'.repeat(MAX_LOG_BYTES + 1));
  log('second');
  expect(readdirSync(path.dirname(file)).sort()).toEqual(['ecr-login.log', 'ecr-login.log.1']);
  expect(readFileSync(file, 'utf8')).toBe('2026-11-25T12:00:00.000Z second\n');
});

test.each([
  ['a symlink', (file: string) => symlinkSync(path.join(path.dirname(file), '..', '..', 'victim'), file)],
  ['a FIFO', (file: string) => execFileSync('mkfifo', [file])],
])('a log file that is %s is not written (nor waited on)', (_what, make) => {
  const dir = path.join(makeTempDir('ecr-log-'), 'ecr');
  const victim = path.join(dir, '..', 'victim');
  writeFileSync(victim, 'untouched\n');
  mkdirSync(path.join(dir, 'log'), { recursive: true });
  make(path.join(dir, 'log', 'ecr-login.log'));
  fileLogger(dir, clock, redact)('a line');
  expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
});

test('a log directory that is a symlink is not followed', () => {
  const dir = makeTempDir('ecr-log-');
  const elsewhere = makeTempDir('ecr-log-elsewhere-');
  symlinkSync(elsewhere, path.join(dir, 'log'));
  fileLogger(dir, clock, redact)('a line');
  expect(readdirSync(elsewhere)).toEqual([]);
});
