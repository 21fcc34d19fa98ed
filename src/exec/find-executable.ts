// Which file a bare program name runs, decided as a POSIX shell decides it: the first PATH entry holding
// a regular file this user may execute. A non-executable `docker` (or a folder of that name) earlier on
// PATH is passed over, as `sh -c docker` passes it over, rather than chosen and then failing with EACCES.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The file `name` resolves to on `searchPath` (a PATH value), or null when no entry has it. */
export function findExecutable(name: string, searchPath: string | undefined): string | null {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    // An empty entry means the current folder to a shell; a runner's PATH has none we should honour.
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}
