// docker-credential-ecr-login semantics (get/list/store/erase) over a cache and a lazily opened AWS
// session. A cache hit needs no AWS code; a miss refreshes under a per-registry lock, so concurrent `get`s
// make one API call; a failed call falls back to any cached token. Every other failure becomes
// "credentials not found" for Docker plus one line for the user on stderr, also logged.
import {
  CredentialsNotFoundError,
  type CredentialHelper,
  type Credentials,
} from '../protocol/credential-helper';
import type { AuthorizationData, AwsSession, AwsSessionOptions } from './api';
import type { CredentialsCache } from './cache/cache';
import { cacheKeys, formatTime, isFresh, type AuthEntry } from './cache/entry';
import { profileFor, type EcrConfig } from './config';
import { EcrApiError } from './failure';
import { parseRegistry, type EcrRegistry } from './registry';
import { decodeToken } from './token';

export interface EcrHelperDeps {
  config: EcrConfig;
  cache: CredentialsCache;
  clock: () => Date;
  /** Opens the AWS side for one registry; loads the SDK only when called. */
  openSession(registry: EcrRegistry, options: AwsSessionOptions): AwsSession;
  /** Appends one line to the helper's log file. */
  log(line: string): void;
}

const NOT_ECR =
  'is not an ECR registry host: map only ECR registries (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws) ' +
  'to ecr-login in credHelpers';

function credentialsFrom(serverUrl: string, entry: AuthEntry): Credentials {
  const { username, password } = decodeToken(entry.AuthorizationToken);
  return { ServerURL: serverUrl, Username: username, Secret: password };
}

/** The entry to cache for a fresh token; a token that does not decode is refused before it is cached. */
function entryFrom(registry: EcrRegistry, data: AuthorizationData, requestedAt: Date): AuthEntry {
  decodeToken(data.token);
  return {
    AuthorizationToken: data.token,
    RequestedAt: formatTime(requestedAt),
    ExpiresAt: formatTime(data.expiresAt),
    ProxyEndpoint: data.proxyEndpoint,
    Service: registry.kind === 'private' ? 'ecr' : 'ecr-public',
  };
}

export function createEcrHelper(deps: EcrHelperDeps): CredentialHelper {
  const { config, cache, clock, log } = deps;

  /** Calls the API under the registry's lock, unless another process refreshed the entry meanwhile. */
  async function refresh(
    registry: EcrRegistry,
    keys: string[],
    session: () => AwsSession,
  ): Promise<AuthEntry> {
    return cache.exclusive(keys[0]!, async () => {
      const cached = await cache.get(keys);
      if (cached && isFresh(cached, clock())) return cached;
      const requestedAt = clock();
      let entry: AuthEntry;
      try {
        entry = entryFrom(registry, await session().getAuthorizationToken(), requestedAt);
      } catch (err) {
        if (!cached) throw err;
        log(
          `using the cached token of ${registry.host} (expires ${cached.ExpiresAt}): ${(err as Error).message}`,
        );
        return cached;
      }
      await cache.set(keys[0]!, entry).catch((err: unknown) => log((err as Error).message));
      return entry;
    });
  }

  async function lookUp(serverUrl: string, registry: EcrRegistry): Promise<Credentials> {
    const profile = profileFor(config, registry);
    let session: AwsSession | undefined;
    const sessionOf = (): AwsSession =>
      (session ??= deps.openSession(registry, {
        profile,
        endpoints: config.endpoints,
        caBundle: config.caBundle,
        proxy: config.proxy,
      }));
    const accessKeyId =
      profile === undefined && config.envAccessKeyId
        ? config.envAccessKeyId
        : await sessionOf().accessKeyId();
    const keys = cacheKeys(registry, accessKeyId);
    const cached = await cache.get(keys);
    const entry = cached && isFresh(cached, clock()) ? cached : await refresh(registry, keys, sessionOf);
    return credentialsFrom(serverUrl, entry);
  }

  return {
    async get(serverUrl) {
      const registry = parseRegistry(serverUrl);
      if (!registry) throw new CredentialsNotFoundError(`ecr-login: ${serverUrl} ${NOT_ECR}`);
      try {
        return await lookUp(serverUrl, registry);
      } catch (err) {
        const reason = err instanceof EcrApiError ? err.reason : (err as Error).message;
        log(`get ${registry.host}: ${reason}`);
        throw new CredentialsNotFoundError(`ecr-login: ${reason}`, { cause: err });
      }
    },
    async list() {
      const listed: Record<string, string> = {};
      for (const entry of await cache.list()) {
        try {
          listed[entry.ProxyEndpoint] = decodeToken(entry.AuthorizationToken).username;
        } catch {
          // an undecodable token gives no credentials: not worth listing
        }
      }
      return listed;
    },
    store() {
      return config.ignoreCredsStorage ? Promise.resolve() : Promise.reject(new Error('not implemented'));
    },
    erase() {
      return config.ignoreCredsStorage ? Promise.resolve() : Promise.reject(new Error('not implemented'));
    },
  };
}
