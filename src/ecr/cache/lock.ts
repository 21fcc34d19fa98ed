// A lock between processes: a file created exclusively (O_EXCL) holding the holder's PID and start time.
// A lock whose holder died, or that is older than a bound, or dated in the future (a clock set back, a
// forged file), is stale and broken, so a crashed helper never blocks the others. Waiting is bounded: past the bound the caller goes on without the lock, and so it
// does where no lock file can be made at all (a read-only or full cache directory): the cache is an
// optimisation, never a reason to refuse credentials.
// Synchronous fs, as in file.ts; only the waiting between polls is asynchronous.
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { errnoCodeOf } from '../../protocol/errors';

export interface LockOptions {
  /** Longest wait for another holder before going on without the lock. */
  waitMs: number;
  /** A lock older than this is stale even if its holder still runs (it hung). */
  staleMs: number;
  pollMs: number;
  /** Stops the wait (with its reason) when the helper must stop. */
  signal?: AbortSignal;
}

/** A holder's start time this far ahead of the clock is not believed: the lock is stale. */
const CLOCK_SKEW_MS = 2000;

export const DEFAULT_LOCK_OPTIONS: LockOptions = { waitMs: 10_000, staleMs: 30_000, pollMs: 15 };

interface Holder {
  pid: number;
  createdAt: number;
}

let suffixes = 0;

/** A name part no other process or call uses at the same time (for temp and aside files). */
export function uniqueSuffix(): string {
  return `${process.pid}.${Date.now()}.${suffixes++}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return errnoCodeOf(err) === 'EPERM';
  }
}

function isStale(content: string, options: LockOptions, now: number): boolean {
  let holder: Partial<Holder>;
  try {
    // Safe: a partial view only; each field is checked for its type where it is read.
    holder = JSON.parse(content) as Partial<Holder>;
  } catch {
    return true; // a torn or foreign file: nobody can own it
  }
  if (typeof holder.pid !== 'number' || typeof holder.createdAt !== 'number') return true;
  const age = now - holder.createdAt;
  return !isAlive(holder.pid) || age > options.staleMs || age < -CLOCK_SKEW_MS;
}

type Attempt = 'held' | 'busy' | 'unavailable';

function tryCreate(lockPath: string): Attempt {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (err) {
    return errnoCodeOf(err) === 'EEXIST' ? 'busy' : 'unavailable';
  }
  const holder: Holder = { pid: process.pid, createdAt: Date.now() };
  try {
    writeSync(fd, JSON.stringify(holder));
    return 'held';
  } catch {
    ignoreErrors(() => unlinkSync(lockPath)); // a full disk: an empty lock would look live to others
    return 'unavailable';
  } finally {
    closeSync(fd);
  }
}

function readOrEmpty(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function ignoreErrors(action: () => void): void {
  try {
    action();
  } catch {
    // best effort: someone else got there first
  }
}

/**
 * Moves a stale lock aside atomically, so only one waiter breaks it. If the file moved turns out to be a
 * new, live lock (created between our read and the rename), it is put back unless another was made since.
 */
function breakIfStale(lockPath: string, options: LockOptions): void {
  const content = readOrEmpty(lockPath);
  if (content === undefined) return; // released meanwhile
  // A holder writes its file right after creating it: an empty one is only stale once old enough.
  const stale =
    content === ''
      ? Date.now() - (statSync(lockPath, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > options.staleMs
      : isStale(content, options, Date.now());
  if (!stale) return;
  const aside = `${lockPath}.${uniqueSuffix()}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // another waiter broke it first
  }
  if (readOrEmpty(aside) !== content) ignoreErrors(() => linkSync(aside, lockPath));
  ignoreErrors(() => unlinkSync(aside));
}

/** Runs `fn` holding the lock (or, after `waitMs`, without it); always releases what it took. */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const deadline = Date.now() + options.waitMs;
  let attempt = tryCreate(lockPath);
  while (attempt === 'busy' && Date.now() < deadline) {
    if (options.signal?.aborted) throw options.signal.reason;
    breakIfStale(lockPath, options);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    attempt = tryCreate(lockPath);
  }
  try {
    return await fn();
  } finally {
    if (attempt === 'held') ignoreErrors(() => unlinkSync(lockPath));
  }
}
