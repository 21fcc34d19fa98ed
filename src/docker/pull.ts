// Gets an image onto the Docker host: from the host itself when the pull policy or a digest allows, from a
// registry mirror, or from its own registry. Every pull goes through the Engine API with the credentials
// that apply in its X-Registry-Auth header: the host's docker config (as the docker CLI finds them) or the
// workflow's own, with no login process and no file; refused workflow credentials fall back to a helper
// when allowed. Transient failures are retried, bounded; auth failures explain themselves.
import path from 'node:path';
import type { RegistryCredentials } from '../protocol/hook-types';
import type { JobLog } from '../protocol/job-log';
import { messageOf } from '../protocol/errors';
import {
  canonicalRegistry,
  DOCKER_HUB,
  isDigestPinned,
  mirroredReference,
  namedRegistryOf,
  registryOf,
} from '../protocol/image-reference';
import { authSourceFor, readDockerConfig } from './docker-config';
import { ImagePullError, type HostImage, type ImageOperations } from './engine-images';
import {
  ImageMissingError,
  isCredentialFailure,
  isDaemonFailure,
  isTransientFailure,
  PullAuthError,
  PullTimeoutError,
  whoSaidWhat,
} from './pull-failures';
import type { PullProgress } from './pull-progress';
import { fullRepositoryOf } from './reference';
import { configKeyOf, hostCredentialsFor, registryAuthHeader } from './registry-credentials';
import { withRetry, type RetryPolicy } from './retry';

export interface PullSettings {
  dockerConfigDir: string;
  attempts: number;
  baseDelayMs: number;
  /** One attempt's time limit: a stalled registry or a hung credential helper ends with it. */
  timeoutMs: number;
  /** When false, the host's config is never used to rescue refused workflow credentials (reference behaviour). */
  helperFallback: boolean;
  /** When the registry cannot be reached (not an auth refusal), use an image already on the host. */
  localFallback: boolean;
  /** Source registry -> mirror host and path prefix; empty when mirrors are off. */
  mirrors: ReadonlyMap<string, string>;
  policy: PullPolicy;
}

/** always: pull every time (the runner's way); missing: only what the host lacks; never: only the host's. */
export type PullPolicy = 'always' | 'missing' | 'never';

export interface PullRequest {
  engine: ImageOperations;
  /** What credential helpers run with: the hook's environment for the docker CLI, never a job's variables. */
  helperEnv: Record<string, string>;
  image: string;
  /** The workflow's `credentials:`, if it gave any. */
  credentials: RegistryCredentials | null;
  settings: PullSettings;
  log: JobLog;
  /** What the pull's stream says (bytes per layer), read by the progress line and the events. */
  progress: PullProgress;
  /** The id of the image this job already used under this reference (its signed state says), if it did. */
  idInJob?: string;
}

function retryPolicy(settings: PullSettings, log: JobLog, what: string): RetryPolicy {
  return {
    attempts: settings.attempts,
    baseDelayMs: settings.baseDelayMs,
    maxDelayMs: settings.baseDelayMs * 8,
    isRetryable: isTransientFailure,
    onRetry: (error, attempt, delay) =>
      log.warning(
        `${what} failed (attempt ${attempt} of ${settings.attempts}), retrying in ${delay} ms: ${messageOf(error)}`,
      ),
  };
}

