// The runner's `.env` file, read the way the runner reads it (Runner.Listener's LoadAndSetEnv:
// File.ReadAllLines, so `\r\n`, `\n` and a lone `\r` all end a line): one KEY=value per line, split at
// the first `=`, no quoting, no comments, no expansion; a later line wins over an earlier one; `KEY=`
// unsets. Edits touch only the line that counts and keep every other line and the file's line ending.

export type EnvLines = string[];

export type LineEnding = '\r\n' | '\n';

export function parseEnvText(text: string): EnvLines {
  if (text === '') return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The file's own line ending (its first one), so a CRLF file stays CRLF. */
export function lineEndingOf(text: string | null): LineEnding {
  const first = text?.match(/\r\n|\r|\n/)?.[0];
  return first === '\r\n' ? '\r\n' : '\n';
}

export function formatEnvLines(lines: EnvLines, ending: LineEnding = '\n'): string {
  return lines.length === 0 ? '' : `${lines.join(ending)}${ending}`;
}

function keyOf(line: string): string | undefined {
  const at = line.indexOf('=');
  return at > 0 ? line.slice(0, at) : undefined;
}

function lastIndexOfKey(lines: EnvLines, key: string): number {
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    if (keyOf(lines[i] ?? '') === key) return i;
  }
  return -1;
}

/** The value the runner ends up with for `key`; `KEY=` unsets, so an empty value reads as absent. */
export function getEnvValue(lines: EnvLines, key: string): string | undefined {
  const index = lastIndexOfKey(lines, key);
  if (index < 0) return undefined;
  const value = (lines[index] ?? '').slice(key.length + 1);
  return value === '' ? undefined : value;
}

/** The raw line that sets `key` (the last one), `null` when none does; what uninstall puts back. */
export function getEnvLine(lines: EnvLines, key: string): string | null {
  const index = lastIndexOfKey(lines, key);
  return index < 0 ? null : (lines[index] ?? null);
}

/**
 * Sets `key` by replacing the line that counts, or appending one; `line` null removes that line.
 * Returns a new array.
 */
export function setEnvLine(lines: EnvLines, key: string, line: string | null): EnvLines {
  const index = lastIndexOfKey(lines, key);
  const next = [...lines];
  if (index < 0) {
    if (line !== null) next.push(line);
  } else if (line === null) {
    next.splice(index, 1);
  } else {
    next[index] = line;
  }
  return next;
}

/** Applies .env the way the runner does: in order, later lines win, `KEY=` unsets. */
export function applyEnvFile(
  base: Readonly<Record<string, string>>,
  lines: EnvLines,
): Record<string, string> {
  const env = { ...base };
  for (const line of lines) {
    const key = keyOf(line);
    if (key === undefined) continue;
    const value = line.slice(key.length + 1);
    if (value === '') delete env[key];
    else env[key] = value;
  }
  return env;
}

/** What a change does to `keys`, as `- old line` / `+ new line`: only those keys, never other lines. */
export function describeEnvChanges(before: EnvLines, after: EnvLines, keys: readonly string[]): string[] {
  return keys.flatMap((key) => {
    const was = getEnvLine(before, key);
    const now = getEnvLine(after, key);
    if (was === now) return [];
    return [...(was === null ? [] : [`- ${was}`]), ...(now === null ? [] : [`+ ${now}`])];
  });
}
