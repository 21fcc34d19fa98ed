// Throw-away folders (the env proxy's socket, through which a job's variables pass): 0700, outside the
// job's _work tree, removed as soon as the call that needed them is done. Each is named after the runner and the
// process that made it, `dockhand-<runner id>-<pid>-<random>`, so that one a killed hook left behind is
// told apart from another runner's and from a live hook's, and swept by this runner's next hook call.
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { errnoCodeOf } from '../protocol/errors';

// Process-wide, as the signals that cancel a hook are: what removePrivateDirsNow removes.
const live = new Set<string>();
let owner = 'unattributed';

/** Names this process's throw-away folders after its runner (call once, before the first one). */
export function attributePrivateDirs(runnerId: string): void {
  owner = runnerId;
}

export async function withPrivateDir<T>(base: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = path.join(base, `dockhand-${owner}-${process.pid}-${randomBytes(6).toString('hex')}`);
  // Made and counted in one synchronous step: a cancel, which runs between two awaits, always finds it.
  // A new name (mkdir fails on an existing one), 0700 whatever the base's mode.
  mkdirSync(dir, { mode: 0o700 });
  live.add(dir);
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
    live.delete(dir);
  }
}

/** Removes every throw-away folder of this process at once: a cancelled hook's last act. */
export function removePrivateDirsNow(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
}

/** Whether a process with this pid runs (EPERM: it does, as another user's). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCodeOf(error) === 'EPERM'; // alive, another user's
  }
}

/**
 * Removes this runner's throw-away folders whose process is gone (a hook killed before it could remove
 * them); another runner's, a live process's, and anything not a folder of ours are left alone. Returns
 * the folders removed.
 */
export function sweepStalePrivateDirs(base: string, runnerId: string): string[] {
  const name = new RegExp(`^dockhand-${runnerId}-(\\d+)-[0-9a-f]+$`);
  let entries: string[];
  try {
    entries = readdirSync(base);
  } catch {
    return []; // an unreadable base fails the first withPrivateDir, with its reason
  }
  const uid = process.getuid?.();
  const swept: string[] = [];
  for (const entry of entries) {
    const pid = Number(name.exec(entry)?.[1] ?? 0);
    if (!pid || pid === process.pid || isProcessAlive(pid)) continue;
    const dir = path.join(base, entry);
    try {
      const stat = lstatSync(dir);
      if (!stat.isDirectory() || stat.uid !== uid) continue;
      rmSync(dir, { recursive: true, force: true });
      swept.push(dir);
    } catch {
      // gone meanwhile (another hook of this runner swept it)
    }
  }
  return swept;
}
