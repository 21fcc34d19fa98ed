import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/cli/context';
import { sinceOf, stats } from '../../../../src/cli/stats/command';
import { readEvents } from '../../../../src/cli/stats/read-events';
import { fleetStats, formatPrometheus } from '../../../../src/cli/stats/report';
import { makeTempDir, removeTempDirs } from '../../../support/temp';

afterAll(removeTempDirs);

const line = (time: string, extra: object = {}) =>
  JSON.stringify({
    time,
    command: 'prepare_job',
    runner: 'r1',
    repository: 'o/r',
    job: 'test',
    result: 'ok',
    seconds: 4,
    phases: { pulls: 3, health: 1 },
    images: [],
    ...extra,
  });

const image = (name: string, seconds: number, extra: object = {}) => ({
  image: name,
  registry: 'docker.io',
  source: 'origin',
  seconds,
  result: 'ok',
  ...extra,
});

function eventsFile(lines: string[]): string {
  const file = path.join(makeTempDir('dockhand-stats-'), 'events.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('dockhand stats', () => {
  const file = eventsFile([
    line('2026-11-27T10:00:00.000Z', {
      images: [image('redis:7', 10, { bytes: 40_000_000 }), image('postgres:16', 30, { bytes: 160_000_000 })],
    }),
    line('2026-11-27T11:00:00.000Z', {
      images: [
        image('redis:7', 2, { source: 'mirror', mirror: 'm.example', bytes: 5_000_000 }),
        image('postgres:16', 0.1, { source: 'host' }),
      ],
    }),
    line('2026-11-27T12:00:00.000Z', {
      result: 'failed',
      cause: 'pull-auth',
      images: [image('ghcr.io/o/app:1', 1, { registry: 'ghcr.io', result: 'failed', cause: 'auth' })],
    }),
    '{"time": "not json',
    line('2026-11-27T12:30:00.000Z', { seconds: 'four' }),
    'x'.repeat(3 * 1024 * 1024),
    line('2026-11-27T12:40:00.000Z', { command: 'cleanup_job', phases: {} }),
  ]);

  it('skips what the hook did not write, including a line too long to be one', () => {
    const read = readEvents(file, null);
    expect(read.lines).toHaveLength(4);
    expect(read.skipped).toBe(3);
  });

  it('tells pull times by registry (and mirror) and image, cache hits, failures and phases', () => {
    const figures = fleetStats(readEvents(file, null).lines);
    expect(figures.pullsByRegistry.get('docker.io')).toEqual({ count: 2, sum: 40, p50: 10, p95: 30 });
    expect(figures.pullsByRegistry.get('docker.io via m.example')).toMatchObject({ count: 1, p50: 2 });
    expect(figures.pullsByImage.get('redis:7')).toMatchObject({ count: 2, p50: 2, p95: 10 });
    expect(Object.fromEntries(figures.imagesBySource)).toEqual({ origin: 2, mirror: 1, host: 1 });
    expect(Object.fromEntries(figures.failuresByCause)).toEqual({
      'prepare_job: pull-auth': 1,
      'pull: auth': 1,
    });
    expect(figures.phases.get('prepare_job pulls')).toMatchObject({ count: 3, p95: 3 });
    expect(Object.fromEntries(figures.bytesByRegistry)).toEqual({
      'docker.io': 200_000_000,
      'docker.io via m.example': 5_000_000,
    });
    expect(figures.bytesByImage.get('redis:7')).toBe(45_000_000);
  });

  it('shows the MB downloaded per registry and image, in the table and as counters', () => {
    const out: string[] = [];
    stats({ file, since: undefined, prometheus: false }, { line: (text) => out.push(text) });
    expect(out).toContainEqual(expect.stringMatching(/^docker\.io\s+2\s+10\.0\s+30\.0\s+200\.0$/));
    expect(out).toContainEqual(expect.stringMatching(/^redis:7\s+2\s+2\.0\s+10\.0\s+45\.0$/));
    const prometheus = formatPrometheus(fleetStats(readEvents(file, null).lines));
    expect(prometheus).toContain('dockhand_pull_bytes_total{registry="docker.io"} 200000000');
    expect(prometheus).toContain('dockhand_image_pull_bytes_total{image="postgres:16"} 160000000');
  });

  it('reads only what is recent with --since', () => {
    const now = new Date('2026-11-27T13:00:00.000Z');
    expect(sinceOf('90m', now)?.toISOString()).toBe('2026-11-27T11:30:00.000Z');
    expect(readEvents(file, sinceOf('90m', now)).lines).toHaveLength(2);
    expect(() => sinceOf('yesterday', now)).toThrow(UsageError);
  });

  it('prints a table, and Prometheus text with label values escaped', () => {
    const out: string[] = [];
    expect(stats({ file, since: undefined, prometheus: false }, { line: (text) => out.push(text) })).toBe(0);
    expect(out[0]).toBe('4 hook calls, 4 images; 3 lines skipped (not events of the hook)');
    expect(out).toContain(
      'images found on the host (pull policy, digest, used earlier in the job): 1 (25%); from a mirror: 1 (25%); from their registry: 2 (50%)',
    );

    const hostile = eventsFile([
      line('2026-11-27T10:00:00.000Z', { images: [image('a"b\\c\nd\u001b[31m', 1)] }),
    ]);
    const prometheus = formatPrometheus(fleetStats(readEvents(hostile, null).lines));
    expect(prometheus).toContain(
      'dockhand_image_pull_seconds{image="a\\"b\\\\c\\nd\u001b[31m",quantile="0.5"} 1',
    );
    expect(prometheus).toContain('# TYPE dockhand_pull_seconds summary');
    const table: string[] = [];
    stats({ file: hostile, since: undefined, prometheus: false }, { line: (text) => table.push(text) });
    expect(table.join('\n')).not.toContain('\u001b');
  });

  it('refuses a FIFO in place of the file instead of waiting on it', () => {
    const fifo = path.join(makeTempDir('dockhand-stats-'), 'events.jsonl');
    execFileSync('mkfifo', [fifo]);
    expect(() => readEvents(fifo, null)).toThrow('is not a regular file');
  });
});
