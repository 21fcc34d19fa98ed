// Figures the reliability suite measures about itself, collected across test files and printed as one
// table at the end of the run (vitest.reliability.config.ts) for the README's Reliability section.
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { stackDir } from './stack';

export type FigureName =
  | 'jobs run concurrently'
  | 'hook steps run'
  | 'faults injected'
  | 'faults survived'
  | 'fuzz cases tried'
  | 'fuzz cases rejected cleanly'
  | 'secrets found'
  | 'resources left over'
  | 'soak jobs run'
  | 'soak cancellations landed'
  | 'soak dockerd restarts'
  | 'hook peak RSS, early jobs (MB)'
  | 'hook peak RSS, late jobs (MB)';

function figuresFile(): string {
  return path.join(stackDir(), 'reliability-figures.jsonl');
}

export function recordFigure(name: FigureName, value: number): void {
  appendFileSync(figuresFile(), JSON.stringify({ name, value }) + '\n');
}

export function resetFigures(): void {
  rmSync(figuresFile(), { force: true });
}

export function figuresTable(): string {
  if (!existsSync(figuresFile())) return 'no reliability figures were recorded';
  const totals = new Map<string, number>();
  for (const line of readFileSync(figuresFile(), 'utf8').split('\n').filter(Boolean)) {
    const { name, value } = JSON.parse(line) as { name: string; value: number };
    totals.set(name, (totals.get(name) ?? 0) + value);
  }
  const width = Math.max(...[...totals.keys()].map((k) => k.length), 6);
  const rows = [...totals].map(([name, value]) => `| ${name.padEnd(width)} | ${String(value).padStart(6)} |`);
  return [
    `| ${'figure'.padEnd(width)} | ${'value'.padStart(6)} |`,
    `|${'-'.repeat(width + 2)}|${'-'.repeat(8)}|`,
    ...rows,
  ].join('\n');
}

/**
 * Counts the faults a test file injects and survives: a fault counts as survived only when its body
 * asserted the expected outcome to the end. The file checks `survived === injected` when it ends.
 */
export function faultCounter() {
  const counts = { injected: 0, survived: 0 };
  async function fault(body: () => Promise<void>): Promise<void> {
    counts.injected++;
    recordFigure('faults injected', 1);
    await body();
    counts.survived++;
    recordFigure('faults survived', 1);
  }
  return { fault, counts };
}
