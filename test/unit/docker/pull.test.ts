import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecError } from '../../../src/exec';
import { isAuthFailure, isTransientFailure } from '../../../src/docker/pull';

const captured = (name: string) => readFileSync(path.join(__dirname, '../../fixtures/docker', name), 'utf8');
const failure = (stderr: string, exitCode = 1) =>
  new ExecError({ command: 'docker pull', kind: 'exit', exitCode, stderr });

describe('pull failure classes', () => {
  it.each([
    ['pull-no-credentials.stderr', true, false],
    ['login-wrong-password.stderr', true, false],
    ['pull-connection-refused.stderr', false, true],
  ])('captured %s: auth %s, transient %s', (file, auth, transient) => {
    const error = failure(captured(file));
    expect(isAuthFailure(error)).toBe(auth);
    expect(isTransientFailure(error)).toBe(transient);
  });

  it.each([
    'Error response from daemon: received unexpected HTTP status: 503 Service Unavailable',
    'Error response from daemon: toomanyrequests: Rate exceeded',
    'Error response from daemon: Get "https://r.io/v2/": net/http: TLS handshake timeout',
    // The registry closed the connection without answering (seen with dockerd 20.10 on a dropped manifest request).
    'Error response from daemon: Head "https://r.io/v2/x/manifests/1": EOF',
  ])('retries %s', (stderr) => {
    expect(isTransientFailure(failure(stderr))).toBe(true);
  });

  it('knows an expired ECR token from a denied docker socket', () => {
    expect(
      isAuthFailure(
        failure(
          'Error response from daemon: pull access denied ... denied: Your authorization token has expired.',
        ),
      ),
    ).toBe(true);
    expect(
      isAuthFailure(
        failure(
          'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock',
        ),
      ),
    ).toBe(false);
  });

  it('counts a missing or failing credential helper as an auth problem (no retry, no local copy)', () => {
    const stderr =
      'Error response from daemon: Get "https://r.io/v2/": error getting credentials - err: exec: "docker-credential-ecr-login": executable file not found in $PATH, out: ``';
    expect(isAuthFailure(failure(stderr))).toBe(true);
    expect(isTransientFailure(failure(stderr))).toBe(false);
  });

  it('retries a timed-out call but not a missing image', () => {
    expect(isTransientFailure(new ExecError({ command: 'docker pull', kind: 'timeout', timeoutMs: 1 }))).toBe(
      true,
    );
    expect(
      isTransientFailure(
        failure('Error response from daemon: manifest for r.io/x:1 not found: manifest unknown'),
      ),
    ).toBe(false);
  });

  it('never retries a docker that could not be started, or one killed by a signal', () => {
    const cannotStart = new ExecError({
      command: 'docker pull',
      kind: 'spawn',
      cause: Object.assign(new Error('spawn docker EACCES'), { code: 'EACCES' }),
    });
    expect(isTransientFailure(cannotStart)).toBe(false);
    expect(
      isTransientFailure(new ExecError({ command: 'docker pull', kind: 'signal', signal: 'SIGKILL' })),
    ).toBe(false);
  });
});
