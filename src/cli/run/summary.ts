// The table printed after a job: each step with its status and time.
import { formatTable } from '../table';

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
  return formatTable(['step', 'status', 'time'], cells, new Set([2]));
}