/** One attempt: the pull's request, ended at the time limit; an error in the stream fails it too. */
async function pullOnce(request: PullRequest, image: string, registryAuth: string | null): Promise<void> {
  const { engine, settings, progress } = request;
  progress.restart();
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), settings.timeoutMs);
  try {
    await engine.pullImage(image, registryAuth, (chunk) => progress.feed(chunk), stop.signal);
  } catch (error) {
    // Ended at the limit before the daemon answered: the limit is the reason, not the missing answer.
    if (!stop.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  if (stop.signal.aborted)
    throw new PullTimeoutError(`pull of ${image} timed out after ${settings.timeoutMs} ms`);
  if (progress.error !== null) throw new ImagePullError(image, progress.error, 200);
}

/** Pulls with the auth `authFor` gives (asked again at each attempt: a token may expire), retried. */
async function pullWith(
  request: PullRequest,
  image: string,
  authFor: () => Promise<string | null>,
): Promise<void> {
  const { settings, log } = request;
  try {
    await withRetry(
      async () => pullOnce(request, image, await authFor()),
      retryPolicy(settings, log, `pull of ${image}`),
    );
  } catch (error) {
    if (!isTransientFailure(error)) throw error;
    // Retries ran out: the daemon's words ("503 Service Unavailable", "EOF") do not say which registry.
    throw new Error(
      `pull of ${image} from ${registryOf(image)} failed ${settings.attempts} times; the registry is unavailable or dropping connections, re-run the job later: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

function describeSource(settings: PullSettings, registry: string): string {
  const source = authSourceFor(readDockerConfig(settings.dockerConfigDir), registry);
  const via = source.helper
    ? `credential helper docker-credential-${source.helper}`
    : source.hasStaticAuth
      ? 'static auths entry'
      : `no credential helper for ${registry}`;
  return `docker config ${settings.dockerConfigDir} (${via})`;
}

function authError(
  image: string,
  registry: string,
  how: string,
  fix: string,
  cause: unknown,
  helperSaid = '',
): PullAuthError {
  const why = helperSaid ? `; the credential helper had none: ${helperSaid}` : '';
  return new PullAuthError(
    `pull of ${image} from ${registry} was refused (authentication) using ${how} (${whoSaidWhat(cause)}${why}); ${fix}`,
    { cause },
  );
}

/** Pulls with the host docker config's credentials for the image's registry, or anonymously when none. */
async function pullThroughConfig(request: PullRequest, image: string): Promise<void> {
  const { settings, helperEnv } = request;
  const registry = registryOf(image);
  // A helper that holds nothing says why on stderr (ecr-login: the AWS refusal): kept for the error.
  let helperSaid = '';
  try {
    await pullWith(request, image, async () => {
      const config = readDockerConfig(settings.dockerConfigDir);
      const auth = await hostCredentialsFor(config, registry, helperEnv, settings.timeoutMs, (said) => {
        helperSaid = said;
      });
      return auth === null ? null : registryAuthHeader(auth);
    });
  } catch (error) {
    if (!isCredentialFailure(error)) throw error;
    const { helper } = authSourceFor(readDockerConfig(settings.dockerConfigDir), registry);
    const fix = helper
      ? `check that docker-credential-${helper} is on the runner's PATH and can authenticate (for ECR: AWS_* credentials or role of the runner host)`
      : `map it in ${path.join(settings.dockerConfigDir, 'config.json')} ("credHelpers": {"${registry}": "<helper>"}) or give credentials in the workflow`;
    throw authError(image, registry, describeSource(settings, registry), fix, error, helperSaid);
  }
}

/** Whether the workflow's `serverUrl` (a host, "" for Docker Hub as for `docker login`) names the image's registry. */
function namesRegistry(serverUrl: string, registry: string): boolean {
  const host = serverUrl.replace(/^[a-z]+:\/\//i, '').split('/')[0] || DOCKER_HUB;
  return canonicalRegistry(host) === canonicalRegistry(registry);
}

async function pullImage(request: PullRequest): Promise<void> {
  const { image, credentials, settings, log } = request;
  if (!credentials?.username || !credentials.password) return pullThroughConfig(request, image);
  log.mask(credentials.password);
  const registry = registryOf(image);
  const serverUrl = credentials.serverUrl ?? '';
  // One registry's credentials never go to another host: the daemon would send them to the image's.
  if (!namesRegistry(serverUrl, registry)) {
    log.warning(
      `the workflow's credentials are for ${serverUrl || DOCKER_HUB}, not ${registry}: pulling ${image} without them`,
    );
    return pullThroughConfig(request, image);
  }
  const header = registryAuthHeader({
    username: credentials.username,
    password: credentials.password,
    serveraddress: serverUrl || configKeyOf(registry),
  });
  try {
    await pullWith(request, image, async () => header);
  } catch (error) {
    if (!isCredentialFailure(error)) throw error;
    const { helper } = authSourceFor(readDockerConfig(settings.dockerConfigDir), registry);
    if (!settings.helperFallback || !helper) {
      throw authError(
        image,
        registry,
        `the workflow's credentials for ${credentials.username}`,
        'update the credentials given in the workflow',
        error,
      );
    }
    log.warning(
      `${registry} refused the workflow's credentials; pulling ${image} through ${describeSource(settings, registry)} instead`,
    );
    await pullThroughConfig(request, image);
  }
}

/**
 * Pulls as the runner does, but when the registry cannot be reached or does not know the image (not an
 * auth refusal) and the image is already on this Docker host, uses that copy and says so: images built
 * on the runner host, or a registry outage, need not fail the job.
 */
async function pullOrUseLocal(request: PullRequest): Promise<'origin' | 'host'> {
  const { engine, image, settings, log } = request;
  try {
    await pullImage(request);
    return 'origin';
  } catch (error) {
    if (!settings.localFallback || error instanceof PullAuthError || isDaemonFailure(error)) throw error;
    if ((await engine.hostImageOf(image)) === null) throw error;
    log.warning(`could not pull ${image} (${firstLine(error)}); using the copy already on this Docker host`);
    return 'host';
  }
}

function firstLine(error: unknown): string {
  return (messageOf(error).split('\n')[0] ?? '').trim();
}

/** The repositories a host copy of an image was pulled from (its RepoDigests). */
function pulledFromRepositories(copy: HostImage): string[] {
  return copy.repoDigests.map((digest) => fullRepositoryOf(digest.split('@')[0] ?? ''));
}

/** Where an image came from: its own registry, a mirror of it, or the Docker host it was already on. */
export type ImageSource = 'origin' | 'mirror' | 'host';

export interface ImageObtained {
  source: ImageSource;
  /** The registry the pull went to (the mirror's host for a mirror), or null when nothing was pulled. */
  pulledFrom: string | null;
  /** Why the host's copy was used: the policy, a digest, the job's earlier use, or a registry that could not serve it. */
  why?: string;
  /** The id of the image now on the host under the reference; null if it is gone again already. */
  imageId: string | null;
}

/** What obtainImage got; the image's id when the host's copy was inspected already, else it looks it up. */
type Obtained = Omit<ImageObtained, 'imageId'> & { imageId?: string };

/**
 * Pulls through the mirror of the image's registry with the host's docker config only: credentials the
 * workflow gave for the source registry never go to another host. Returns false when the mirror cannot
 * serve the image (unreachable, unknown image, failing after retries): the caller goes to the source. An
 * auth refusal is an error: falling back would hide a broken mirror setup until the source's limits hit.
 */
async function pullFromMirror(request: PullRequest, target: string): Promise<boolean> {
  const { engine, image, log } = request;
  const mirrored = mirroredReference(image, target);
  const source = canonicalRegistry(registryOf(image));
  try {
    await pullThroughConfig(request, mirrored);
  } catch (error) {
    if (error instanceof PullAuthError)
      throw new PullAuthError(
        `registry mirror ${target} for ${source} (HOOK_REGISTRY_MIRRORS) refused the pull, and dockhand does not fall back to ${source} on a refusal: ${error.message}`,
        { cause: error },
      );
    if (isDaemonFailure(error)) throw error;
    log.warning(
      `registry mirror ${target} could not serve ${image} (${firstLine(error)}); pulling from ${source} instead`,
    );
    return false;
  }
  // The name the workflow wrote, for the job's containers, `docker inspect` and anything in the job.
  await engine.tagImage(mirrored, image);
  return true;
}

/**
 * Gets `image` onto the Docker host as the pull policy, mirrors and credentials say. An image this job
 * already used is taken from the host while the host's copy is still the one the job used: the runner
 * itself pulls a Docker action's image once per job, not at every step that uses it.
 */
export async function obtainImage(request: PullRequest): Promise<ImageObtained> {
  const { engine, image, idInJob, log } = request;
  if (idInJob !== undefined) {
    // A job can remove or re-tag the name through the docker socket: then the policy decides again.
    const copy = await engine.hostImageOf(image);
    if (copy?.id === idInJob)
      return { source: 'host', pulledFrom: null, why: 'used earlier in this job', imageId: idInJob };
    log.info(`${image}: the copy this job used earlier is no longer on this Docker host under that name`);
  }
  const obtained = await obtainAsConfigured(request);
  return { ...obtained, imageId: obtained.imageId ?? (await engine.hostImageOf(image))?.id ?? null };
}

async function obtainAsConfigured(request: PullRequest): Promise<Obtained> {
  const { engine, image, settings, log } = request;
  const pinned = isDigestPinned(image);
  // Docker finds an image named with a digest only by a pull of that repository: no tag can give a copy
  // from the mirror that name, so such images come from their source.
  const target = pinned ? undefined : settings.mirrors.get(canonicalRegistry(registryOf(image)));
  if (pinned || settings.policy !== 'always') {
    const hostCopy = await engine.hostImageOf(image);
    // Anyone with the docker socket (every job container has it) can tag any image `postgres:16`. A copy
    // counts as found only when it was pulled from the reference's own repository (or its mirror): a
    // digest names its content; `never` takes the host as the operator loaded it.
    const repositories = [image, ...(target === undefined ? [] : [mirroredReference(image, target)])].map(
      fullRepositoryOf,
    );
    const trusted =
      pinned ||
      settings.policy === 'never' ||
      (hostCopy !== null &&
        pulledFromRepositories(hostCopy).some((repository) => repositories.includes(repository)));
    if (hostCopy !== null && trusted)
      return {
        source: 'host',
        pulledFrom: null,
        why: pinned ? 'pinned by digest' : `HOOK_PULL_POLICY=${settings.policy}`,
        imageId: hostCopy.id,
      };
    if (hostCopy !== null)
      log.info(
        `${image}: the copy on this Docker host was not pulled from ${repositories.join(' or ')}; pulling it`,
      );
    else if (settings.policy === 'never')
      throw new ImageMissingError(
        `${image} is not on this Docker host and HOOK_PULL_POLICY=never; put it there first (docker pull or load) or set HOOK_PULL_POLICY=missing`,
      );
  }
  if (target !== undefined && (await pullFromMirror(request, target)))
    return { source: 'mirror', pulledFrom: namedRegistryOf(`${target}/x`) };
  const source = await pullOrUseLocal(request);
  return source === 'host'
    ? { source, pulledFrom: null, why: `${registryOf(image)} could not serve it` }
    : { source, pulledFrom: registryOf(image) };
}
