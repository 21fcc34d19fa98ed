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
import { EcrApiError, isEcrApiError, type SecretValues } from './failure';
import { missingProfileReason } from './profile';
import { describeRegistry, parseRegistry, type EcrRegistry } from './registry';
import { decodeToken } from './token';
import { messageOf } from '../protocol/errors';

export interface EcrHelperDeps {
  config: EcrConfig;
  cache: CredentialsCache;
  clock: () => Date;
  /** Opens the AWS side for one registry; loads the SDK only when called. */
  openSession(registry: EcrRegistry, options: AwsSessionOptions): AwsSession;
  /** Appends one line to the helper's log file. */
  log(line: string): void;
  /** Aborted when the helper must stop at once (its parent is gone). */
  signal: AbortSignal;
  /** Every secret value met (tokens, passwords) is added, so no output shows it. */
  secrets: SecretValues;
}

const NOT_ECR =
  'is not an ECR registry host: map only ECR registries (<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws) ' +
  'to ecr-login in credHelpers';

const STORAGE_REFUSED =
  'not implemented: ecr-login stores no credentials (it gets a fresh ECR token for each pull, no docker login ' +
  'needed); to let docker login/logout to this registry succeed anyway, set AWS_ECR_IGNORE_CREDS_STORAGE=true';

/**
 * The registry a token is for must be the one asked for (account and region: the API names its standard
 * host even for FIPS and dual-stack hosts), or an endpoint could hand out any registry's credentials.
 */
function errorLine(err: unknown): string {
  return isEcrApiError(err) ? err.reason : messageOf(err);
}

function checkProxyEndpoint(registry: EcrRegistry, proxyEndpoint: string): void {
  if (registry.kind !== 'private') return;
  const named = parseRegistry(proxyEndpoint);
  if (named?.kind === 'private' && named.account === registry.account && named.region === registry.region)
    return;
  throw new EcrApiError(
    `Invalid ProxyEndpoint returned by ECR: ${proxyEndpoint} (asked for ${describeRegistry(registry)}): ` +
      'the API endpoint is not answering for this registry; check AWS_ENDPOINT_URL_ECR',
  );
}

export function createEcrHelper(deps: EcrHelperDeps): CredentialHelper {
  const { config, cache, clock, log, secrets } = deps;

  function credentialsFrom(serverUrl: string, entry: AuthEntry): Credentials {
    const { username, password } = decodeToken(entry.AuthorizationToken);
    secrets.add(entry.AuthorizationToken, password);
    return { ServerURL: serverUrl, Username: username, Secret: password };
  }

  /** The entry to cache for a fresh token; a token that does not decode is refused before it is cached. */
  function entryFrom(registry: EcrRegistry, data: AuthorizationData, requestedAt: Date): AuthEntry {
    secrets.add(data.token, decodeToken(data.token).password);
    checkProxyEndpoint(registry, data.proxyEndpoint);
    return {
      AuthorizationToken: data.token,
      RequestedAt: formatTime(requestedAt),
      ExpiresAt: formatTime(data.expiresAt),
      ProxyEndpoint: data.proxyEndpoint,
      Service: registry.kind === 'private' ? 'ecr' : 'ecr-public',
    };
  }

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
        log(`using the cached token of ${registry.host} (expires ${cached.ExpiresAt}): ${messageOf(err)}`);
        return cached;
      }
      await cache.set(keys[0]!, entry).catch((err: unknown) => log(messageOf(err)));
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
        signal: deps.signal,
        secrets,
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

  /** When no credentials were found and a profile was named that does not exist: say that instead. */
  function missingProfile(registry: EcrRegistry): string | undefined {
    const mapped = profileFor(config, registry);
    if (mapped !== undefined) return missingProfileReason(config.awsFiles, mapped, 'DOCKHAND_ECR_PROFILES');
    if (config.awsProfile !== undefined)
      return missingProfileReason(config.awsFiles, config.awsProfile, 'AWS_PROFILE');
    return undefined;
  }

  function refuseStorage(): Promise<void> {
    if (config.ignoreCredsStorage) return Promise.resolve();
    log(STORAGE_REFUSED);
    return Promise.reject(new Error(STORAGE_REFUSED));
  }

  return {
    async get(serverUrl) {
      const registry = parseRegistry(serverUrl);
      if (!registry) throw new CredentialsNotFoundError(`ecr-login: ${serverUrl} ${NOT_ECR}`);
      try {
        return await lookUp(serverUrl, registry);
      } catch (err) {
        const reason =
          (isEcrApiError(err) && err.noCredentials && missingProfile(registry)) || errorLine(err);
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
    store: refuseStorage,
    erase: refuseStorage,
  };
}
