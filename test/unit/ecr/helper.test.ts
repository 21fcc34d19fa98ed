// The helper's rules over a real file cache and a scripted AWS session (the one-method seam).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readFixture } from '../../support/fixtures';
import { CredentialsNotFoundError } from '../../../src/protocol/credential-helper';
import type { AuthorizationData, AwsSession } from '../../../src/ecr/api';
import { FileCache } from '../../../src/ecr/cache/file';
import { readConfig } from '../../../src/ecr/config';
import { EcrApiError, SecretValues } from '../../../src/ecr/failure';
import { createEcrHelper } from '../../../src/ecr/helper';
import { makeTempDir, removeTempDirs } from '../../support/temp';

afterAll(removeTempDirs);

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

function setup(
  env: NodeJS.ProcessEnv = { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 's' },
  start = '2026-11-25T00:00:00Z',
) {
  let now = new Date(start);
  const calls: string[] = [];
  const logged: string[] = [];
  let answer: () => Promise<AuthorizationData> = () =>
    Promise.resolve({
      token: b64(`AWS:pw${calls.length}`),
      expiresAt: new Date(now.getTime() + 12 * 3600e3),
      proxyEndpoint: `https://${HOST}`,
    });
  const session: AwsSession = {
    accessKeyId: () => (calls.push('identity'), Promise.resolve('AKIASDK')),
    getAuthorizationToken: () => (calls.push('token'), answer()),
  };
  const dir = makeTempDir('ecr-helper-');
  const clock = (): Date => now;
  const config = readConfig({ ...env, AWS_ECR_CACHE_DIR: dir }, '/nonexistent');
  const helper = createEcrHelper({
    config,
    clock,
    cache: new FileCache({
      dir,
      clock,
      lock: { waitMs: 1000, staleMs: 5000, pollMs: 2 },
      log: (line) => logged.push(line),
    }),
    openSession: () => session,
    log: (line) => logged.push(line),
    signal: new AbortController().signal,
    secrets: new SecretValues(),
  });
  return {
    helper,
    dir,
    calls,
    logged,
    answer: (data: AuthorizationData) => (answer = () => Promise.resolve(data)),
    advance: (hours: number) => (now = new Date(now.getTime() + hours * 3600e3)),
    fail: (err: Error) => (answer = () => Promise.reject(err)),
  };
}

async function reasonOf(promise: Promise<unknown>): Promise<string | undefined> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CredentialsNotFoundError);
  return (err as CredentialsNotFoundError).reason;
}

describe('get', () => {
  test('calls the API once, then answers from the cache until half-life', async () => {
    const t = setup();
    expect(await t.helper.get(HOST)).toEqual({ ServerURL: HOST, Username: 'AWS', Secret: 'pw1' });
    t.advance(5.9);
    expect((await t.helper.get(`https://${HOST}/v2/`)).Secret).toBe('pw1');
    expect(t.calls).toEqual(['token']); // env keys name the entry: no SDK identity call
    t.advance(0.2);
    expect((await t.helper.get(HOST)).Secret).toBe('pw2');
  });

  test('reads a cache file the Go helper wrote, under the legacy key (fixture)', async () => {
    const t = setup({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 's' }, '2026-11-25T18:20:00Z');
    writeFileSync(path.join(t.dir, 'cache.json'), readFixture('ecr/go-legacy-cache.txt'));
    expect((await t.helper.get(HOST)).Secret).toBe('pa:ss<&>\u2028');
    expect(t.calls).toEqual([]);
  });

  test('without env keys the SDK identity names the entry', async () => {
    const t = setup({});
    await t.helper.get(HOST);
    await t.helper.get(HOST);
    expect(t.calls).toEqual(['identity', 'token', 'identity']);
  });

  test('a failed refresh falls back to the cached token, even an expired one', async () => {
    const t = setup();
    await t.helper.get(HOST);
    t.advance(13);
    t.fail(new EcrApiError('ThrottlingException: Rate exceeded'));
    expect((await t.helper.get(HOST)).Secret).toBe('pw1');
    expect(t.logged.join('\n')).toMatch(/using the cached token .*Rate exceeded/);
  });

  test('a failure without a cached token: not found, with the one-line reason, logged', async () => {
    const t = setup();
    t.fail(new EcrApiError('AccessDeniedException: no'));
    expect(await reasonOf(t.helper.get(HOST))).toBe('ecr-login: AccessDeniedException: no');
    expect(t.logged).toEqual([`get ${HOST}: AccessDeniedException: no`]);
  });

  test.each([
    ['another account', 'https://999999999999.dkr.ecr.us-east-1.amazonaws.com'],
    ['another region', 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com'],
    ['no ECR host', 'https://evil.example'],
  ])('a token whose proxyEndpoint is %s is refused and not cached', async (_what, proxyEndpoint) => {
    const t = setup();
    t.answer({ token: b64('AWS:other'), expiresAt: new Date('2026-11-26T00:00:00Z'), proxyEndpoint });
    expect(await reasonOf(t.helper.get(HOST))).toBe(
      `ecr-login: Invalid ProxyEndpoint returned by ECR: ${proxyEndpoint} (asked for 123456789012 ` +
        '(us-east-1)): the API endpoint is not answering for this registry; check AWS_ENDPOINT_URL_ECR',
    );
    expect(await t.helper.list()).toEqual({});
  });

  test('the standard host of the same registry is its proxyEndpoint, for FIPS and dual-stack hosts too', async () => {
    for (const host of [
      '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com',
      '123456789012.dkr-ecr.us-east-1.on.aws',
    ]) {
      expect((await setup().helper.get(host)).Secret).toBe('pw1');
    }
  });

  test('no credentials with AWS_PROFILE naming a missing profile: the reason says so', async () => {
    const t = setup({ AWS_PROFILE: 'gone', AWS_CONFIG_FILE: '/nonexistent/config' });
    t.fail(new EcrApiError('no AWS credentials found', { noCredentials: true }));
    expect(await reasonOf(t.helper.get(HOST))).toMatch(
      /^ecr-login: AWS profile 'gone' \(AWS_PROFILE\) is in neither \/nonexistent\/config nor /,
    );
  });

  test('a host that is not ECR: not found, saying so, no AWS call', async () => {
    const t = setup();
    expect(await reasonOf(t.helper.get('registry.dockhand.test'))).toMatch(
      /registry.dockhand.test is not an ECR registry host/,
    );
    expect(t.calls).toEqual([]);
  });
});

describe('list, store, erase', () => {
  test('list answers from the cache only', async () => {
    const t = setup();
    expect(await t.helper.list()).toEqual({});
    await t.helper.get(HOST);
    t.calls.length = 0;
    expect(await t.helper.list()).toEqual({ [`https://${HOST}`]: 'AWS' });
    expect(t.calls).toEqual([]);
  });

  test('store/erase: not implemented unless AWS_ECR_IGNORE_CREDS_STORAGE=true', async () => {
    const creds = { ServerURL: HOST, Username: 'AWS', Secret: 'x' };
    const why = /^not implemented: ecr-login stores no credentials .* set AWS_ECR_IGNORE_CREDS_STORAGE=true$/;
    await expect(setup().helper.store(creds)).rejects.toThrow(why);
    await expect(setup().helper.erase(HOST)).rejects.toThrow(why);
    const ignoring = setup({ AWS_ECR_IGNORE_CREDS_STORAGE: 'true' }).helper;
    await expect(ignoring.store(creds)).resolves.toBeUndefined();
    await expect(ignoring.erase(HOST)).resolves.toBeUndefined();
  });
});
