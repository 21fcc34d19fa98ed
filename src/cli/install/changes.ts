// A planned change to one file. Plans are computed from what is on disk without touching it, so
// `--dry-run` shows exactly what a real run does and bad input stops before anything is written.

export interface FileChange {
  path: string;
  /** Content now; null when the file does not exist. */
  before: string | null;
  /** Content afterwards; null deletes the file. */
  after: string | null;
  mode: number;
  /** How --dry-run shows it: line by line for settings, as a size for bundles. */
  display: 'lines' | 'summary';
}

/** Keeps only the changes that change something. */
export function effective(changes: FileChange[]): FileChange[] {
  return changes.filter((change) => change.before !== change.after);
}

function linesOf(text: string | null): string[] {
  return text === null || text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** A diff-like listing: removed lines with `-`, added ones with `+`, unchanged lines left out. */
export function describeChange(change: FileChange): string[] {
  const verb = change.before === null ? 'create' : change.after === null ? 'delete' : 'update';
  if (change.display === 'summary') {
    const size = change.after === null ? '' : ` (${Buffer.byteLength(change.after)} bytes)`;
    return [`${verb} ${change.path}${size}`];
  }
  const before = linesOf(change.before);
  const after = linesOf(change.after);
  const kept = new Set(before.filter((line) => after.includes(line)));
  return [
    `${verb} ${change.path}`,
    ...before.filter((line) => !kept.has(line)).map((line) => `  - ${line}`),
    ...after.filter((line) => !kept.has(line)).map((line) => `  + ${line}`),
  ];
}
