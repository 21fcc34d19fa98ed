// The helper under attack or on a broken host, as real helper processes against the ECR emulator through
// the real AWS SDK: an API endpoint that never answers, a parent (docker) killed mid-call, a cache
// directory it must not trust, a broken cache file, a lock from the future, and an endpoint that
// reflects the session token into its error.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, test } from 'vitest';
import { cacheKeys } from '../../src/ecr/cache/entry';
import { sha256Digest } from '../../src/ecr/cache/sha256-digest';
import { parseRegistry } from '../../src/ecr/registry';
import { HELPER, helperEnv, run, profileEnv } from '../support/ecr-login';
import { useEcrEmulator } from '../support/ecr-emulator-fixture';
import { loadStack } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';

afterAll(removeTempDirs);

const stack = loadStack();
const HOST = stack.registries.ecrUsEast1;
const ecr = useEcrEmulator();

/** A `get` killed after 40 s if it has not ended by itself (then `code` is null). */
const get = (env: NodeJS.ProcessEnv, host = HOST) => run(HELPER, ['get'], env, host, 40_000);

const logOf = (env: NodeJS.ProcessEnv): string => {
  const file = path.join(env.AWS_ECR_CACHE_DIR!, 'log', 'ecr-login.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
};

const lockFiles = (env: NodeJS.ProcessEnv): string[] =>
  readdirSync(env.AWS_ECR_CACHE_DIR!).filter((name) => name.endsWith('.lock'));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('an API that never answers', () => {
  test.each([
    ['accepts the request and never answers', 'hang'],
    ['sends headers and part of the body, then nothing', 'stall-body'],
  ] as const)('an endpoint that %s: the helper gives up by itself and says so', async (_what, mode) => {
    const env = helperEnv(ecr.emulator.url, []);
    ecr.emulator.setFaults({ mode });
    const result = await get(env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('credentials not found in native keychain\n');
    expect(result.stderr).toMatch(/^ecr-login: .*(did not answer|timed out|within)[^\n]*\n$/i);
    expect(lockFiles(env)).toEqual([]);
  });

  test('a credential source that never ends is cut by the overall deadline', async () => {
    const env = profileEnv(ecr.emulator.url, 'slow', '[profile slow]\ncredential_process = /bin/sleep 45\n');
    const result = await get(env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ecr-login: .*within \d+ s[^\n]*\n$/);
    expect(ecr.emulator.requests).toEqual([]);
  });
});

test('killing the process that started the helper (docker) makes it exit and release its lock', async () => {
  const env = helperEnv(ecr.emulator.url, []);
  ecr.emulator.setFaults({ mode: 'hang' });
  const out = makeTempDir('ecr-parent-');
  // A stand-in for the docker CLI: starts the helper as docker does (stdin a pipe, closed after the URL).
  const parent = spawn(
    'sh',
    ['-c', `printf %s "$1" | "$2" get >"$3/out" 2>"$3/err" & echo $!; wait`, 'sh', HOST, HELPER, out],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const helperPid = await new Promise<number>((resolve) =>
    parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
  for (let i = 0; i < 200 && ecr.emulator.requests.length === 0; i++)
    await new Promise((r) => setTimeout(r, 50));
  expect(ecr.emulator.requests).toHaveLength(1); // the helper is inside its API call, holding the lock
  expect(lockFiles(env)).toHaveLength(1);
  parent.kill('SIGKILL');
  for (let i = 0; i < 200 && isRunning(helperPid); i++) await new Promise((r) => setTimeout(r, 50));
  expect(isRunning(helperPid)).toBe(false);
  expect(logOf(env)).toMatch(/the process that started ecr-login \(docker\) is gone/);
  expect(lockFiles(env)).toEqual([]);
});

describe('the cache directory', () => {
  test('writable by group or others but ours: tightened to 0700 and used', async () => {
    const env = helperEnv(ecr.emulator.url, []);
    mkdirSync(env.AWS_ECR_CACHE_DIR!);
    chmodSync(env.AWS_ECR_CACHE_DIR!, 0o777);
    expect((await get(env)).code).toBe(0);
    expect(statSync(env.AWS_ECR_CACHE_DIR!).mode & 0o777).toBe(0o700);
    expect(existsSync(path.join(env.AWS_ECR_CACHE_DIR!, 'cache.json'))).toBe(true);
  });

  test("another user's: neither cache nor log is written there, credentials still come", async () => {
    const env = helperEnv(ecr.emulator.url, []);
    mkdirSync(env.AWS_ECR_CACHE_DIR!, { mode: 0o755 });
    chownSync(env.AWS_ECR_CACHE_DIR!, 65534, 65534);
    const first = await get(env);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).Secret).toBe(ecr.password);
    expect((await get(env)).code).toBe(0);
    expect(ecr.emulator.requests).toHaveLength(2); // no cache
    expect(readdirSync(env.AWS_ECR_CACHE_DIR!)).toEqual([]);
  });

  test('a log file that is a symlink is not followed', async () => {
    const env = helperEnv(ecr.emulator.url, []);
    const victim = path.join(env.HOME!, 'victim');
    writeFileSync(victim, 'untouched\n');
    mkdirSync(path.join(env.AWS_ECR_CACHE_DIR!, 'log'), { recursive: true, mode: 0o700 });
    symlinkSync(victim, path.join(env.AWS_ECR_CACHE_DIR!, 'log', 'ecr-login.log'));
    ecr.emulator.setFaults({ mode: 'deny' });
    expect((await get(env)).code).toBe(1);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
  });

  test.each([
    ['a directory', (file: string) => mkdirSync(file)],
    ['a FIFO', (file: string) => execFileSync('mkfifo', ['-m', '600', file])],
    ['a symlink', (file: string) => symlinkSync('/etc/hostname', file)],
  ])('a cache.json that is %s costs no credentials, and is said in the log', async (_what, make) => {
    const env = helperEnv(ecr.emulator.url, []);
    mkdirSync(env.AWS_ECR_CACHE_DIR!, { mode: 0o700 });
    make(path.join(env.AWS_ECR_CACHE_DIR!, 'cache.json'));
    const result = await run(HELPER, ['get'], env, HOST, 20_000);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(JSON.parse(result.stdout).Secret).toBe(ecr.password);
    expect(logOf(env)).toMatch(/cache\.json/);
  });

  test('a lock dated in the future is stale, though its holder runs', async () => {
    const env = helperEnv(ecr.emulator.url, []);
    const key = cacheKeys(parseRegistry(HOST)!, env.AWS_ACCESS_KEY_ID!)[0]!;
    const lockId = Buffer.from(sha256Digest(Buffer.from(key)))
      .toString('hex')
      .slice(0, 16);
    mkdirSync(env.AWS_ECR_CACHE_DIR!, { mode: 0o700 });
    const lockFile = path.join(env.AWS_ECR_CACHE_DIR!, `cache.json.${lockId}.lock`);
    writeFileSync(lockFile, JSON.stringify({ pid: process.pid, createdAt: Date.now() + 3600e3 }));
    expect((await get(env)).code).toBe(0);
    // Broken and taken (then released), not waited out and left in place.
    expect(existsSync(lockFile)).toBe(false);
  });
});

test('a session token reflected by a hostile endpoint reaches neither the job log nor the log file', async () => {
  const sessionToken = 'IQoJb3JpZ2luX2VjEDockhandSessionToken0123456789';
  const env = helperEnv(ecr.emulator.url, [], { AWS_SESSION_TOKEN: sessionToken });
  ecr.emulator.setFaults({ mode: 'reflect-token' });
  const result = await get(env);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^ecr-login: UnrecognizedClientException: .*<redacted>/);
  expect(result.stderr + result.stdout).not.toContain(sessionToken);
  expect(logOf(env)).toContain('UnrecognizedClientException');
  expect(logOf(env)).not.toContain(sessionToken);
});
