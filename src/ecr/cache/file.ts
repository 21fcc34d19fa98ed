// The cache file `<dir>/cache.json`, compatible with amazon-ecr-credential-helper. Unlike the Go helper,
// writers merge under a lock (read-modify-write, temp file + rename), so concurrent writers keep each
// other's entries, and each write prunes expired and surplus entries.
// Synchronous fs on purpose: a helper process does a few small reads and writes, and the async API would
// load fs/promises and start libuv's thread pool, a measurable share of a cache hit.
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { CredentialsCache } from './cache';
import {
  CACHE_VERSION,
  parseCacheFile,
  prune,
  serializeCacheFile,
  type AuthEntry,
  type CacheFile,
} from './entry';
import { uniqueSuffix, withLock, type LockOptions } from './lock';
import { sha256Digest } from './sha256-digest';
import { errnoCodeOf, messageOf } from '../../protocol/errors';

export interface FileCacheOptions {
  dir: string;
  clock: () => Date;
  lock: LockOptions;
  /** Says why the file was not usable (it is then treated as empty). */
  log: (line: string) => void;
}

/** Far beyond any real cache (a few entries per registry): a larger file is not read. */
const MAX_CACHE_BYTES = 1024 * 1024;

/**
 * The file's text, undefined when there is none. Only a regular file, not a symlink, of a bounded size,
 * opened without blocking: a FIFO or a device planted there must not hang or flood the helper.
 */
function readCacheText(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (errnoCodeOf(err) === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_CACHE_BYTES) throw new Error(`larger than ${MAX_CACHE_BYTES} bytes`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

export class FileCache implements CredentialsCache {
  private readonly file: string;

  constructor(private readonly options: FileCacheOptions) {
    this.file = path.join(options.dir, 'cache.json');
  }

  /**
   * The file's contents; empty when it is missing, corrupt, of another version or unreadable: a broken
   * cache means no cache (said in the log), never a refused `get`.
   */
  private read(): CacheFile {
    let text: string | undefined;
    try {
      text = readCacheText(this.file);
    } catch (err) {
      this.options.log(`ignoring the ECR credentials cache ${this.file}: ${messageOf(err)}`);
    }
    return (text !== undefined && parseCacheFile(text)) || { Registries: {}, Version: CACHE_VERSION };
  }

  get(keys: string[]): Promise<AuthEntry | undefined> {
    const { Registries } = this.read();
    return Promise.resolve(keys.map((key) => Registries[key]).find((entry) => entry !== undefined));
  }

  list(): Promise<AuthEntry[]> {
    return Promise.resolve(Object.values(this.read().Registries));
  }

  async set(key: string, entry: AuthEntry): Promise<void> {
    this.ensureDir();
    await withLock(`${this.file}.lock`, async () => this.merge(key, entry), this.options.lock);
  }

  async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    this.ensureDir();
    const id = Buffer.from(sha256Digest(Buffer.from(key)))
      .toString('hex')
      .slice(0, 16);
    return withLock(`${this.file}.${id}.lock`, fn, this.options.lock);
  }

  private merge(key: string, entry: AuthEntry): void {
    const current = this.read();
    const registries = prune({ ...current.Registries, [key]: entry }, this.options.clock());
    const temp = `${this.file}.${uniqueSuffix()}.tmp`;
    try {
      writeFileSync(temp, serializeCacheFile({ Registries: registries, Version: CACHE_VERSION }), {
        mode: 0o600,
        flag: 'wx',
      });
      renameSync(temp, this.file);
    } catch (err) {
      try {
        unlinkSync(temp);
      } catch {
        // never created, or already renamed
      }
      throw new Error(`cannot write the ECR credentials cache ${this.file}: ${messageOf(err)}`, {
        cause: err,
      });
    }
  }

  /** Best effort: a directory that cannot be made shows up as a failed write, logged, never a refusal. */
  private ensureDir(): void {
    try {
      mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    } catch {
      // the lock and the write that follow fail on their own and are handled there
    }
  }
}
