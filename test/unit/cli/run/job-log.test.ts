import { describe, expect, it } from 'vitest';
import { JobLog } from '../../../../src/cli/run/job-log';
import { formatSummary } from '../../../../src/cli/run/summary';

describe('JobLog', () => {
  function render(chunks: string[]): string[] {
    const lines: string[] = [];
    const log = new JobLog((line) => lines.push(line));
    for (const chunk of chunks) log.push(chunk);
    log.flush();
    return lines;
  }

  it('renders groups, errors and warnings, hides debug lines, and joins lines split across chunks', () => {
    expect(
      render([
        '::group::Pull',
        ' images\npulling a\n::endgroup::\n::debug::x\n::error file=a::bro',
        'ken\n::warning::hm\nend',
      ]),
    ).toEqual(['▸ Pull images', '  pulling a', 'Error: broken', 'Warning: hm', 'end']);
  });

  it('masks values announced with ::add-mask:: from then on, and never prints the command', () => {
    expect(render(['token s3cr3t early\n::add-mask::s3cr3t\nlate s3cr3t and s3cr3t\n'])).toEqual([
      'token s3cr3t early',
      'late *** and ***',
    ]);
  });

  it('shows commands as text between ::stop-commands::<token> and ::<token>::, as the runner does', () => {
    expect(
      render(['::stop-commands::ab12\n::error::not one\n  ::add-mask::x\n::AB12::\n  ::error::one\nx\n']),
    ).toEqual(['::error::not one', '  ::add-mask::x', 'Error: one', 'x']);
  });
});

describe('formatSummary', () => {
  it('aligns step, status and time columns', () => {
    expect(
      formatSummary([
        { name: 'Initialize containers', status: 'success', durationMs: 2150 },
        { name: 'Build', status: 'failure', durationMs: 300 },
        { name: 'Test', status: 'not run' },
      ]),
    ).toEqual([
      'step                   status    time',
      '---------------------  -------  -----',
      'Initialize containers  success  2.1 s',
      'Build                  failure  0.3 s',
      'Test                   not run      -',
    ]);
  });
});
