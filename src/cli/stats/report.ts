// `dockhand stats`: what the fleet's events say, as tables for people or as Prometheus text exposition
// for node_exporter's textfile collector. The same figures either way.
import { formatTable } from '../table';
import type { EventLine, ImageEventLine } from './read-events';

interface Timing {
  count: number;
  sum: number;
  p50: number;
  p95: number;
}

export interface FleetStats {
  /** Pull time of images that were pulled, by the registry the reference names ("docker.io via <mirror>"). */
  pullsByRegistry: Map<string, Timing>;
  pullsByImage: Map<string, Timing>;
  /** Bytes downloaded by those pulls (layers the host had are not), by the same keys. */
  bytesByRegistry: Map<string, number>;
  bytesByImage: Map<string, number>;
  /** Images by where they came from: origin, mirror, host. */
  imagesBySource: Map<string, number>;
  failuresByCause: Map<string, number>;
  /** `<command> <phase>` -> its times; `total` is the whole command. */
  phases: Map<string, Timing>;
  commands: number;
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

function timings(groups: Map<string, number[]>): Map<string, Timing> {
  const result = new Map<string, Timing>();
  for (const [key, values] of groups) {
    const sorted = [...values].sort((a, b) => a - b);
    result.set(key, {
      count: sorted.length,
      sum: sorted.reduce((total, value) => total + value, 0),
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
    });
  }
  return result;
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

function count(map: Map<string, number>, key: string, amount = 1): void {
  map.set(key, (map.get(key) ?? 0) + amount);
}

const pulled = (image: ImageEventLine) => image.result === 'ok' && image.source !== 'host';
const registryKey = (image: ImageEventLine) =>
  image.source === 'mirror' && image.mirror ? `${image.registry} via ${image.mirror}` : image.registry;

export function fleetStats(lines: EventLine[]): FleetStats {
  const byRegistry = new Map<string, number[]>();
  const byImage = new Map<string, number[]>();
  const phases = new Map<string, number[]>();
  const imagesBySource = new Map<string, number>();
  const failuresByCause = new Map<string, number>();
  const bytesByRegistry = new Map<string, number>();
  const bytesByImage = new Map<string, number>();
  for (const line of lines) {
    push(phases, `${line.command} total`, line.seconds);
    for (const [phase, seconds] of Object.entries(line.phases))
      push(phases, `${line.command} ${phase}`, seconds);
    if (line.result === 'failed') count(failuresByCause, `${line.command}: ${line.cause ?? 'unknown'}`);
    for (const image of line.images) {
      if (image.result === 'failed') {
        count(failuresByCause, `pull: ${image.cause ?? 'unknown'}`);
        continue;
      }
      count(imagesBySource, image.source);
      if (!pulled(image)) continue;
      push(byRegistry, registryKey(image), image.seconds);
      push(byImage, image.image, image.seconds);
      count(bytesByRegistry, registryKey(image), image.bytes ?? 0);
      count(bytesByImage, image.image, image.bytes ?? 0);
    }
  }
  return {
    pullsByRegistry: timings(byRegistry),
    pullsByImage: timings(byImage),
    bytesByRegistry,
    bytesByImage,
    imagesBySource,
    failuresByCause,
    phases: timings(phases),
    commands: lines.length,
  };
}

/** Names come from workflows: nothing in them may move the terminal's cursor or colour the output. */
const printable = (text: string) => text.replace(/\p{Cc}/gu, '?');
const s = (seconds: number) => seconds.toFixed(1);

/** Rows of the slowest first; `bytes`, when given, adds the MB downloaded in all under the same key. */
function timingRows(map: Map<string, Timing>, limit: number, bytes?: Map<string, number>): string[][] {
  return [...map.entries()]
    .sort((a, b) => b[1].p95 - a[1].p95 || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([key, t]) => [
      printable(key),
      String(t.count),
      s(t.p50),
      s(t.p95),
      ...(bytes ? [((bytes.get(key) ?? 0) / 1_000_000).toFixed(1)] : []),
    ]);
}

const numbers = new Set([1, 2, 3]);
const pullNumbers = new Set([1, 2, 3, 4]);

export function formatStats(stats: FleetStats, skipped: number): string[] {
  const images = [...stats.imagesBySource.values()].reduce((a, b) => a + b, 0);
  const share = (source: string) => {
    const n = stats.imagesBySource.get(source) ?? 0;
    return `${n} (${images ? Math.round((n * 100) / images) : 0}%)`;
  };
  const lines = [
    `${stats.commands} hook calls, ${images} images${skipped ? `; ${skipped} lines skipped (not events of the hook)` : ''}`,
    '',
    ...formatTable(
      ['registry', 'pulls', 'p50 s', 'p95 s', 'MB'],
      timingRows(stats.pullsByRegistry, 50, stats.bytesByRegistry),
      pullNumbers,
    ),
    '',
    ...formatTable(
      ['image', 'pulls', 'p50 s', 'p95 s', 'MB'],
      timingRows(stats.pullsByImage, 20, stats.bytesByImage),
      pullNumbers,
    ),
    '',
    `images found on the host (pull policy, digest, used earlier in the job): ${share('host')}; from a mirror: ${share('mirror')}; from their registry: ${share('origin')}`,
    '',
    ...(stats.failuresByCause.size === 0
      ? ['no failures']
      : formatTable(
          ['failure', 'count'],
          [...stats.failuresByCause.entries()]
            .sort((a, b) => b[1] - a[1])
            .map(([cause, n]) => [printable(cause), String(n)]),
          new Set([1]),
        )),
    '',
    ...formatTable(['phase', 'calls', 'p50 s', 'p95 s'], timingRows(stats.phases, 10), numbers),
  ];
  return lines;
}

/** A label value as the exposition format wants it: backslash, quote and newline escaped. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function summary(name: string, help: string, labelName: string, map: Map<string, Timing>): string[] {
  const out = [`# HELP ${name} ${help}`, `# TYPE ${name} summary`];
  for (const [key, t] of [...map.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const at = `${labelName}="${label(key)}"`;
    out.push(
      `${name}{${at},quantile="0.5"} ${t.p50}`,
      `${name}{${at},quantile="0.95"} ${t.p95}`,
      `${name}_sum{${at}} ${Math.round(t.sum * 1000) / 1000}`,
      `${name}_count{${at}} ${t.count}`,
    );
  }
  return out;
}

function counter(name: string, help: string, labelName: string, map: Map<string, number>): string[] {
  return [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} counter`,
    ...[...map.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([key, n]) => `${name}{${labelName}="${label(key)}"} ${n}`),
  ];
}

export function formatPrometheus(stats: FleetStats): string[] {
  return [
    ...summary(
      'dockhand_pull_seconds',
      'Pull time of images pulled, by registry.',
      'registry',
      stats.pullsByRegistry,
    ),
    ...summary(
      'dockhand_image_pull_seconds',
      'Pull time of images pulled, by image.',
      'image',
      stats.pullsByImage,
    ),
    ...counter(
      'dockhand_pull_bytes_total',
      'Bytes downloaded by pulls, by registry.',
      'registry',
      stats.bytesByRegistry,
    ),
    ...counter(
      'dockhand_image_pull_bytes_total',
      'Bytes downloaded by pulls, by image.',
      'image',
      stats.bytesByImage,
    ),
    ...counter(
      'dockhand_images_total',
      'Images a job needed, by where they came from.',
      'source',
      stats.imagesBySource,
    ),
    ...counter(
      'dockhand_failures_total',
      'Failed hook calls and pulls, by cause.',
      'cause',
      stats.failuresByCause,
    ),
    ...summary('dockhand_phase_seconds', 'Time of each hook command and its phases.', 'phase', stats.phases),
  ];
}
