import fc from 'fast-check';
import { quote } from 'shlex';
import { describe, expect, it } from 'vitest';
import { ShellWordsError, splitShellWords } from '../../../src/docker/shell-words';

describe('shell words', () => {
  it.each([
    ['', []],
    ['  a   b\tc\n', ['a', 'b', 'c']],
    [`'a b' "c d" e\\ f`, ['a b', 'c d', 'e f']],
    [`'a\\\\b'"c"`, ['a\\\\bc']],
    [`"a\\"b\\\\c\\$d\\x"`, ['a"b\\c$d\\x']],
    [`$HOME '*' "\`x\`"`, ['$HOME', '*', '`x`']],
    [`""  ''`, ['', '']],
    ['a\\\nb', ['ab']],
    [
      `--health-cmd "pg_isready -U postgres" --label 'x=it'"'"'s'`,
      ['--health-cmd', 'pg_isready -U postgres', '--label', "x=it's"],
    ],
  ])('%j', (text, words) => {
    expect(splitShellWords(text)).toEqual(words);
  });

  it.each([
    [`"a`, 'has an unbalanced double quote'],
    [`'a`, 'has an unbalanced single quote'],
    ['a\\', 'ends with a lone backslash'],
  ])('refuses %j', (text, message) => {
    expect(() => splitShellWords(text)).toThrow(new ShellWordsError(message));
  });

  it('gets back any word list a shell quoter wrote (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((s) => !s.includes('\0'))), (words) => {
        expect(splitShellWords(words.map(quote).join(' '))).toEqual(words);
      }),
      { numRuns: 500 },
    );
  });
});
