import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecError } from '../../../src/exec';
import { daemonMessageOf } from '../../../src/docker/engine-api';
import { ImagePullError } from '../../../src/docker/engine-images';
import { EngineUnreachableError } from '../../../src/docker/engine-http';
import {
  isAuthFailure,
  isTransientFailure,
  PullAuthError,
  pullFailureCause,
  PullTimeoutError,
} from '../../../src/docker/pull-failures';
import { PullProgress } from '../../../src/docker/pull-progress';

/** What dockerd 20.10 of the stack answered to POST /images/create (see the fixture's cases). */
const refusals = (
  JSON.parse(
    readFileSync(path.join(__dirname, '../../fixtures/docker/engine-pull/refusals.json'), 'utf8'),
  ) as Array<{ case: string; status: number; body: string }>
).map((refusal) => ({
  ...refusal,
  error: new ImagePullError(
    'r.io/x:1',
    daemonMessageOf({ status: refusal.status, headers: {}, body: Buffer.from(refusal.body) }),
    refusal.status,
  ),
}));
const refusal = (name: string) => refusals.find((r) => r.case === name)!.error;
const said = (message: string, status = 500) => new ImagePullError('r.io/x:1', message, status);

describe('pull failure classes, from what the daemon said', () => {
  it.each([
    ['anonymous pull of a registry that wants credentials', true, false, 'other'],
    ['wrong password', true, false, 'other'],
    ['image not in the registry', false, false, 'not-found'],
    ['registry not listening', false, true, 'other'],
  ])('captured: %s -> auth %s, transient %s, cause %s', (name, auth, transient, cause) => {
    expect(isAuthFailure(refusal(name))).toBe(auth);
    expect(isTransientFailure(refusal(name))).toBe(transient);
    expect(pullFailureCause(refusal(name))).toBe(cause);
  });

  it.each([
    'received unexpected HTTP status: 503 Service Unavailable',
    'toomanyrequests: Rate exceeded',
    'Get "https://r.io/v2/": net/http: TLS handshake timeout',
    // The registry closed the connection without answering (seen with dockerd 20.10 on a dropped manifest request).
    'Head "https://r.io/v2/x/manifests/1": EOF',
  ])('retries %s', (message) => {
    expect(isTransientFailure(said(message))).toBe(true);
  });

  it('reads an error inside a 200 stream as a failed pull, classified by its words', () => {
    // dockerd writes this once the pull has begun (a blob that failed after its retries).
    const progress = new PullProgress();
    progress.feed(
      Buffer.from(
        '{"status":"Pulling fs layer","progressDetail":{},"id":"413baf8a7da3"}\n' +
          '{"errorDetail":{"message":"received unexpected HTTP status: 502 Bad Gateway"},"error":"received unexpected HTTP status: 502 Bad Gateway"}\n',
      ),
    );
    expect(progress.error).toBe('received unexpected HTTP status: 502 Bad Gateway');
    expect(isTransientFailure(said(progress.error!, 200))).toBe(true);
  });

  it('classifies by what the daemon said, never by the image name around it', () => {
    expect(isAuthFailure(new ImagePullError('r.io/unauthorized-app:1', 'manifest unknown', 404))).toBe(false);
  });

  it('knows an expired ECR token, and a 401 or 403 status, as auth', () => {
    expect(isAuthFailure(said('pull access denied ... denied: Your authorization token has expired.'))).toBe(
      true,
    );
    expect(isAuthFailure(said('whatever the words', 401))).toBe(true);
    expect(isAuthFailure(said('whatever the words', 403))).toBe(true);
  });

  it('retries a timed-out attempt or helper, never a daemon that cannot be reached', () => {
    expect(isTransientFailure(new PullTimeoutError('pull of x timed out after 1 ms'))).toBe(true);
    expect(isTransientFailure(new ExecError({ command: 'helper get', kind: 'timeout', timeoutMs: 1 }))).toBe(
      true,
    );
    expect(isTransientFailure(new EngineUnreachableError('cannot reach the docker daemon'))).toBe(false);
    expect(pullFailureCause(new EngineUnreachableError('cannot reach the docker daemon'))).toBe('docker');
  });

  it('names causes in one word', () => {
    expect(pullFailureCause(new PullAuthError('refused'))).toBe('auth');
    expect(pullFailureCause(new PullTimeoutError('timed out'))).toBe('timeout');
    const exhausted = new Error('pull of x from r failed 3 times', {
      cause: said('503 Service Unavailable'),
    });
    expect(pullFailureCause(exhausted)).toBe('unavailable');
  });
});
