// Credentials found as the docker CLI finds them, from fixture configs and a real helper process.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ExecError } from '../../../src/exec';
import type { DockerConfigFile } from '../../../src/docker/docker-config';
import {
  configKeyOf,
  CredentialHelperError,
  hostCredentialsFor,
  registryAuthHeader,
} from '../../../src/docker/registry-credentials';
import { makeTempDir, removeTempDirs } from '../../support/temp';

const fixtures = path.join(__dirname, '../../fixtures/docker/credentials');
const config = (name: string) =>
  JSON.parse(readFileSync(path.join(fixtures, `${name}.json`), 'utf8')) as DockerConfigFile;
const logDir = makeTempDir('dockhand-helper-log-');
const helperLog = path.join(logDir, 'calls');
const env = { PATH: `${fixtures}:/usr/bin:/bin`, HELPER_LOG: helperLog };
const lookup = (name: string, registry: string, timeoutMs = 10_000) =>
  hostCredentialsFor(config(name), registry, env, timeoutMs);
const calls = () => {
  try {
    return readFileSync(helperLog, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

afterEach(() => {
  delete process.env.DOCKHAND_TEST_LEAK;
});
afterAll(removeTempDirs);

describe('host credentials, as the docker CLI finds them', () => {
  it('runs credHelpers[host] with the server on stdin and only the environment it is given', async () => {
    process.env.DOCKHAND_TEST_LEAK = 'job-value';
    expect(await lookup('helpers', 'ghcr.io')).toEqual({
      username: 'user-of-ghcr.io',
      password: 'secret-of-ghcr.io',
      serveraddress: 'ghcr.io',
    });
    // The helper wins over the static entry, and never sees this process's variables.
    expect(calls().at(-1)).toBe('get ghcr.io leak=unset');
  });

  it("asks for Docker Hub by docker's key for it", async () => {
    expect(configKeyOf('docker.io')).toBe('https://index.docker.io/v1/');
    expect(await lookup('helpers', 'docker.io')).toMatchObject({
      username: 'user-of-https://index.docker.io/v1/',
      serveraddress: 'https://index.docker.io/v1/',
    });
  });

  it('reads a helper\'s "<token>" user as an identity token', async () => {
    expect(await lookup('helpers', 'token.example')).toEqual({
      identitytoken: 'identity-token-1',
      serveraddress: 'token.example',
    });
  });

  it('pulls anonymously when the helper has nothing for the server, or no source covers it', async () => {
    expect(await lookup('helpers', 'missing.example')).toBeNull();
    expect(await lookup('static', 'nothing.example')).toBeNull();
    expect(await lookup('static', 'empty.example')).toBeNull();
    expect(await hostCredentialsFor({}, 'docker.io', env, 1000)).toBeNull();
  });

  it('passes on why a helper had nothing (ecr-login says it on stderr), and nothing when it says nothing', async () => {
    const said: string[] = [];
    const tell = (line: string) => void said.push(line);
    expect(await hostCredentialsFor(config('helpers'), 'denied.example', env, 10_000, tell)).toBeNull();
    expect(await hostCredentialsFor(config('helpers'), 'missing.example', env, 10_000, tell)).toBeNull();
    expect(said).toEqual(['ecr-login: AccessDeniedException: not allowed']);
  });

  it('uses credsStore for registries without a helper of their own', async () => {
    expect(await lookup('store', 'any.example')).toMatchObject({ username: 'user-of-any.example' });
    await expect(lookup('store', 'own.example')).rejects.toThrow(
      "docker-credential-not-installed is not on the runner's PATH",
    );
  });

  it('reads static auths entries: auth, identitytoken, username/password', async () => {
    expect(await lookup('static', 'docker.io')).toEqual({
      username: 'hub-user',
      password: 'hub:pass',
      serveraddress: 'https://index.docker.io/v1/',
    });
    expect(await lookup('static', 'quay.io')).toEqual({
      identitytoken: 'quay-identity',
      serveraddress: 'quay.io',
    });
    expect(await lookup('static', 'legacy.example')).toMatchObject({ username: 'old', password: 'style' });
  });

  it('names a failing helper with its own words, and refuses a helper name that is a path', async () => {
    const failed = await lookup('helpers', 'broken.example').catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(CredentialHelperError);
    expect((failed as Error).message).toBe(
      'docker-credential-fixture get failed: the vault refused: role expired | more detail',
    );
    await expect(lookup('helpers', 'garbled.example')).rejects.toThrow('is not {"Username","Secret"}');
    await expect(lookup('helpers', 'evil.example')).rejects.toThrow('not a credential helper name');
  });

  it('bounds the helper: in time (a timeout, retried by the pull) and in output', async () => {
    const hung = await lookup('helpers', 'hang.example', 300).catch((error: unknown) => error);
    expect(hung).toBeInstanceOf(ExecError);
    expect((hung as ExecError).kind).toBe('timeout');
    await expect(lookup('helpers', 'flood.example')).rejects.toThrow(
      'printed more than 65536 characters and was ended',
    );
  });

  it('encodes the X-Registry-Auth header as URL-safe base64 JSON, padded as Go decodes it', () => {
    const auth = { username: 'u', password: '??>>!', serveraddress: 'r.io' };
    const header = registryAuthHeader(auth);
    expect(header).not.toMatch(/[+/]/);
    expect(header).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(header.length % 4).toBe(0);
    expect(JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))).toEqual(auth);
  });
});
