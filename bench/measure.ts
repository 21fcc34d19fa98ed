// What the hook benchmarks share to time things: timings kept by key, their medians, turns taken.
import type { HookCall } from '../src/replay';

/** Timings in ms, kept under a key such as `scenario|phase|contender`. */
export class Samples {
  private readonly byKey = new Map<string, number[]>();

  record(key: string, ms: number): void {
    this.byKey.set(key, [...(this.byKey.get(key) ?? []), ms]);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** The median of a key's timings (the upper one of an even count); NaN when there are none. */
  median(key: string): number {
    const values = [...(this.byKey.get(key) ?? [])].sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)] ?? NaN;
  }
}

export async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

type Task = () => Promise<void>;

/**
 * Runs the two in order, or in reverse order when `turn` is odd; a `third` (the engine floor) goes in
 * among them at a place that moves every two turns, so that over six turns each of the three meets each
 * place and the pair keeps the order it had without a third.
 */
export async function inTurn(turn: number, pair: [Task, Task], third?: Task): Promise<void> {
  const order = turn % 2 === 0 ? [...pair] : [...pair].reverse();
  if (third) order.splice(Math.floor(turn / 2) % 3, 0, third);
  for (const task of order) await task();
}

/** The table's columns after scenario and phase: both timings, their ratio, the floor's, the target. */
export const RATIO_COLUMNS = {
  header: 'baseline ms | dockhand ms | ratio | floor ms | floor ratio | target',
  rule: '-------------|-------------|-------|----------|-------------|-------',
};

/**
 * One row's cells under RATIO_COLUMNS; `floor` is NaN for a phase without one. A target that the floor's
 * ratio is already above is one no hook could meet on this machine, and the verdict says so.
 */
export function ratioCells(baseline: number, dockhand: number, floor: number, target?: number): string {
  const ratio = dockhand / baseline;
  const floorRatio = floor / baseline;
  const hasFloor = !Number.isNaN(floor);
  let verdict = '-';
  if (target !== undefined) {
    verdict = `<= ${target} ${ratio <= target ? 'met' : 'MISSED'}`;
    if (hasFloor && floorRatio > target) verdict += `, below the engine floor (${floorRatio.toFixed(2)})`;
  }
  return [
    baseline.toFixed(0).padStart(11),
    dockhand.toFixed(0).padStart(11),
    ratio.toFixed(2).padStart(5),
    (hasFloor ? floor.toFixed(0) : '-').padStart(8),
    (hasFloor ? floorRatio.toFixed(2) : '-').padStart(11),
    verdict,
  ].join(' | ');
}

/** A hook call's duration, once it is known to have succeeded. */
export function checked(call: HookCall): number {
  if (call.exitCode !== 0) throw new Error(`${call.command} failed: ${call.stdout}${call.stderr}`);
  return call.durationMs;
}
