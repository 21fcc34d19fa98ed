// Reading and writing the files install/uninstall plan. Writes go to a temp file then rename, so a
// crash never leaves a half-written config or .env behind.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, chown, mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileChange } from './changes';

export function readIfExists(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

export function readAll(files: string[]): Record<string, string | null> {
  return Object.fromEntries(files.map((file) => [file, readIfExists(file)]));
}

// Run as root (sudo) for a runner user, what install creates must belong to that user: a new folder or
// file gets the owner of the folder it is made in, a replaced file keeps its owner.
const asRoot = process.getuid?.() === 0;

async function takeOwner(target: string, from: string): Promise<void> {
  if (!asRoot) return;
  const { uid, gid } = statSync(from);
  await chown(target, uid, gid);
}

/** Creates `dir` and any missing parents, each owned like the folder it is made in. */
async function makeDir(dir: string): Promise<void> {
  if (existsSync(dir)) return;
  await makeDir(path.dirname(dir));
  // Folders dockhand creates (its own, or a missing docker config dir) may end up holding credentials.
  await mkdir(dir, { mode: 0o700 });
  await takeOwner(dir, path.dirname(dir));
}

async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  await makeDir(path.dirname(file));
  const temp = `${file}.dockhand-${process.pid}.tmp`;
  try {
    await writeFile(temp, content, { mode });
    await chmod(temp, mode);
    await takeOwner(temp, existsSync(file) ? file : path.dirname(file));
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
