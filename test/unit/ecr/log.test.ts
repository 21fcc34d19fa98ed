import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { fileLogger, MAX_LOG_BYTES } from '../../../src/ecr/log';
import { makeTempDir, removeTempDirs } from '../../support/temp';

afterAll(removeTempDirs);

const clock = (): Date => new Date('2026-11-25T12:00:00Z');

test('lines are redacted, timestamped, in a 0600 file in a 0700 directory', () => {
  const dir = makeTempDir('ecr-log-');
  fileLogger(dir, clock)('failed at https://api.example/?X-Amz-Signature=abc');
  const file = path.join(dir, 'log', 'ecr-login.log');
  expect(readFileSync(file, 'utf8')).toBe(
    '2026-11-25T12:00:00.000Z failed at https://api.example/?<redacted>\n',
  );
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
});

test('a full log is moved aside once, so two bounded files remain', () => {
  const dir = makeTempDir('ecr-log-');
  const log = fileLogger(dir, clock);
  log('first');
  const file = path.join(dir, 'log', 'ecr-login.log');
  writeFileSync(file, 'x'.repeat(MAX_LOG_BYTES + 1));
  log('second');
  expect(readdirSync(path.dirname(file)).sort()).toEqual(['ecr-login.log', 'ecr-login.log.1']);
  expect(readFileSync(file, 'utf8')).toBe('2026-11-25T12:00:00.000Z second\n');
});
