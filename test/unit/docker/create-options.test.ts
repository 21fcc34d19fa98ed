import fc from 'fast-check';
import { quote } from 'shlex';
import { describe, expect, it } from 'vitest';
import {
  CreateOptionsError,
  networkAliasesIn,
  parseCreateOptions,
  retokenizeArgs,
} from '../../../src/docker/create-options';

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

  it.each([
    [
      '--env-file /home/runner/.aws/env',
      "--env-file reads a file on the runner host; set the variables in the workflow's env: instead",
    ],
    [
      '--cpus 1 --env-file=/etc/x',
      "--env-file reads a file on the runner host; set the variables in the workflow's env: instead",
    ],
    ['--label-file x', '--label-file reads a file on the runner host; give labels with --label instead'],
    [
      '--cidfile /home/runner/.bashrc',
      '--cidfile writes a file on the runner host; remove it (the job log names every container)',
    ],
    [
      '--label dockhand.job=other',
      "the label dockhand.job is dockhand's own (it finds and removes the job's containers by it); use another label key",
    ],
    [
      '--label=dockhand.runner=x',
      "the label dockhand.runner is dockhand's own (it finds and removes the job's containers by it); use another label key",
    ],
    [
      '-l dockhand.job',
      "the label dockhand.job is dockhand's own (it finds and removes the job's containers by it); use another label key",
    ],
    [
      '-tldockhand.x=1',
      "the label dockhand.x is dockhand's own (it finds and removes the job's containers by it); use another label key",
    ],
    [
      '-it -l=Dockhand.Job=1',
      "the label Dockhand.Job is dockhand's own (it finds and removes the job's containers by it); use another label key",
    ],
    [
      '--security-opt seccomp=/home/runner/.ssh/id_rsa',
      "--security-opt seccomp=/home/runner/.ssh/id_rsa reads a file on the runner host; use seccomp=unconfined or the daemon's default profile",
    ],
    [
      '--security-opt=seccomp:profile.json',
      "--security-opt seccomp:profile.json reads a file on the runner host; use seccomp=unconfined or the daemon's default profile",
    ],
  ])('refuses %j before anything is created, in one line', (options, why) => {
    expect(() => parseCreateOptions(options, 'args.services.0.createOptions')).toThrow(
      new CreateOptionsError(`args.services.0.createOptions: ${why}`),
    );
  });

  it.each([
    '--label team=dockhand.x --label org.dockhand=1',
    '--security-opt seccomp=unconfined --security-opt no-new-privileges',
    '-e CERT_FILE=--env-file -u 1000',
    '-hdockhand.job',
    '--cpus 1 -- --cidfile',
  ])('lets %j through', (options) => {
    expect(() => parseCreateOptions(options, 'options')).not.toThrow();
  });

  it("does not check a service's arguments as options", () => {
    expect(retokenizeArgs(['--cidfile', '/x'], 'args')).toEqual(['--cidfile', '/x']);
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
