// The key that signs the job's state: kept in the private base (outside `_work`, which jobs can write),
// one per runner, made by the first prepare_job and kept for the runner's life. Read on every call, so it
// is a small file read with O_NOFOLLOW|O_NONBLOCK and checked (ours, 0600, the right size) before use.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, linkSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

const KEY_BYTES = 32;

export function stateKeyFile(privateBase: string, runnerId: string): string {
  return path.join(privateBase, `dockhand-state-${runnerId}.key`);
}

/** The runner's key; `create`: make one when there is none (prepare_job), else a missing key is an error. */
export function readStateKey(file: string, create: boolean): Buffer {
  if (create) {
    const made = makeKey(file);
    if (made) return made;
  }
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new Error(
        `the key that signs this job's state (${file}) is gone: it is made by prepare_job; re-run the job`,
      );
    throw new Error(`cannot read the key that signs the job's state (${file}): ${code ?? String(error)}`, {
      cause: error,
    });
  }
  try {
    const stats = fstatSync(fd);
    const uid = process.geteuid?.() ?? stats.uid;
    if (!stats.isFile() || stats.uid !== uid || (stats.mode & 0o077) !== 0 || stats.size !== KEY_BYTES)
      throw new Error(
        `${file} is not a ${KEY_BYTES}-byte file of this user with mode 0600, so it cannot sign the job's state; remove it (the next prepare_job makes a new one)`,
      );
    const key = Buffer.alloc(KEY_BYTES);
    if (readSync(fd, key, 0, KEY_BYTES, 0) !== KEY_BYTES) throw new Error(`${file} was cut short while read`);
    return key;
  } finally {
    closeSync(fd);
  }
}

/** A new key, or null when there is one already (made earlier, or by another call at the same time). */
function makeKey(file: string): Buffer | null {
  // Written whole under a random name, then linked into place: a reader never sees half a key.
  const temp = `${file}.${randomBytes(8).toString('hex')}`;
  const key = randomBytes(KEY_BYTES);
  try {
    const fd = openSync(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      writeSync(fd, key);
    } finally {
      closeSync(fd);
    }
    linkSync(temp, file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}
