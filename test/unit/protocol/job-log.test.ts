import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createJobLog,
  escapeData,
  formatWorkflowCommand,
  parseWorkflowCommand,
  sharedStdout,
  unescapeData,
} from '../../../src/protocol/job-log';

function capture(debug = false) {
  let text = '';
  return { log: createJobLog({ write: (chunk: string) => (text += chunk) }, debug), text: () => text };
}

describe('job log commands', () => {
  it('escapes command data', () => {
    const { log, text } = capture();
    log.error('bad\n100%');
    expect(text()).toBe('::error::bad%0A100%25\n');
    expect(escapeData('a\r\nb')).toBe('a%0D%0Ab');
  });

  /** What the runner masks for one line of output: ActionCommand.TryParseV2 and its UnescapeData. */
  function maskedByRunner(output: string): string[] {
    return output
      .split('\n')
      .filter((line) => line.trimStart().startsWith('::add-mask::'))
      .map((line) =>
        line
          .trimStart()
          .slice('::add-mask::'.length)
          .replaceAll('%0D', '\r')
          .replaceAll('%0A', '\n')
          .replaceAll('%25', '%'),
      );
  }

  it.each(['p%25ss', 'p%0Ass', '-----BEGIN KEY-----\nabc\r\n%0D\n-----END KEY-----\n', '%%250A%', 'plain'])(
    'masks exactly the secret %j, on one line',
    (secret) => {
      const { log, text } = capture();
      log.mask(secret);
      expect(text().split('\n')).toHaveLength(2);
      expect(maskedByRunner(text())).toEqual([secret]);
    },
  );

  it('masks exactly any secret, as the runner reads it back (property)', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('%', '2', '5', '0', 'A', 'D', '\r', '\n', 'x', ' '),
          minLength: 1,
        }),
        (secret) => {
          const { log, text } = capture();
          log.mask(secret);
          expect(maskedByRunner(text())).toEqual(secret.trim() ? [secret] : []);
        },
      ),
    );
  });

  it('closes a group even when its body fails', async () => {
    const { log, text } = capture();
    await expect(log.group('Pulling', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(text()).toBe('::group::Pulling\n::endgroup::\n');
  });

  it('prints debug lines only in debug runs', () => {
    const quiet = capture(false);
    quiet.log.debug('docker pull x');
    expect(quiet.text()).toBe('');
    const loud = capture(true);
    loud.log.debug('docker pull x');
    expect(loud.text()).toBe('::debug::docker pull x\n');
  });
});

describe('workflow commands read back as the runner reads them', () => {
  /** Text rich in what escaping is about: `%`, the escape codes' letters, line breaks, `::`. */
  const tricky = fc.string({
    unit: fc.constantFrom('%', '2', '5', '0', 'A', 'D', '\r', '\n', ':', ' ', 'x'),
  });

  it('decodes what it encodes, for any data (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('error', 'warning', 'debug', 'group', 'add-mask'), tricky, (name, data) => {
        expect(unescapeData(escapeData(data))).toBe(data);
        expect(parseWorkflowCommand(formatWorkflowCommand(name, data))).toEqual({ name, data });
      }),
    );
  });

  it.each([
    ['::error file=a.ts,line=3::bad%0Aworse', { name: 'error', data: 'bad\nworse' }],
    ['   ::WARNING::a::b', { name: 'warning', data: 'a::b' }],
    ['::endgroup::', { name: 'endgroup', data: '' }],
    ['x ::error::not at the start', null],
    ['::error no end', null],
    [':: error::no name', null],
  ])('reads %j as ActionCommand.TryParseV2 does', (line, command) => {
    expect(parseWorkflowCommand(line)).toEqual(command);
  });
});

describe('stdout shared by a step and the hook', () => {
  it("starts the hook's line on a new line only when the step left one open", () => {
    let text = '';
    const out = sharedStdout((chunk) => (text += Buffer.from(chunk).toString()));
    out.step(Buffer.from('done\n'));
    out.log.write('::debug::a\n');
    out.step(Buffer.from('no newline'));
    out.step(Buffer.alloc(0));
    out.log.write('::error::b\n');
    out.log.write('::error::c\n');
    expect(text).toBe('done\n::debug::a\nno newline\n::error::b\n::error::c\n');
  });
});
