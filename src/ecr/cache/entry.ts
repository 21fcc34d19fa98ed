// The cache's data and rules, shared with amazon-ecr-credential-helper's cache.json (format 1.0): entry
// shape, keys, the half-life validity rule, pruning. Pure: the clock is a parameter.
import { goJson } from '../../protocol/credential-helper';
import type { EcrRegistry } from '../registry';
import { sha256Digest } from './sha256-digest';

export const CACHE_VERSION = '1.0';

/** One cached token, field for field as the Go helper writes it (times as RFC 3339 strings). */
export interface AuthEntry {
  AuthorizationToken: string;
  RequestedAt: string;
  ExpiresAt: string;
  ProxyEndpoint: string;
  Service: 'ecr' | 'ecr-public';
}

export interface CacheFile {
  Registries: Record<string, AuthEntry>;
  Version: string;
}

/** How many entries (one per credential identity) are kept for one registry; the newest win. */
export const ENTRIES_PER_REGISTRY = 4;

/** md5(""): Go's `md5.New().Sum(b)` appends the digest of nothing to b. */
const EMPTY_MD5 = Buffer.from('d41d8cd98f00b204e9800998ecf8427e', 'hex');

/**
 * Keys an entry may be stored under, newest format first: 0.12.0 writes base64(sha256(access key id));
 * older helpers wrote base64(access key id ++ md5("")) and 0.12.0 still reads it.
 */
export function cacheKeys(registry: EcrRegistry, accessKeyId: string): string[] {
  const sha = Buffer.from(sha256Digest(Buffer.from(accessKeyId))).toString('base64');
  const legacy = Buffer.concat([Buffer.from(accessKeyId), EMPTY_MD5]).toString('base64');
  return [sha, legacy].map((hash) =>
    registry.kind === 'private' ? `${registry.region}-${hash}-${registry.account}` : `ecr-public-${hash}`,
  );
}

/** Go's time.Time JSON form (RFC 3339, fraction without trailing zeros, `Z` for UTC). */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.?0+Z$/, 'Z');
}

/** Milliseconds since the epoch; NaN for a value that is not a time. Go writes up to 9 fraction digits. */
export function parseTime(value: unknown): number {
  if (typeof value !== 'string') return NaN;
  return Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
}

/** Go's rule: a token is used until half of its lifetime has passed (6 h of ECR's 12). */
export function isFresh(entry: AuthEntry, now: Date): boolean {
  const requested = parseTime(entry.RequestedAt);
  const expires = parseTime(entry.ExpiresAt);
  return now.getTime() < expires - (expires - requested) / 2;
}

export function isExpired(entry: AuthEntry, now: Date): boolean {
  return !(now.getTime() < parseTime(entry.ExpiresAt));
}

export function isAuthEntry(value: unknown): value is AuthEntry {
  // Safe: a partial view only, and every field is checked below before the guard says yes.
  const e = value as Partial<AuthEntry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.AuthorizationToken === 'string' &&
    typeof e.ProxyEndpoint === 'string' &&
    (e.Service === 'ecr' || e.Service === 'ecr-public') &&
    !Number.isNaN(parseTime(e.RequestedAt)) &&
    !Number.isNaN(parseTime(e.ExpiresAt))
  );
}

/** The cache's contents, or undefined for a corrupt or foreign file (which is then replaced). */
export function parseCacheFile(text: string): CacheFile | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  // Safe: a partial view only; Version and Registries are checked next, each entry by isAuthEntry.
  const file = parsed as Partial<CacheFile> | null;
  if (typeof file !== 'object' || file === null || file.Version !== CACHE_VERSION) return undefined;
  if (typeof file.Registries !== 'object' || file.Registries === null) return undefined;
  const registries: Record<string, AuthEntry> = {};
  for (const [key, entry] of Object.entries(file.Registries)) {
    if (isAuthEntry(entry)) registries[key] = entry;
  }
  return { Registries: registries, Version: CACHE_VERSION };
}

/** Go's MarshalIndent with two spaces, keys of the map sorted, no trailing newline. */
export function serializeCacheFile(file: CacheFile): string {
  const registries: Record<string, AuthEntry> = {};
  for (const key of Object.keys(file.Registries).sort()) registries[key] = file.Registries[key]!;
  return goJson({ Registries: registries, Version: file.Version }, 2);
}

/**
 * Drops expired entries and keeps at most ENTRIES_PER_REGISTRY per registry (proxy endpoint), newest
 * first, so rotating temporary credentials cannot grow the file without bound.
 */
export function prune(registries: Record<string, AuthEntry>, now: Date): Record<string, AuthEntry> {
  const byRegistry = new Map<string, [string, AuthEntry][]>();
  for (const [key, entry] of Object.entries(registries)) {
    if (isExpired(entry, now)) continue;
    const group = byRegistry.get(entry.ProxyEndpoint) ?? [];
    group.push([key, entry]);
    byRegistry.set(entry.ProxyEndpoint, group);
  }
  const kept: Record<string, AuthEntry> = {};
  for (const group of byRegistry.values()) {
    group.sort(([, a], [, b]) => parseTime(b.RequestedAt) - parseTime(a.RequestedAt));
    for (const [key, entry] of group.slice(0, ENTRIES_PER_REGISTRY)) kept[key] = entry;
  }
  return kept;
}
