// The cache file `<dir>/cache.json`, compatible with amazon-ecr-credential-helper. Unlike the Go helper,
// writers merge under a lock (read-modify-write, temp file + rename), so concurrent writers keep each
// other's entries, and each write prunes expired and surplus entries.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
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
import { withLock, type LockOptions } from './lock';

export interface FileCacheOptions {
  dir: string;
  clock: () => Date;
  lock: LockOptions;
}

export class FileCache implements CredentialsCache {
  private readonly file: string;

  constructor(private readonly options: FileCacheOptions) {
    this.file = path.join(options.dir, 'cache.json');
  }

  /** The file's contents; empty when it is missing, corrupt or of another version. */
  private async read(): Promise<CacheFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { Registries: {}, Version: CACHE_VERSION };
      throw new Error(`cannot read the ECR credentials cache ${this.file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return parseCacheFile(text) ?? { Registries: {}, Version: CACHE_VERSION };
  }

  async get(keys: string[]): Promise<AuthEntry | undefined> {
    const { Registries } = await this.read();
    for (const key of keys) if (Registries[key]) return Registries[key];
    return undefined;
  }

  async list(): Promise<AuthEntry[]> {
    return Object.values((await this.read()).Registries);
  }

  async set(key: string, entry: AuthEntry): Promise<void> {
    await this.ensureDir();
    await withLock(`${this.file}.lock`, () => this.merge(key, entry), this.options.lock);
  }

  async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    await this.ensureDir();
    const id = createHash('sha256').update(key).digest('hex').slice(0, 16);
    return withLock(`${this.file}.${id}.lock`, fn, this.options.lock);
  }

  private async merge(key: string, entry: AuthEntry): Promise<void> {
    const current = await this.read();
    const registries = prune({ ...current.Registries, [key]: entry }, this.options.clock());
    const temp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, serializeCacheFile({ Registries: registries, Version: CACHE_VERSION }), {
        mode: 0o600,
        flag: 'wx',
      });
      await rename(temp, this.file);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw new Error(`cannot write the ECR credentials cache ${this.file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  private async ensureDir(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
  }
}
