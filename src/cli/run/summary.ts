// The table printed after a job: each step with its status and time.

export type StepStatus = 'success' | 'failure' | 'skipped' | 'not run';

export interface StepRow {
  name: string;
  status: StepStatus;
  /** Absent when the step did not run. */
  durationMs?: number;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`;
}

export function formatSummary(rows: StepRow[]): string[] {
  const cells = rows.map((row) => [row.name, row.status, seconds(row.durationMs)]);
  const header = ['step', 'status', 'time'];
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c
      .map((cell, i) => (i === 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
}
