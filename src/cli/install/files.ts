// Reading and writing the files install/uninstall plan, without trusting the folders they are in: no
// symlink is followed, a temp file is created new (random name, O_EXCL|O_NOFOLLOW) and given its mode
// and owner through its descriptor, then renamed over the file, so a crash never leaves a half-written
// config or .env behind. A failed write puts back every file written before it.
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { UsageError } from '../context';
import type { Actor } from '../privileges';
import type { FileChange } from './changes';
import { errnoCodeOf, messageOf } from '../../protocol/errors';

/** Settings files are small; anything larger is not one of them. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** A file as found: its text, and the mode and owner a rewrite keeps. */
export interface FileState {
  text: string;
  mode: number;
  uid: number;
  gid: number;
}

export function readIfExists(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** Reads `file` itself, never what a symlink there points at; null when there is none. */
export function readFileState(file: string): FileState | null {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted in place of the file must not hang the read.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if (errnoCodeOf(error) === 'ENOENT') return null;
    if (errnoCodeOf(error) === 'ELOOP') {
      throw new UsageError(
        `${file} is a symbolic link: dockhand does not follow links here; put the file itself in its place`,
      );
    }
    throw new UsageError(`cannot read ${file}: ${messageOf(error)}`, { cause: error });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UsageError(`${file} is not a regular file: move it away, then run again`);
    if (stat.size > MAX_FILE_BYTES)
      throw new UsageError(`${file} is larger than 4 MiB: it is not a settings file`);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return {
      text: buffer.subarray(0, read).toString('utf8'),
      mode: stat.mode & 0o7777,
      uid: stat.uid,
      gid: stat.gid,
    };
  } finally {
    closeSync(fd);
  }
}

export function readAllStates(files: string[]): Record<string, FileState | null> {
  return Object.fromEntries(files.map((file) => [file, readFileState(file)]));
}

/** The nearest folder of `dir` (itself or a parent) that exists. */
function nearestExisting(dir: string): string {
  return existsSync(dir) || path.dirname(dir) === dir ? dir : nearestExisting(path.dirname(dir));
}

/**
 * Why `actor` may not make `change`, or undefined: dockhand only writes files and folders the user it
 * runs as owns (root excepted for files), keeps each file's mode, and never writes a read-only file.
 */
export function whyNotWritable(change: FileChange, actor: Actor): string | undefined {
  const kept = change.kept;
  if (kept !== null) {
    if (actor.uid !== 0 && kept.uid !== actor.uid) {
      return `${change.path} is owned by uid ${kept.uid}, not by ${actor.name} who runs dockhand: run it as that file's owner, or give the file to ${actor.name}`;
    }
    if (change.after !== null && (kept.mode & 0o200) === 0) {
      return `${change.path} is read-only (mode 0${kept.mode.toString(8)}): make it writable (chmod u+w) if dockhand may change it, then run again`;
    }
  }
  const dir = nearestExisting(path.dirname(change.path));
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) return `${dir} is not a folder, so ${change.path} cannot be written there`;
  if (stat.uid !== actor.uid) {
    return `${dir} is owned by uid ${stat.uid}, not by ${actor.name} who runs dockhand: run it as that folder's owner`;
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    return `${dir} is not writable by ${actor.name}: make it writable, then run again`;
  }
  return undefined;
}

/** Creates `dir` and any missing parents (0700: they may end up holding credentials); returns what it made. */
function makeDir(dir: string, made: string[]): void {
  if (existsSync(dir)) return;
  makeDir(path.dirname(dir), made);
  mkdirSync(dir, { mode: 0o700 });
  made.push(dir);
}

function writeReplacing(change: FileChange, content: string): void {
  const { path: file, kept } = change;
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.dockhand-${randomBytes(8).toString('hex')}.tmp`,
  );
  const fd = openSync(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    const bytes = Buffer.from(content);
    for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
    // A rewrite keeps the file's mode (never wider) and owner; a new file gets the owner of whoever runs dockhand.
    fchmodSync(fd, kept === null ? change.mode : change.private ? kept.mode & 0o700 : kept.mode);
    if (kept !== null && process.getuid?.() === 0) fchownSync(fd, kept.uid, kept.gid);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, file);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(temp, { force: true });
    throw error;
  }
}

function applyOne(change: FileChange, made: string[]): void {
  if (change.after === null) {
    rmSync(change.path, { force: true });
    return;
  }
  makeDir(path.dirname(change.path), made);
  writeReplacing(change, change.after);
}

/** Puts back what `done` changed, newest first; returns the files it could not put back. */
function undo(done: FileChange[], made: string[]): string[] {
  const failed: string[] = [];
  for (const change of [...done].reverse()) {
    try {
      applyOne({ ...change, after: change.before }, []);
    } catch {
      failed.push(change.path);
    }
  }
  removeEmptyDirs([...made].reverse());
  return failed;
}

export function applyChanges(changes: FileChange[]): void {
  const done: FileChange[] = [];
  const made: string[] = [];
  for (const change of changes) {
    try {
      applyOne(change, made);
      done.push(change);
    } catch (error) {
      const left = undo(done, made);
      const state =
        left.length === 0
          ? 'every file written before it was put back, so the runner is as it was'
          : `could not put back ${left.join(', ')}: check them, then run again`;
      throw new Error(`could not write ${change.path}: ${messageOf(error)}; ${state}`, {
        cause: error,
      });
    }
  }
}

/** Removes folders if (and only if) they are empty, in the order given. */
export function removeEmptyDirs(dirs: string[]): void {
  for (const dir of dirs) {
    try {
      rmdirSync(dir);
    } catch (error) {
      const code = errnoCodeOf(error);
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY') throw error;
    }
  }
}
