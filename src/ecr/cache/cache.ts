// The credentials cache seen by the helper: a file shared with the Go helper, or nothing at all
// (AWS_ECR_DISABLE_CACHE).
import type { AuthEntry } from './entry';

export interface CredentialsCache {
  /** The entry under the first of `keys` present, fresh or not. */
  get(keys: string[]): Promise<AuthEntry | undefined>;
  /** Adds or replaces one entry, keeping every other writer's entries. */
  set(key: string, entry: AuthEntry): Promise<void>;
  list(): Promise<AuthEntry[]>;
  /** Runs `fn` while no other process refreshes the same key. */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export const nullCache: CredentialsCache = {
  get: () => Promise.resolve(undefined),
  set: () => Promise.resolve(),
  list: () => Promise.resolve([]),
  exclusive: (_key, fn) => fn(),
};
