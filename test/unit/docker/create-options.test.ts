import fc from 'fast-check';
import { quote } from 'shlex';
import { describe, expect, it } from 'vitest';
import { networkAliasesIn, parseCreateOptions, retokenizeArgs } from '../../../src/docker/create-options';

describe('workflow options', () => {
  it.each([
    [null, []],
    ['  ', []],
    ['--cpus 1', ['--cpus', '1']],
    [
      '--health-cmd "pg_isready -U postgres" --health-interval=10s',
      ['--health-cmd', 'pg_isready -U postgres', '--health-interval=10s'],
    ],
    [`-e 'GREETING=hello world' --label "a=b c"`, ['-e', 'GREETING=hello world', '--label', 'a=b c']],
    ['--entrypoint ""', ['--entrypoint', '']],
  ])('%j parses as docker create would', (options, tokens) => {
    expect(parseCreateOptions(options, 'options')).toEqual(tokens);
  });

  it('rejects unbalanced quotes with one line naming the field', () => {
    expect(() => parseCreateOptions('--label "a=b', 'args.services.0.createOptions')).toThrow(
      /^invalid args\.services\.0\.createOptions '--label "a=b': .*; balance the quotes in the workflow's options$/,
    );
  });

  it('finds network aliases given in options', () => {
    expect(networkAliasesIn(['--network-alias', 'db', '--network-alias=cache', '--cpus', '1'])).toEqual([
      'db',
      'cache',
    ]);
  });

  it('re-tokenizes args the runner split on spaces with the quotes left in', () => {
    expect(retokenizeArgs(['-c', '"echo', 'a', 'b"', "'x y'"], 'args')).toEqual(['-c', 'echo a b', 'x y']);
  });

  it('gets back any argument list written as a shell would quote it (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1 }).filter((s) => !s.includes('\0'))), (args) => {
        const splitBySpace = args.map(quote).join(' ').split(' ');
        expect(retokenizeArgs(splitBySpace, 'args')).toEqual(args);
      }),
    );
  });
});
