import { describe, expect, it } from 'vitest';
import { createJobLog, escapeData, sharedStdout } from '../../../src/protocol/job-log';

function capture(debug = false) {
  let text = '';
  return { log: createJobLog({ write: (chunk: string) => (text += chunk) }, debug), text: () => text };
}

describe('job log commands', () => {
  it('masks every line of a secret and escapes command data', async () => {
    const { log, text } = capture();
    log.mask('line-one\nline-two');
    log.error('bad\n100%');
    expect(text()).toBe('::add-mask::line-one\n::add-mask::line-two\n::error::bad%0A100%25\n');
    expect(escapeData('a\r\nb')).toBe('a%0D%0Ab');
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
