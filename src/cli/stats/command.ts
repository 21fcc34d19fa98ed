// `dockhand stats <events.jsonl> [--since 24h] [--prometheus]`.
import { errnoCodeOf, messageOf } from '../../protocol/errors';
import { UsageError, type Output } from '../context';
import { readEvents } from './read-events';
import { fleetStats, formatPrometheus, formatStats } from './report';

export interface StatsOptions {
  file: string;
  since: string | undefined;
  prometheus: boolean;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** `90s`, `30m`, `24h`, `7d` before `now`. */
export function sinceOf(value: string | undefined, now: Date): Date | null {
  if (value === undefined) return null;
  const match = /^([0-9]+)([smhd])$/.exec(value);
  const unit = Object.entries(UNIT_SECONDS).find(([name]) => name === match?.[2]);
  if (!match || !unit)
    throw new UsageError(`--since ${JSON.stringify(value)} is not a duration like 90s, 30m, 24h or 7d`);
  return new Date(now.getTime() - Number(match[1]) * unit[1] * 1000);
}

export function stats(options: StatsOptions, out: Output, now = new Date()): number {
  const since = sinceOf(options.since, now);
  let read;
  try {
    read = readEvents(options.file, since);
  } catch (error) {
    const code = errnoCodeOf(error);
    throw new Error(
      code
        ? `cannot read ${options.file} (${code}); give the HOOK_EVENTS_FILE of the runners`
        : messageOf(error),
      { cause: error },
    );
  }
  const figures = fleetStats(read.lines);
  for (const line of options.prometheus ? formatPrometheus(figures) : formatStats(figures, read.skipped))
    out.line(line);
  return 0;
}
