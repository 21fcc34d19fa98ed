// Pulls an image with the credentials that apply: the host's docker config (credential helpers, no
// `docker login`) or the workflow's credentials logged in into a throw-away config, falling back to a
// helper when that login fails. Transient failures are retried, bounded; auth failures explain themselves.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExecError } from '../exec';
import type { RegistryCredentials } from '../protocol/hook-types';
import type { JobLog } from '../protocol/job-log';
import { loginArgs, pullArgs } from './args';
import { DOCKER_CALL_TIMEOUT_MS, type DockerCli } from './docker-cli';
import { authSourceFor, readDockerConfig, type RegistryAuthSource } from './docker-config';
import { withPrivateDir } from './private-dir';
import { registryOf } from '../protocol/image-reference';
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
}

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
export async function pullOrUseLocal(request: PullRequest): Promise<void> {
  const { docker, image, settings, log } = request;
  try {
    await pullImage(request);
  } catch (error) {
    if (!settings.localFallback || error instanceof PullAuthError || isProcessFailure(error)) throw error;
    const local = await docker.run(['image', 'inspect', '--format', '{{.Id}}', '--', image]);
    if (local.exitCode !== 0) throw error;
    const reason = messageOf(error).split('\n')[0];
    log.warning(`could not pull ${image} (${reason}); using the copy already on this Docker host`);
  }
}
