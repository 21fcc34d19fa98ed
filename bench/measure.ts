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

/** Runs the two in order, or in reverse order when `turn` is odd. */
export async function inTurn(turn: number, pair: [() => Promise<void>, () => Promise<void>]): Promise<void> {
  for (const task of turn % 2 === 0 ? pair : [...pair].reverse()) await task();
}

/** A hook call's duration, once it is known to have succeeded. */
export function checked(call: HookCall): number {
  if (call.exitCode !== 0) throw new Error(`${call.command} failed: ${call.stdout}${call.stderr}`);
  return call.durationMs;
}
