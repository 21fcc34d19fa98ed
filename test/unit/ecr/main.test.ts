// The wiring, run as the entrypoint runs it, with an AWS loader that fails if it is ever called.
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { cacheKeys, formatTime, serializeCacheFile } from '../../../src/ecr/cache/entry';
import { runEcrLogin, type EcrLoginInvocation } from '../../../src/ecr/main';
import { parseRegistry } from '../../../src/ecr/registry';
import { makeTempDir, removeTempDirs } from '../../support/temp';

afterAll(removeTempDirs);

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
let awsLoads = 0;

function invocation(args: string[], env: NodeJS.ProcessEnv = {}, stdin = ''): EcrLoginInvocation {
  return {
    args,
    stdin: () => Promise.resolve(stdin),
    env,
    homeDir: makeTempDir('ecr-main-'),
    uid: process.getuid!(),
    parentPid: () => process.ppid,
    loadAws: () => {
      awsLoads++;
      throw new Error('the AWS module was loaded');
    },
  };
}

test.each([
  [[], 'Usage: docker-credential-ecr-login <store|get|erase|list|version>\n', 1],
  [['get', 'extra'], 'Usage: docker-credential-ecr-login <store|get|erase|list|version>\n', 1],
  [['-h'], 'Usage: docker-credential-ecr-login <store|get|erase|list|version>\n', 0],
  [['--help'], 'Usage: docker-credential-ecr-login <store|get|erase|list|version>\n', 0],
  [['-v'], 'docker-credential-ecr-login (dockhand)\nVersion:    0.1.0\n', 0],
  [['version'], 'docker-credential-ecr-login (dockhand) 0.1.0\n', 0],
  [['list'], '{}\n', 0],
])('%j prints %j', async (args, stdout, exitCode) => {
  expect(await runEcrLogin(invocation(args))).toEqual({ stdout, stderr: '', exitCode });
});

test('a bad setting fails every action with one line saying how to fix it', async () => {
  const out = await runEcrLogin(invocation(['list'], { DOCKHAND_ECR_PROFILES: 'x' }));
  expect(out.exitCode).toBe(1);
  expect(out.stdout).toMatch(/^DOCKHAND_ECR_PROFILES: 'x' is not .*\n$/);
});

test('a cache hit answers without loading the AWS module', async () => {
  const cacheDir = makeTempDir('ecr-main-cache-');
  const now = Date.now();
  const entry = {
    AuthorizationToken: Buffer.from('AWS:cached').toString('base64'),
    RequestedAt: formatTime(new Date(now - 60_000)),
    ExpiresAt: formatTime(new Date(now + 12 * 3600e3)),
    ProxyEndpoint: `https://${HOST}`,
    Service: 'ecr' as const,
  };
  const key = cacheKeys(parseRegistry(HOST)!, 'AKIAMAIN')[0]!;
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(
    path.join(cacheDir, 'cache.json'),
    serializeCacheFile({ Registries: { [key]: entry }, Version: '1.0' }),
  );
  const env = { AWS_ECR_CACHE_DIR: cacheDir, AWS_ACCESS_KEY_ID: 'AKIAMAIN', AWS_SECRET_ACCESS_KEY: 's' };
  awsLoads = 0;
  const out = await runEcrLogin(invocation(['get'], env, `${HOST}\n`));
  expect(out).toEqual({
    stdout: `{"ServerURL":"${HOST}","Username":"AWS","Secret":"cached"}\n`,
    stderr: '',
    exitCode: 0,
  });
  expect(awsLoads).toBe(0);

  // A miss does load it (and here says why it failed, on stderr).
  const miss = await runEcrLogin(invocation(['get'], { ...env, AWS_ACCESS_KEY_ID: 'AKIAOTHER' }, HOST));
  expect(miss).toEqual({
    stdout: 'credentials not found in native keychain\n',
    stderr: 'ecr-login: the AWS module was loaded\n',
    exitCode: 1,
  });
  expect(awsLoads).toBe(1);
});

test('a failure that quotes a secret value of the environment prints it redacted', async () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYsecretKEY';
  const env = {
    AWS_ECR_CACHE_DIR: makeTempDir('ecr-main-cache-'),
    AWS_ACCESS_KEY_ID: 'AKIAMAIN',
    AWS_SECRET_ACCESS_KEY: secret,
  };
  const out = await runEcrLogin({
    ...invocation(['get'], env, HOST),
    loadAws: () => {
      throw new Error(`signature mismatch for secret ${secret}`);
    },
  });
  expect(out).toEqual({
    stdout: 'credentials not found in native keychain\n',
    stderr: 'ecr-login: signature mismatch for secret <redacted>\n',
    exitCode: 1,
  });
});
