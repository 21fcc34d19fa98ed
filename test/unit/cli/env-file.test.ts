import { describe, expect, it } from 'vitest';
import {
  applyEnvFile,
  formatEnvLines,
  getEnvLine,
  getEnvValue,
  lineEndingOf,
  parseEnvText,
  setEnvLine,
} from '../../../src/cli/env-file';

describe('runner .env', () => {
  it('applies .env as the runner does: later lines win, KEY= unsets', () => {
    const env = applyEnvFile({ A: '1', B: '2', HOME: '/h' }, ['A=x=y', 'B=', 'C=3', 'C=4', 'junk']);
    expect(env).toEqual({ A: 'x=y', C: '4', HOME: '/h' });
  });

  const lines = parseEnvText(
    'LANG=C.UTF-8\nURL=http://x/?a=b\nPATH=/one\n# not a comment=1\nPATH=/two\nEMPTY=\n',
  );

  it.each([
    ['LANG', 'C.UTF-8'],
    ['URL', 'http://x/?a=b'],
    ['PATH', '/two'],
    ['# not a comment', '1'],
    ['EMPTY', undefined],
    ['MISSING', undefined],
  ])('reads %s as the runner does', (key, value) => {
    expect(getEnvValue(lines, key)).toBe(value);
  });

  it('replaces only the line that counts and keeps the others byte for byte', () => {
    const next = setEnvLine(lines, 'PATH', 'PATH=/three');
    expect(formatEnvLines(next)).toBe(
      'LANG=C.UTF-8\nURL=http://x/?a=b\nPATH=/one\n# not a comment=1\nPATH=/three\nEMPTY=\n',
    );
  });

  it('appends a new key and removes it again', () => {
    const added = setEnvLine(lines, 'NEW', 'NEW=1');
    expect(added.at(-1)).toBe('NEW=1');
    expect(setEnvLine(added, 'NEW', getEnvLine(lines, 'NEW'))).toEqual(lines);
  });

  it('round-trips a file without a final newline as one with it', () => {
    expect(formatEnvLines(parseEnvText('A=1'))).toBe('A=1\n');
    expect(formatEnvLines(parseEnvText(''))).toBe('');
  });

  it('ends lines at \\r\\n, \\n or a lone \\r, as the runner (File.ReadAllLines) does', () => {
    const crlf = parseEnvText('AWS_PROFILE=ci\r\nHOOK=/h/hook.js\rB=2\n');
    expect(crlf).toEqual(['AWS_PROFILE=ci', 'HOOK=/h/hook.js', 'B=2']);
    expect(getEnvValue(crlf, 'AWS_PROFILE')).toBe('ci');
  });

  it("writes back with the file's own line ending", () => {
    const text = 'A=1\r\nB=2\r\n';
    expect(lineEndingOf(text)).toBe('\r\n');
    expect(lineEndingOf(null)).toBe('\n');
    expect(formatEnvLines(setEnvLine(parseEnvText(text), 'C', 'C=3'), lineEndingOf(text))).toBe(
      'A=1\r\nB=2\r\nC=3\r\n',
    );
  });
});
