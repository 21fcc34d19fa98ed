// The key that signs a job's state: kept in the private base (outside `_work`, which jobs can write), made
// new by each prepare_job and removed by cleanup_job, so it never outlives the job. Its file name carries
// a random part, and the state names it: in a shared base such as /tmp, another local user can neither
// guess the name to plant a file there first (which would stop every job of the runner) nor replace it.
// Read on every call, so it is a small read, with O_NOFOLLOW|O_NONBLOCK and checked (ours, 0600, the
// right size) before use.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { errnoCodeOf } from '../protocol/errors';

const KEY_BYTES = 32;
/** A key file's name: the runner's id (16 hex digits) and 32 random hex digits. */
export const STATE_KEY_NAME = /^dockhand-state-[0-9a-f]{16}-[0-9a-f]{32}\.key$/;

export interface StateKey {
  /** The file's name in the private base, saved in the state it signs. */
  name: string;
  key: Buffer;
}

/** A new key for a new job, in a file of its own that nothing else can have made or name. */
export function makeStateKey(privateBase: string, runnerId: string): StateKey {
  const name = `dockhand-state-${runnerId}-${randomBytes(16).toString('hex')}.key`;
  const key = randomBytes(KEY_BYTES);
  // Complete before the state that names it exists, so no reader ever meets half a key.
  const fd = openSync(
    path.join(privateBase, name),
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    writeSync(fd, key);
  } finally {
    closeSync(fd);
  }
  return { name, key };
}

/** The key a state names; `name` comes from the unverified state, so it is checked to be a key's name. */
export function readStateKey(privateBase: string, runnerId: string, name: string): Buffer {
  if (!STATE_KEY_NAME.test(name) || !name.startsWith(`dockhand-state-${runnerId}-`))
    throw new Error(`the saved state names '${name}', which is not a key of this runner's`);
  const file = path.join(privateBase, name);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = errnoCodeOf(error);
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

/**
 * Removes every state key of this runner's: a runner runs one job at a time, so at cleanup_job none is
 * still needed, and one a killed hook left goes with the next job's. Only this user's plain files.
 */
export function removeStateKeys(privateBase: string, runnerId: string): void {
  const prefix = `dockhand-state-${runnerId}-`;
  let entries: string[];
  try {
    entries = readdirSync(privateBase);
  } catch {
    return; // nothing of ours can be there
  }
  const uid = process.geteuid?.();
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !STATE_KEY_NAME.test(entry)) continue;
    const file = path.join(privateBase, entry);
    try {
      const stats = lstatSync(file);
      if (stats.isFile() && stats.uid === uid) rmSync(file, { force: true });
    } catch {
      // gone meanwhile
    }
  }
}
