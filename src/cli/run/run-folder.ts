// The one runner folder of a user's `dockhand run`: `<tmp>/dockhand-run-<uid>/runner`. The hook labels a
// job's containers with an id derived from RUNNER_TEMP, so with the same folder every run, the next
// prepare_job removes what a killed run left (containers, network); the next run removes its files.
// One run at a time per user holds it (a lock file with its pid), so two runs never sweep each other.
import { lstatSync, mkdirSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from '../../docker/private-dir';
import { errnoCodeOf } from '../../protocol/errors';
import { UsageError } from '../context';
import { readFileState } from '../install/files';

export interface RunFolder {
  /** The runner's root folder. */
  root: string;
  /** Removes the job's files (`_work`: scripts may hold secrets) and lets the next run in. */
  release(): void;
}

/** Takes the lock, or says which run holds it; a lock whose run is gone is taken over. */
function lock(file: string, base: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (error) {
      if (errnoCodeOf(error) !== 'EEXIST') throw error;
    }
    const holder = Number(readFileState(file)?.text.trim());
    if (Number.isInteger(holder) && holder > 0 && isProcessAlive(holder)) {
      throw new UsageError(
        `another dockhand run (pid ${holder}) is playing a job in ${base}: wait for it to end, or stop it`,
      );
    }
    rmSync(file, { force: true });
  }
  throw new UsageError(`cannot take ${file}: another dockhand run is starting; run again`);
}

export function openRunFolder(tmpdir: string, uid: number): RunFolder {
  const base = path.join(tmpdir, `dockhand-run-${uid}`);
  mkdirSync(base, { mode: 0o700, recursive: true });
  // In a shared temp folder someone else could have made it first, or put a link there.
  const stat = lstatSync(base);
  if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0) {
    throw new UsageError(
      `${base} is not a folder only you can use (a link, another user's, or open to others): remove it, then run again`,
    );
  }
  const lockFile = path.join(base, 'lock');
  lock(lockFile, base);
  const root = path.join(base, 'runner');
  const work = path.join(root, '_work');
  // What a killed run left of its files.
  rmSync(work, { recursive: true, force: true });
  return {
    root,
    release: () => {
      rmSync(work, { recursive: true, force: true });
      rmSync(lockFile, { force: true });
    },
  };
}
