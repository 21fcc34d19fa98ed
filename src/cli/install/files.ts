// Reading and writing the files install/uninstall plan. Writes go to a temp file then rename, so a
// crash never leaves a half-written config or .env behind.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileChange } from './changes';

export function readIfExists(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

export function readAll(files: string[]): Record<string, string | null> {
  return Object.fromEntries(files.map((file) => [file, readIfExists(file)]));
}

async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  // Folders dockhand creates (its own, or a missing docker config dir) may end up holding credentials.
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.dockhand-${process.pid}.tmp`;
  try {
    await writeFile(temp, content, { mode });
    await chmod(temp, mode);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new Error(`could not write ${file}: ${(error as Error).message}`, { cause: error });
  }
}

export async function applyChanges(changes: FileChange[]): Promise<void> {
  for (const change of changes) {
    if (change.after === null) await rm(change.path, { force: true });
    else await writeAtomically(change.path, change.after, change.mode);
  }
}

/** Removes folders if (and only if) they are empty, innermost first. */
export async function removeEmptyDirs(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    try {
      await rmdir(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY') throw error;
    }
  }
}
