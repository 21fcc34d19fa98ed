// How doctor's results are shown: a line per check (with its fix) for people, JSON for machines.
import type { CheckResult } from './check';

const MARK = { pass: 'ok  ', fail: 'FAIL', skip: 'skip' } as const;

export function hasFailure(results: CheckResult[]): boolean {
  return results.some((result) => result.status === 'fail');
}

export function formatText(results: CheckResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`${MARK[result.status]} ${result.name}: ${result.detail}`);
    if (result.fix !== undefined) lines.push(`     fix: ${result.fix}`);
  }
  const failed = results.filter((result) => result.status === 'fail').length;
  lines.push(failed === 0 ? 'all checks passed' : `${failed} check${failed === 1 ? '' : 's'} failed`);
  return lines;
}

export function formatJson(results: CheckResult[]): string {
  return JSON.stringify({ ok: !hasFailure(results), checks: results }, null, 2);
}
