// The key that signs a job's state: kept in the private base (outside `_work`, which jobs can write), made
// new by each prepare_job and removed by cleanup_job, so it never outlives the job. Read on every call, so
// it is a small read, with O_NOFOLLOW|O_NONBLOCK and checked (ours, 0600, the right size) before use.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

const KEY_BYTES = 32;

export function stateKeyFile(privateBase: string, runnerId: string): string {
  return path.join(privateBase, `dockhand-state-${runnerId}.key`);
}

/** A new key for a new job, in place of any earlier job's. */
export function makeStateKey(file: string): Buffer {
  // Written whole under a random name, then renamed into place: a reader never sees half a key.
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
    renameSync(temp, file);
    return key;
  } finally {
    rmSync(temp, { force: true });
  }
}

export function readStateKey(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    // openSync throws only errno errors; `code` is read, never trusted to be there.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new Error(
        `the key that signs this job's state (${file}) is gone: prepare_job makes it and cleanup_job removes it; re-run the job`,
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
        `${file} is not a ${KEY_BYTES}-byte file of this user with mode 0600, so it cannot sign the job's state; remove it and re-run the job`,
      );
    const key = Buffer.alloc(KEY_BYTES);
    if (readSync(fd, key, 0, KEY_BYTES, 0) !== KEY_BYTES) throw new Error(`${file} was cut short while read`);
    return key;
  } finally {
    closeSync(fd);
  }
}

export function removeStateKey(file: string): void {
  rmSync(file, { force: true });
}
