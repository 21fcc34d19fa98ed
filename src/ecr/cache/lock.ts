// A lock between processes: a file created exclusively (O_EXCL) holding the holder's PID and start time.
// A lock whose holder died, or that is older than a bound, is stale and broken, so a crashed helper never
// blocks the others. Waiting is bounded: past the bound the caller goes on without the lock.
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';

export interface LockOptions {
  /** Longest wait for another holder before going on without the lock. */
  waitMs: number;
  /** A lock older than this is stale even if its holder still runs (it hung). */
  staleMs: number;
  pollMs: number;
}

export const DEFAULT_LOCK_OPTIONS: LockOptions = { waitMs: 10_000, staleMs: 30_000, pollMs: 15 };

interface Holder {
  pid: number;
  createdAt: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(content: string, options: LockOptions, now: number): boolean {
  let holder: Partial<Holder>;
  try {
    holder = JSON.parse(content) as Partial<Holder>;
  } catch {
    return true; // a torn or foreign file: nobody can own it
  }
  if (typeof holder.pid !== 'number' || typeof holder.createdAt !== 'number') return true;
  return !isAlive(holder.pid) || now - holder.createdAt > options.staleMs;
}

async function tryCreate(lockPath: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx', 0o600);
    const holder: Holder = { pid: process.pid, createdAt: Date.now() };
    await handle.writeFile(JSON.stringify(holder));
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(`cannot create lock file ${lockPath}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Moves a stale lock aside atomically, so only one waiter breaks it. If the file moved turns out to be a
 * new, live lock (created between our read and the rename), it is put back unless another was made since.
 */
async function breakIfStale(lockPath: string, options: LockOptions): Promise<void> {
  let content: string;
  try {
    content = await readFile(lockPath, 'utf8');
  } catch {
    return; // released meanwhile
  }
  // A holder writes its file right after creating it: an empty one is only stale once old enough.
  const stale =
    content === ''
      ? Date.now() - (await stat(lockPath).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs > options.staleMs
      : isStale(content, options, Date.now());
  if (!stale) return;
  const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // another waiter broke it first
  }
  const moved = await readFile(aside, 'utf8').catch(() => '');
  if (moved !== content) await link(aside, lockPath).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/** Runs `fn` holding the lock (or, after `waitMs`, without it); always releases what it took. */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const deadline = Date.now() + options.waitMs;
  let held = await tryCreate(lockPath);
  while (!held && Date.now() < deadline) {
    await breakIfStale(lockPath, options);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    held = await tryCreate(lockPath);
  }
  try {
    return await fn();
  } finally {
    if (held) await unlink(lockPath).catch(() => undefined);
  }
}
