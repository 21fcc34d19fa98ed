// The file commands a step writes ($GITHUB_ENV, $GITHUB_OUTPUT, $GITHUB_STATE as `NAME=value` lines or
// `NAME<<DELIMITER` blocks; $GITHUB_PATH one folder a line; $GITHUB_STEP_SUMMARY markdown), read after
// each step as the runner reads them. The job owns these files: they are opened without following a
// link and read up to a bound, so a job cannot make dockhand read another file or run out of memory.
import { readFileState } from '../install/files';

export class FileCommandError extends Error {
  override name = 'FileCommandError';
}

/** The file's text, '' when the step did not write it (readFileState refuses links, FIFOs, huge files). */
export function readFileCommand(file: string): string {
  return readFileState(file)?.text ?? '';
}

/** `NAME=value` and `NAME<<DELIMITER` ... `DELIMITER` pairs, in order, as the runner parses them. */
export function parseKeyValueFile(text: string, what: string): [string, string][] {
  const lines = text.split(/\r?\n/);
  const pairs: [string, string][] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (name === '') throw new FileCommandError(`${what}: a line has no name before '='`);
      pairs.push([name, line.slice(equals + 1)]);
      continue;
    }
    if (heredoc <= 0)
      throw new FileCommandError(`${what}: invalid line ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (delimiter === '') throw new FileCommandError(`${what}: '${name}<<' has no delimiter`);
    const end = lines.indexOf(delimiter, i + 1);
    if (end < 0) throw new FileCommandError(`${what}: no closing delimiter '${delimiter}' for ${name}`);
    pairs.push([name, lines.slice(i + 1, end).join('\n')]);
    i = end;
  }
  return pairs;
}

/** $GITHUB_PATH: one folder a line. */
export function parsePathFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
