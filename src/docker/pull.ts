// Gets an image onto the Docker host: from the host itself when the pull policy or a digest allows, from a
// registry mirror, or from its own registry with the credentials that apply: the host's docker config
// (credential helpers, no `docker login`) or the workflow's credentials logged in into a throw-away config,
// falling back to a helper when that login fails. Transient failures are retried, bounded; auth failures
// explain themselves.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExecError } from '../exec';
import type { RegistryCredentials } from '../protocol/hook-types';
import type { JobLog } from '../protocol/job-log';
import { loginArgs, pullArgs } from './args';
import { DOCKER_CALL_TIMEOUT_MS, type DockerCli } from './docker-cli';
import { authSourceFor, readDockerConfig, type RegistryAuthSource } from './docker-config';
import { withPrivateDir } from './private-dir';
import { fullRepositoryOf } from './reference';
import {
  canonicalRegistry,
  isDigestPinned,
  mirroredReference,
  namedRegistryOf,
  registryOf,
} from '../protocol/image-reference';
import { withRetry, type RetryPolicy } from './retry';
import { messageOf } from '../protocol/errors';

export interface PullSettings {
  dockerConfigDir: string;
  /** Where throw-away login configs go (never under _work, which jobs can read). */
  privateBase: string;
  attempts: number;
  baseDelayMs: number;
  /** One pull's time limit: a stalled registry or a hung credential helper ends with it. */
  timeoutMs: number;
  /** When false, the host's config is never used to rescue a failed login (reference behaviour). */
  helperFallback: boolean;
  /** When the registry cannot be reached (not an auth refusal), use an image already on the host. */
  localFallback: boolean;
  /** Source registry -> mirror host and path prefix; empty when mirrors are off. */
  mirrors: ReadonlyMap<string, string>;
  policy: PullPolicy;
}

/** always: pull every time (the runner's way); missing: only what the host lacks; never: only the host's. */
export type PullPolicy = 'always' | 'missing' | 'never';

// Registry refusals (ECR says "denied: Your authorization token has expired") and credential helpers that
// fail or are missing ("error getting credentials"), but not a denied docker socket.
const AUTH_FAILURE =
  /unauthorized|authentication required|no basic auth credentials|\bdenied:|access to the resource is denied|incorrect username or password|error getting credentials|\b401\b/i;
// A registry dropping the connection without answering shows as a bare `...": EOF` from dockerd.
const TRANSIENT =
  /\b5\d\d\b|too ?many ?requests|throttl|timeout|timed out|temporarily unavailable|connection reset|connection refused|i\/o timeout|tls handshake|\bEOF\b|server misbehaving|internal server error|bad gateway|service unavailable/i;

export function isAuthFailure(error: unknown): boolean {
  return error instanceof ExecError && AUTH_FAILURE.test(error.stderr);
}

/**
 * Worth another attempt: a call that timed out, or docker saying the registry failed for now. Never a
 * docker that could not be started (a broken install, not an outage) nor one killed by a signal.
 */
export function isTransientFailure(error: unknown): boolean {
  return (
    error instanceof ExecError &&
    !isAuthFailure(error) &&
    (error.kind === 'timeout' || (error.kind === 'exit' && TRANSIENT.test(error.stderr)))
  );
}

/** The docker CLI itself failed (could not start, was killed): nothing the registry or a local copy changes. */
function isProcessFailure(error: unknown): boolean {
  return error instanceof ExecError && (error.kind === 'spawn' || error.kind === 'signal');
}

/** The registry refused the credentials that applied: never papered over by a local copy. */
export class PullAuthError extends Error {
  override name = 'PullAuthError';
}

