// Writes the response file the runner reads after exit 0, as one JSON document. The file lives in
// `_work/_temp`, which every job container mounts: a step can put a symlink, a FIFO or anything else at
// its path. So the path is never opened: the document goes to a new file of a random name beside it
// (O_EXCL|O_NOFOLLOW), which then replaces the path with rename(), which never follows a link. The runner
// only reads and deletes that path, so the new file is all it needs.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  lstatSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import type { PrepareJobResponse, StateResponse } from './hook-types';

export function writeHookResponse(file: string, response: PrepareJobResponse | StateResponse): void {
  checkResponseFile(file);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(8).toString('hex')}`);
  const fd = openSync(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    try {
      writeSync(fd, JSON.stringify(response));
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * The runner creates the response file empty before each call. Anything else at that path (a symlink, a
 * FIFO, a folder) means something in the job replaced it: refused, without opening it (a FIFO would block).
 * Checked before a command's work too, so that a refusal leaves nothing created.
 */
export function checkResponseFile(file: string): void {
  let stats: Stats;
  try {
    stats = lstatSync(file);
  } catch (error) {
    // lstatSync throws only errno errors, each with a `code`.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!stats.isFile())
    throw new Error(
      `the response file ${file} is ${kindOf(stats)}, not the file the runner created: something in the job replaced it; nothing was written through it`,
    );
}

function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symlink';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isSocket()) return 'a socket';
  return 'a device';
}
