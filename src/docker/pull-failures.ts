// How a pull failed, from what the daemon said (its HTTP status and words) or what happened on the way:
// an auth refusal (never retried, never papered over), a registry failing for now (retried), an image
// the registry does not have, or a daemon that cannot be reached. And that failure in one word for the
// events file.
import { ExecError } from '../exec';
import { messageOf } from '../protocol/errors';
import { ImagePullError } from './engine-images';
import { EngineUnreachableError } from './engine-http';
import { CredentialHelperError } from './registry-credentials';

// Registry refusals (ECR says "denied: Your authorization token has expired"), but not a denied socket.
const AUTH_FAILURE =
  /unauthorized|authentication required|no basic auth credentials|\bdenied:|access to the resource is denied|incorrect username or password|\b401\b/i;
// A registry dropping the connection without answering shows as a bare `...": EOF` from dockerd.
const TRANSIENT =
  /\b5\d\d\b|too ?many ?requests|throttl|timeout|timed out|temporarily unavailable|connection reset|connection refused|i\/o timeout|tls handshake|\bEOF\b|server misbehaving|internal server error|bad gateway|service unavailable/i;
const NOT_FOUND = /not found|manifest unknown|does not exist|repository name not known/i;

/** The registry refused the credentials that applied: never papered over by a local copy. */
export class PullAuthError extends Error {
  override name = 'PullAuthError';
}

/** HOOK_PULL_POLICY=never and the image is not on the host. */
export class ImageMissingError extends Error {
  override name = 'ImageMissingError';
}

/** One pull attempt ran past HOOK_PULL_TIMEOUT_SECONDS: the request was ended, which ends the daemon's pull. */
export class PullTimeoutError extends Error {
  override name = 'PullTimeoutError';
}

export function isAuthFailure(error: unknown): boolean {
  return (
    error instanceof ImagePullError &&
    (error.status === 401 || error.status === 403 || AUTH_FAILURE.test(error.said))
  );
}

/**
 * Worth another attempt: the daemon saying the registry failed for now, an attempt past its time limit
 * or a credential helper that did not answer in time, an answer that broke off. Never an auth refusal
 * nor a daemon that cannot be reached (a broken host, not an outage).
 */
export function isTransientFailure(error: unknown): boolean {
  if (error instanceof ImagePullError) return !isAuthFailure(error) && TRANSIENT.test(error.said);
  if (error instanceof ExecError) return error.kind === 'timeout';
  return error instanceof PullTimeoutError || isBrokenAnswer(error);
}

/** The daemon's answer ended midway (a restart, a dropped connection): not the registry's word. */
function isBrokenAnswer(error: unknown): boolean {
  return (
    error instanceof Error && !(error instanceof EngineUnreachableError) && /broke off/.test(error.message)
  );
}

/** Nothing the registry or a local copy changes: the daemon itself cannot be reached. */
export function isDaemonFailure(error: unknown): boolean {
  return error instanceof EngineUnreachableError;
}

/** Whether a failure is the credentials' (the registry's refusal, or the helper that should give them). */
export function isCredentialFailure(error: unknown): boolean {
  return isAuthFailure(error) || error instanceof CredentialHelperError;
}

/** What was said, for an auth error: the helper's words, or the daemon's (the registry's). */
export function whoSaidWhat(error: unknown): string {
  if (error instanceof CredentialHelperError) return `docker-credential-${error.helper} said: ${error.said}`;
  if (error instanceof ImagePullError) return `docker said: ${error.said}`;
  return messageOf(error);
}

/** Why a pull failed, in a word an operator can count (never the message, which may quote a registry). */
export function pullFailureCause(error: unknown): string {
  if (error instanceof PullAuthError) return 'auth';
  if (error instanceof ImageMissingError) return 'missing';
  if (error instanceof PullTimeoutError || (error instanceof ExecError && error.kind === 'timeout'))
    return 'timeout';
  if (isDaemonFailure(error)) return 'docker';
  if (error instanceof ImagePullError && (error.status === 404 || NOT_FOUND.test(error.said)))
    return 'not-found';
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof PullTimeoutError) return 'timeout';
  if (isTransientFailure(cause) || /failed \d+ times/.test(messageOf(error))) return 'unavailable';
  return 'other';
}