function policy(settings: PullSettings, log: JobLog, what: string): RetryPolicy {
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

function describeSource(settings: PullSettings, source: RegistryAuthSource, registry: string): string {
  const via = source.helper
    ? `credential helper docker-credential-${source.helper}`
    : source.hasStaticAuth
      ? 'static auths entry'
      : `no credential helper for ${registry}`;
  return `docker config ${settings.dockerConfigDir} (${via})`;
}

async function pullWith(
  docker: DockerCli,
  image: string,
  env: Record<string, string>,
  settings: PullSettings,
  log: JobLog,
) {
  try {
    await withRetry(
      () => docker.ok(pullArgs(image), { env, timeoutMs: settings.timeoutMs }),
      policy(settings, log, `pull of ${image}`),
    );
  } catch (error) {
    if (!isTransientFailure(error)) throw error;
    // Retries ran out: docker's own words ("503 Service Unavailable", "EOF") do not say which registry.
    throw new Error(
      `pull of ${image} from ${registryOf(image)} failed ${settings.attempts} times; the registry is unavailable or dropping connections, re-run the job later: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

function authError(image: string, registry: string, how: string, fix: string, cause: unknown): PullAuthError {
  // What docker printed: the credential helper's own error (e.g. AccessDeniedException), then the registry's.
  const said =
    cause instanceof ExecError ? cause.stderr.trim().split('\n').filter(Boolean).slice(-4).join(' | ') : '';
  return new PullAuthError(
    `pull of ${image} from ${registry} was refused (authentication) using ${how}${said ? ` (docker said: ${said})` : ''}; ${fix}`,
    { cause },
  );
}

/** Pulls through the host's docker config: its credential helper for the registry, if any. */
async function pullThroughConfig(
  docker: DockerCli,
  image: string,
  settings: PullSettings,
  log: JobLog,
): Promise<void> {
  const registry = registryOf(image);
  const source = authSourceFor(readDockerConfig(settings.dockerConfigDir), registry);
  try {
    await pullWith(docker, image, docker.env, settings, log);
  } catch (error) {
    if (!isAuthFailure(error)) throw error;
    const fix = source.helper
      ? `check that docker-credential-${source.helper} is on the runner's PATH and can authenticate (for ECR: AWS_* credentials or role of the runner host)`
      : `map it in ${path.join(settings.dockerConfigDir, 'config.json')} ("credHelpers": {"${registry}": "<helper>"}) or give credentials in the workflow`;
    throw authError(image, registry, describeSource(settings, source, registry), fix, error);
  }
}

// What `docker login` keys Docker Hub's entry by when no server is given.
const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/**
 * Seeds a throw-away config for a login. Given an empty config, docker picks the host's default credential
 * store (docker-credential-secretservice, -pass ... when one is on PATH) and `docker login` would leave the
 * workflow's password there for good, for later jobs to pull with. Docker looks for a default store only
 * when the config has no credsStore, no credHelpers and no auths entry: with one (empty) auths entry, the
 * login writes to this config's own file, which goes with its folder.
 */
async function seedLoginConfig(configDir: string, serverUrl: string): Promise<void> {
  const config = { auths: { [serverUrl || DOCKER_HUB_AUTH_KEY]: {} } };
  await writeFile(path.join(configDir, 'config.json'), JSON.stringify(config), { mode: 0o600 });
}

/** Logs in into a throw-away config (password on stdin), pulls, and removes the config. */
async function pullWithLogin(
  docker: DockerCli,
  image: string,
  credentials: Required<{ [K in keyof RegistryCredentials]: string }>,
  settings: PullSettings,
  log: JobLog,
): Promise<void> {
  await withPrivateDir(settings.privateBase, async (configDir) => {
    await seedLoginConfig(configDir, credentials.serverUrl);
    const env = { ...docker.env, DOCKER_CONFIG: configDir };
    await withRetry(
      () =>
        docker.ok(loginArgs(credentials.username, credentials.serverUrl), {
          env,
          input: credentials.password,
          timeoutMs: DOCKER_CALL_TIMEOUT_MS,
        }),
      policy(settings, log, `docker login to ${credentials.serverUrl || 'Docker Hub'}`),
    );
    await pullWith(docker, image, env, settings, log);
  });
}

export interface PullRequest {
  docker: DockerCli;
  image: string;
  /** The workflow's `credentials:`, if it gave any. */
  credentials: RegistryCredentials | null;
  settings: PullSettings;
  log: JobLog;
}

async function pullImage({ docker, image, credentials, settings, log }: PullRequest): Promise<void> {
  if (!credentials?.username || !credentials.password) return pullThroughConfig(docker, image, settings, log);
  log.mask(credentials.password);
  const registry = registryOf(image);
  const given = {
    username: credentials.username,
    password: credentials.password,
    serverUrl: credentials.serverUrl ?? '',
  };
  try {
    await pullWithLogin(docker, image, given, settings, log);
  } catch (error) {
    if (!isAuthFailure(error)) throw error;
    const source = authSourceFor(readDockerConfig(settings.dockerConfigDir), registry);
    if (!settings.helperFallback || !source.helper) {
      throw authError(
        image,
        registry,
        `the workflow's credentials for ${given.username}`,
        'update the credentials given in the workflow',
        error,
      );
    }
    log.warning(
      `login to ${registry} with the workflow's credentials failed; pulling ${image} through ${describeSource(settings, source, registry)} instead`,
    );
    await pullThroughConfig(docker, image, settings, log);
  }
}

/**
 * Pulls as the runner does, but when the registry cannot be reached or does not know the image (not an
 * auth refusal) and the image is already on this Docker host, uses that copy and says so: images built
 * on the runner host, or a registry outage, need not fail the job.
 */
async function pullOrUseLocal(request: PullRequest): Promise<'origin' | 'host'> {
  const { docker, image, settings, log } = request;
  try {
    await pullImage(request);
    return 'origin';
  } catch (error) {
    if (!settings.localFallback || error instanceof PullAuthError || isProcessFailure(error)) throw error;
    if (!(await isOnHost(docker, image))) throw error;
    log.warning(`could not pull ${image} (${firstLine(error)}); using the copy already on this Docker host`);
    return 'host';
  }
}

function firstLine(error: unknown): string {
  return (messageOf(error).split('\n')[0] ?? '').trim();
}

/** Asks only the Docker host: no registry request, no credential helper. */
async function isOnHost(docker: DockerCli, image: string): Promise<boolean> {
  return (await hostCopyOf(docker, image)) !== null;
}

/** The repositories the host's copy of `image` was pulled from (its RepoDigests), or null when it has none. */
async function hostCopyOf(docker: DockerCli, image: string): Promise<string[] | null> {
  const result = await docker.run(['image', 'inspect', '--format', '{{json .RepoDigests}}', '--', image]);
  if (result.exitCode !== 0) return null;
  try {
    const digests: unknown = JSON.parse(result.stdout);
    return Array.isArray(digests)
      ? digests
          .filter((d): d is string => typeof d === 'string')
          .map((d) => fullRepositoryOf(d.split('@')[0] ?? ''))
      : [];
  } catch {
    return [];
  }
}

/** HOOK_PULL_POLICY=never and the image is not on the host. */
export class ImageMissingError extends Error {
  override name = 'ImageMissingError';
}

/** Where an image came from: its own registry, a mirror of it, or the Docker host it was already on. */
export type ImageSource = 'origin' | 'mirror' | 'host';

export interface ImageObtained {
  source: ImageSource;
  /** The registry the pull went to (the mirror's host for a mirror), or null when nothing was pulled. */
  pulledFrom: string | null;
  /** Why the host's copy was used: the policy, a digest, or a registry that could not serve it. */
  why?: string;
}

/**
 * Pulls through the mirror of the image's registry with the host's docker config only: credentials the
 * workflow gave for the source registry never go to another host. Returns false when the mirror cannot
 * serve the image (unreachable, unknown image, failing after retries): the caller goes to the source. An
 * auth refusal is an error: falling back would hide a broken mirror setup until the source's limits hit.
 */
async function pullFromMirror(request: PullRequest, target: string): Promise<boolean> {
  const { docker, image, settings, log } = request;
  const mirrored = mirroredReference(image, target);
  const source = canonicalRegistry(registryOf(image));
  try {
    await pullThroughConfig(docker, mirrored, settings, log);
  } catch (error) {
    if (error instanceof PullAuthError)
      throw new PullAuthError(
        `registry mirror ${target} for ${source} (HOOK_REGISTRY_MIRRORS) refused the pull, and dockhand does not fall back to ${source} on a refusal: ${error.message}`,
        { cause: error },
      );
    if (isProcessFailure(error)) throw error;
    log.warning(
      `registry mirror ${target} could not serve ${image} (${firstLine(error)}); pulling from ${source} instead`,
    );
    return false;
  }
  // The name the workflow wrote, for the job's containers, `docker inspect` and anything in the job.
  await docker.ok(['image', 'tag', mirrored, image]);
  return true;
}

/** Gets `image` onto the Docker host as the pull policy, mirrors and credentials say. */
export async function obtainImage(request: PullRequest): Promise<ImageObtained> {
  const { docker, image, settings, log } = request;
  const pinned = isDigestPinned(image);
  // Docker finds an image named with a digest only by a pull of that repository: no tag can give a copy
  // from the mirror that name, so such images come from their source.
  const target = pinned ? undefined : settings.mirrors.get(canonicalRegistry(registryOf(image)));
  if (pinned || settings.policy !== 'always') {
    const hostCopy = await hostCopyOf(docker, image);
    // Anyone with the docker socket (every job container has it) can tag any image `postgres:16`. A copy
    // counts as found only when it was pulled from the reference's own repository (or its mirror): a
    // digest names its content; `never` takes the host as the operator loaded it.
    const repositories = [image, ...(target === undefined ? [] : [mirroredReference(image, target)])].map(
      fullRepositoryOf,
    );
    const trusted =
      pinned ||
      settings.policy === 'never' ||
      hostCopy?.some((repository) => repositories.includes(repository));
    if (hostCopy !== null && trusted)
      return {
        source: 'host',
        pulledFrom: null,
        why: pinned ? 'pinned by digest' : `HOOK_PULL_POLICY=${settings.policy}`,
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

/** Why a pull failed, in a word an operator can count (never the message, which may quote a registry). */
export function pullFailureCause(error: unknown): string {
  if (error instanceof PullAuthError) return 'auth';
  if (error instanceof ImageMissingError) return 'missing';
  if (error instanceof ExecError) {
    if (error.kind === 'timeout') return 'timeout';
    if (error.kind !== 'exit') return 'docker';
    if (/not found|manifest unknown|does not exist|repository name not known/i.test(error.stderr))
      return 'not-found';
  }
  const cause = error instanceof Error ? error.cause : undefined;
  if (isTransientFailure(cause) || /failed \d+ times/.test(messageOf(error))) return 'unavailable';
  return 'other';
}
