// A planned change to one file. Plans are computed from what is on disk without touching it, so
// `--dry-run` shows exactly what a real run does and bad input stops before anything is written.
import type { FileState } from './files';

export interface FileChange {
  path: string;
  /** Content now; null when the file does not exist. */
  before: string | null;
  /** Content afterwards; null deletes the file. */
  after: string | null;
  /** The mode of a file created new. */
  mode: number;
  /** Holds credentials: a rewrite drops any group/other bits (docker's own config is 0600). */
  private?: boolean;
  /** The file as found (mode and owner are kept on a rewrite); null when it does not exist. */
  kept: FileState | null;
  /**
   * How it is shown: line by line (the launcher), as a size (bundles, records, backups), or as the
   * given lines, which name only what changes (settings files that may hold credentials).
   */
  display: 'lines' | 'summary' | readonly string[];
}

/** The docker config's change, install's or uninstall's: 0600 and private, as docker keeps it. */
export function dockerConfigChange(
  file: string,
  before: string | null,
  after: string | null,
  kept: FileState | null,
  display: readonly string[],
): FileChange {
  return { path: file, before, after, mode: 0o600, private: true, kept, display };
}

/** Keeps only the changes that change something. */
export function effective(changes: FileChange[]): FileChange[] {
  return changes.filter((change) => change.before !== change.after);
}

function linesOf(text: string | null): string[] {
  return text === null || text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** A diff-like listing: removed lines with `-`, added ones with `+`, unchanged lines left out. */
export function lineDiff(before: string[], after: string[]): string[] {
  const kept = new Set(before.filter((line) => after.includes(line)));
  return [
    ...before.filter((line) => !kept.has(line)).map((line) => `- ${line}`),
    ...after.filter((line) => !kept.has(line)).map((line) => `+ ${line}`),
  ];
}

export function describeChange(change: FileChange): string[] {
  const verb = change.before === null ? 'create' : change.after === null ? 'delete' : 'update';
  if (change.display === 'summary') {
    const size = change.after === null ? '' : ` (${Buffer.byteLength(change.after)} bytes)`;
    return [`${verb} ${change.path}${size}`];
  }
  const details =
    change.display === 'lines' ? lineDiff(linesOf(change.before), linesOf(change.after)) : change.display;
  return [`${verb} ${change.path}`, ...details.map((line) => `  ${line}`)];
}
