// The credentials the docker CLI would pull with, found in the host's docker config as it finds them:
// `credHelpers[host]`, else `credsStore`, else a static `auths` entry; none of them = an anonymous pull.
// A helper (`docker-credential-<name> get`, the server on stdin) runs here, bounded in time and output,
// with the hook's environment for the docker CLI: never a job's variables. What is found goes to the
// daemon in the X-Registry-Auth header of the one pull, and nowhere else.
import { ExecError, execute, findExecutable } from '../exec';
import { isJsonObject } from '../protocol/json';
import { canonicalRegistry, DOCKER_HUB } from '../protocol/image-reference';
import { authSourceFor, staticAuthEntryOf, type DockerConfigFile } from './docker-config';

/** The auth config the Engine API takes (the docker CLI's AuthConfig, as far as a pull uses it). */
export interface RegistryAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

/** What `docker login` keys Docker Hub's entry by, and what its helpers are asked for. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** The name the docker CLI looks a registry up by in its config and asks helpers for. */
export function configKeyOf(registry: string): string {
  return canonicalRegistry(registry) === DOCKER_HUB ? DOCKER_HUB_AUTH_KEY : registry;
}

/** A helper's answer with this user name carries an identity token, not a password (docker's rule). */
const TOKEN_USERNAME = '<token>';
/** What helpers print when they hold nothing for the server: docker then pulls anonymously. */
const NOT_FOUND = /credentials not found/i;
/** A helper answers with a few hundred bytes; a cold ECR token fetch takes a few seconds. */
const HELPER_MAX_OUTPUT = 64 * 1024;
const HELPER_TIMEOUT_MS = 60_000;
/** Docker's helper names are plain words (`ecr-login`, `pass`): never a path to run. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A credential helper that could not give credentials: what it said, never what it answered with. */
export class CredentialHelperError extends Error {
  override name = 'CredentialHelperError';
  constructor(
    readonly helper: string,
    readonly said: string,
  ) {
    super(`docker-credential-${helper} get failed: ${said}`);
  }
}

/** A static `auths` entry (`auth` is base64 `user:password`; or `identitytoken`), or null when it holds none. */
export function staticAuthOf(entry: unknown, serveraddress: string): RegistryAuth | null {
  if (!isJsonObject(entry)) return null;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken)
    return { identitytoken: entry.identitytoken, serveraddress };
  if (typeof entry.auth === 'string' && entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0)
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username)
    return { username: entry.username, password: entry.password, serveraddress };
  return null;
}

/** A helper's `get` answer, `{"Username","Secret"}`; null when it is not one. */
export function authOfHelperAnswer(stdout: string, serveraddress: string): RegistryAuth | null {
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    return null;
  }
  if (!isJsonObject(answer) || typeof answer.Username !== 'string' || typeof answer.Secret !== 'string')
    return null;
  return answer.Username === TOKEN_USERNAME
    ? { identitytoken: answer.Secret, serveraddress }
    : { username: answer.Username, password: answer.Secret, serveraddress };
}

/**
 * The X-Registry-Auth header's value: the auth config as JSON in URL-safe base64 WITH its `=` padding, as
 * the docker CLI sends it (Go's base64.URLEncoding); the daemon ignores a value it cannot decode.
 */
export function registryAuthHeader(auth: RegistryAuth): string {
  return Buffer.from(JSON.stringify(auth)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The first lines of what a failing helper printed, short: helpers print their error on stdout. */
function saidBy(stdout: string, stderr: string): string {
  const lines = `${stdout}\n${stderr}`
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.slice(0, 3).join(' | ').slice(0, 400) || 'no reason given';
}

/** Told what a helper that holds nothing printed on stderr (ecr-login says why there: an AWS refusal). */
export type OnNoCredentials = (said: string) => void;

async function askHelper(
  helper: string,
  server: string,
  env: Record<string, string>,
  timeoutMs: number,
  onNoCredentials?: OnNoCredentials,
): Promise<RegistryAuth | null> {
  if (!HELPER_NAME.test(helper)) throw new CredentialHelperError(helper, 'not a credential helper name');
  const program = findExecutable(`docker-credential-${helper}`, env.PATH);
  if (program === null)
    throw new CredentialHelperError(helper, `docker-credential-${helper} is not on the runner's PATH`);
  let result;
  try {
    result = await execute({
      file: program,
      args: ['get'],
      env,
      input: server,
      timeoutMs: Math.min(timeoutMs, HELPER_TIMEOUT_MS),
      maxOutput: HELPER_MAX_OUTPUT,
    });
  } catch (error) {
    // A helper that hangs (a stalled endpoint) may answer next time: the caller retries a timeout.
    if (error instanceof ExecError && error.kind !== 'timeout')
      throw new CredentialHelperError(helper, error.message);
    throw error;
  }
  if (result.exitCode !== 0) {
    if (NOT_FOUND.test(result.stdout)) {
      if (result.stderr.trim()) onNoCredentials?.(saidBy('', result.stderr));
      return null;
    }
    throw new CredentialHelperError(helper, saidBy(result.stdout, result.stderr));
  }
  const auth = authOfHelperAnswer(result.stdout, server);
  if (auth === null) throw new CredentialHelperError(helper, 'its answer is not {"Username","Secret"}');
  return auth;
}

/**
 * The host's credentials for `registry`, or null for an anonymous pull. Rejects with a
 * CredentialHelperError when the helper that applies fails, and with an ExecError when it times out.
 */
export async function hostCredentialsFor(
  config: DockerConfigFile,
  registry: string,
  env: Record<string, string>,
  timeoutMs: number,
  onNoCredentials?: OnNoCredentials,
): Promise<RegistryAuth | null> {
  const server = configKeyOf(registry);
  const { helper } = authSourceFor(config, registry);
  if (helper !== null) return askHelper(helper, server, env, timeoutMs, onNoCredentials);
  return staticAuthOf(staticAuthEntryOf(config, registry), server);
}
