// Which docker config applies to the hook and what it says about a registry's credentials.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DOCKER_HUB } from '../protocol/image-reference';
import { errnoCodeOf, messageOf } from '../protocol/errors';

export interface RegistryAuthSource {
  /** `docker-credential-<helper>` that serves this registry, from credHelpers or credsStore. */
  helper: string | null;
  /** Whether the config holds static `auths` for the registry. */
  hasStaticAuth: boolean;
}

export interface DockerConfigFile {
  credHelpers?: Record<string, string>;
  credsStore?: string;
  auths?: Record<string, unknown>;
  currentContext?: string;
  /** Proxy variables the docker CLI gives the containers it creates (`default`, or per daemon host). */
  proxies?: Record<
    string,
    Partial<Record<'httpProxy' | 'httpsProxy' | 'noProxy' | 'ftpProxy' | 'allProxy', unknown>>
  >;
}

/** Config keys may carry a scheme or a path (`https://index.docker.io/v1/` is Docker Hub): compare hosts. */
function registryOfConfigKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? key;
  return host === 'index.docker.io' ? DOCKER_HUB : host;
}

/** The docker config folder the hook uses, and what chose it: HOOK_DOCKER_CONFIG, DOCKER_CONFIG, ~/.docker. */
export function dockerConfigDirOf(
  env: Readonly<Record<string, string | undefined>>,
  homedir: string,
): { dir: string; source: string } {
  // Empty values count as unset.
  if (env.HOOK_DOCKER_CONFIG) return { dir: env.HOOK_DOCKER_CONFIG, source: 'HOOK_DOCKER_CONFIG' };
  if (env.DOCKER_CONFIG) return { dir: env.DOCKER_CONFIG, source: 'DOCKER_CONFIG' };
  return { dir: path.join(env.HOME || homedir, '.docker'), source: "the runner user's home" };
}

export function authSourceFor(config: DockerConfigFile, registry: string): RegistryAuthSource {
  const wanted = registryOfConfigKey(registry);
  const helperEntry = Object.entries(config.credHelpers ?? {}).find(
    ([key]) => registryOfConfigKey(key) === wanted,
  );
  const hasStaticAuth = Object.keys(config.auths ?? {}).some((key) => registryOfConfigKey(key) === wanted);
  return { helper: helperEntry?.[1] ?? config.credsStore ?? null, hasStaticAuth };
}

/** The `auths` entry for a registry: under its own key first, else under any key naming the same host. */
export function staticAuthEntryOf(config: DockerConfigFile, registry: string): unknown {
  const auths = config.auths ?? {};
  if (Object.hasOwn(auths, registry)) return auths[registry];
  const wanted = registryOfConfigKey(registry);
  return Object.entries(auths).find(([key]) => registryOfConfigKey(key) === wanted)?.[1];
}

/** Reads `<dir>/config.json`; a missing file is an empty config, a broken one an error naming the file. */
export function readDockerConfig(dir: string): DockerConfigFile {
  const file = path.join(dir, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (errnoCodeOf(error) === 'ENOENT') return {};
    throw new Error(`cannot read docker config ${file}: ${messageOf(error)}`, { cause: error });
  }
  try {
    // Safe enough: the runner user's own config, read only for credential routing; a wrong shape there
    // misroutes only that user's pulls, which docker itself would then refuse.
    return JSON.parse(text) as DockerConfigFile;
  } catch (error) {
    throw new Error(`docker config ${file} is not valid JSON; fix or remove it`, { cause: error });
  }
}

/** The config's `docker context use` choice; unreadable config = none, as the CLI then falls back too. */
export function currentContextOf(dir: string): string | undefined {
  try {
    return readDockerConfig(dir).currentContext || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A named context's docker endpoint (`docker context create --docker host=...`), from the file the CLI
 * keeps it in: `<dir>/contexts/meta/<sha256 of the name>/meta.json`. Null when it cannot be read.
 */
export function contextUrlOf(dir: string, name: string): string | null {
  const id = createHash('sha256').update(name).digest('hex');
  try {
    const meta = JSON.parse(readFileSync(path.join(dir, 'contexts', 'meta', id, 'meta.json'), 'utf8')) as {
      Endpoints?: { docker?: { Host?: unknown } };
    };
    const host = meta.Endpoints?.docker?.Host;
    return typeof host === 'string' && host !== '' ? host : null;
  } catch {
    return null;
  }
}
