// Everything the ECR helper takes from its environment, read once by the entrypoint.
import path from 'node:path';
import type { AwsSharedFiles } from './profile';
import type { ProxySettings } from './proxy';
import type { EcrRegistry } from './registry';

export interface EcrConfig {
  /** `$AWS_ECR_CACHE_DIR` or `~/.ecr`: cache.json, its locks, and log/ecr-login.log. */
  cacheDir: string;
  /** `AWS_ECR_DISABLE_CACHE` set: no cache file at all. */
  cacheDisabled: boolean;
  /** `AWS_ECR_IGNORE_CREDS_STORAGE=true`: `store`/`erase` succeed and do nothing (for `docker login`). */
  ignoreCredsStorage: boolean;
  /**
   * The access key id the SDK's default chain will use when it is knowable without the SDK (static keys in
   * the environment and no AWS_PROFILE): it names the cache entry, so a cache hit loads no AWS code.
   */
  envAccessKeyId?: string;
  /** `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`: values no output may show. */
  envSecrets: string[];
  /** `AWS_PROFILE`, which the SDK's chain reads itself; here to say so when it names no profile. */
  awsProfile?: string;
  awsFiles: AwsSharedFiles;
  /** API endpoint overrides (`AWS_ENDPOINT_URL_ECR[_PUBLIC]`, else `AWS_ENDPOINT_URL`). */
  endpoints: { ecr?: string; ecrPublic?: string };
  /** `AWS_CA_BUNDLE`: PEM file of the CAs the API endpoint is checked against. */
  caBundle?: string;
  /** `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (or lower case) for the API calls. */
  proxy: ProxySettings;
  /** `DOCKHAND_ECR_PROFILES`: account id or host -> AWS profile used for that registry. */
  profiles: Record<string, string>;
}

const PROFILE_KEY = /^(\d{12}|[a-z0-9.-]+)$/i;

/** Parses `DOCKHAND_ECR_PROFILES`: `123456789012=prod,public.ecr.aws=public` (spaces allowed). */
export function parseProfileMap(value: string): Record<string, string> {
  const profiles: Record<string, string> = {};
  for (const pair of value.split(',').map((p) => p.trim())) {
    if (pair === '') continue;
    const [key, profile, extra] = pair.split('=').map((p) => p.trim());
    if (!key || !profile || extra !== undefined || !PROFILE_KEY.test(key)) {
      throw new Error(
        `DOCKHAND_ECR_PROFILES: '${pair}' is not '<account id or registry host>=<AWS profile>'; ` +
          `write e.g. DOCKHAND_ECR_PROFILES='123456789012=prod,public.ecr.aws=public'`,
      );
    }
    profiles[key.toLowerCase()] = profile;
  }
  return profiles;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function expandHome(dir: string, homeDir: string): string {
  return dir === '~' || dir.startsWith('~/') ? path.join(homeDir, dir.slice(1)) : dir;
}

export function readConfig(env: NodeJS.ProcessEnv, homeDir: string): EcrConfig {
  const staticKeys = nonEmpty(env.AWS_ACCESS_KEY_ID) && nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  return {
    cacheDir: expandHome(nonEmpty(env.AWS_ECR_CACHE_DIR) ?? '~/.ecr', homeDir),
    cacheDisabled: nonEmpty(env.AWS_ECR_DISABLE_CACHE) !== undefined,
    ignoreCredsStorage: env.AWS_ECR_IGNORE_CREDS_STORAGE === 'true',
    envAccessKeyId: staticKeys && !nonEmpty(env.AWS_PROFILE) ? env.AWS_ACCESS_KEY_ID : undefined,
    envSecrets: [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN].filter((v): v is string => !!v),
    awsProfile: nonEmpty(env.AWS_PROFILE),
    awsFiles: {
      config: expandHome(nonEmpty(env.AWS_CONFIG_FILE) ?? '~/.aws/config', homeDir),
      credentials: expandHome(nonEmpty(env.AWS_SHARED_CREDENTIALS_FILE) ?? '~/.aws/credentials', homeDir),
    },
    endpoints: {
      ecr: nonEmpty(env.AWS_ENDPOINT_URL_ECR) ?? nonEmpty(env.AWS_ENDPOINT_URL),
      ecrPublic: nonEmpty(env.AWS_ENDPOINT_URL_ECR_PUBLIC) ?? nonEmpty(env.AWS_ENDPOINT_URL),
    },
    caBundle: nonEmpty(env.AWS_CA_BUNDLE),
    proxy: {
      https: nonEmpty(env.HTTPS_PROXY) ?? nonEmpty(env.https_proxy),
      http: nonEmpty(env.HTTP_PROXY) ?? nonEmpty(env.http_proxy),
      noProxy: nonEmpty(env.NO_PROXY) ?? env.no_proxy ?? '',
    },
    profiles: parseProfileMap(env.DOCKHAND_ECR_PROFILES ?? ''),
  };
}

/** The AWS profile mapped to a registry (its account first, then its host), if any. */
export function profileFor(config: EcrConfig, registry: EcrRegistry): string | undefined {
  if (registry.kind === 'private' && config.profiles[registry.account])
    return config.profiles[registry.account];
  return config.profiles[registry.host];
}
