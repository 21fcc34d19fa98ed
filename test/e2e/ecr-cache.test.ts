// The cache across real helper processes: one API call for many concurrent cold `get`s, merged writes,
// token expiry and refresh, and `list` without the network.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { cacheKeys, parseCacheFile } from '../../src/ecr/cache/entry';
import { sha256Digest } from '../../src/ecr/cache/sha256-digest';
import { parseRegistry } from '../../src/ecr/registry';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import { HELPER, helperEnv, helperGet, run } from '../support/ecr-login';
import { loadSecrets, loadStack } from '../support/stack';
import { removeTempDirs } from '../support/temp';

afterAll(removeTempDirs);

const stack = loadStack();
const password = loadSecrets(stack).ecrPassword;
const USEAST = stack.registries.ecrUsEast1;
const EUWEST = stack.registries.ecrEuWest1;
let emulator: EcrEmulator;

beforeAll(async () => {
  emulator = await startEcrEmulator({ password });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function cacheEntries(env: NodeJS.ProcessEnv): string[] {
  const text = readFileSync(path.join(env.AWS_ECR_CACHE_DIR!, 'cache.json'), 'utf8');
  return Object.values(parseCacheFile(text)!.Registries).map((e) => e.ProxyEndpoint);
}

test('16 concurrent gets on a cold cache make exactly one API call', async () => {
  const env = helperEnv(emulator.url, []);
  emulator.setFaults({ mode: 'none', delayMs: 200 }); // keeps the first call in flight while others start
  const results = await Promise.all(Array.from({ length: 16 }, () => helperGet(env, USEAST)));
  for (const r of results) {
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ServerURL: USEAST, Username: 'AWS', Secret: password });
  }
  expect(emulator.requests).toHaveLength(1);
  expect(cacheEntries(env)).toEqual([`https://${USEAST}`]);
});

test('a lock left by a crashed helper neither blocks the gets nor lets them all call the API', async () => {
  const env = helperEnv(emulator.url, []);
  const registry = parseRegistry(EUWEST)!;
  const key = cacheKeys(registry, env.AWS_ACCESS_KEY_ID!)[0]!;
  const lockId = Buffer.from(sha256Digest(Buffer.from(key)))
    .toString('hex')
    .slice(0, 16);
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { env: {} });
  mkdirSync(env.AWS_ECR_CACHE_DIR!, { mode: 0o700 });
  const lockFile = path.join(env.AWS_ECR_CACHE_DIR!, `cache.json.${lockId}.lock`);
  writeFileSync(lockFile, JSON.stringify({ pid: Number(dead.stdout.toString()), createdAt: Date.now() }));
  emulator.setFaults({ mode: 'none', delayMs: 200 });
  const results = await Promise.all(Array.from({ length: 8 }, () => helperGet(env, EUWEST)));
  expect(results.map((r) => r.code)).toEqual(Array(8).fill(0));
  expect(emulator.requests).toHaveLength(1);
  expect(existsSync(lockFile)).toBe(false);
});

test('16 concurrent gets over four registries: one call per registry, every entry in the file', async () => {
  const env = helperEnv(emulator.url, []);
  emulator.setFaults({ mode: 'none', delayMs: 100 });
  const registries = [USEAST, EUWEST, '111122223333.dkr.ecr.ap-south-1.amazonaws.com', 'public.ecr.aws'];
  const results = await Promise.all(Array.from({ length: 16 }, (_, i) => helperGet(env, registries[i % 4]!)));
  expect(results.map((r) => r.code)).toEqual(Array(16).fill(0));
  expect(emulator.requests.map((r) => `${r.service}/${r.region}`).sort()).toEqual([
    'ecr-public/us-east-1',
    'ecr/ap-south-1',
    'ecr/eu-west-1',
    'ecr/us-east-1',
  ]);
  expect(cacheEntries(env).sort()).toEqual(registries.map((r) => `https://${r}`).sort());
});

test('a token past its half-life is refreshed; a failed refresh serves the cached token', async () => {
  const env = helperEnv(emulator.url, []);
  emulator.setFaults({ mode: 'none', tokenLifetimeSeconds: 6 });
  expect((await helperGet(env, EUWEST)).code).toBe(0);
  expect((await helperGet(env, EUWEST)).code).toBe(0);
  expect(emulator.requests).toHaveLength(1); // within half-life (3 s): cached
  await new Promise((r) => setTimeout(r, 3200));
  expect((await helperGet(env, EUWEST)).code).toBe(0);
  expect(emulator.requests).toHaveLength(2); // past half-life: refreshed

  await new Promise((r) => setTimeout(r, 3200));
  emulator.setFaults({ mode: 'server-error' });
  const stale = await helperGet(env, EUWEST);
  expect(stale.code).toBe(0);
  expect(JSON.parse(stale.stdout).Secret).toBe(password);
  expect(emulator.requests.length).toBeGreaterThan(2);
  const log = readFileSync(path.join(env.AWS_ECR_CACHE_DIR!, 'log', 'ecr-login.log'), 'utf8');
  expect(log).toMatch(/using the cached token of 210987654321\.dkr\.ecr\.eu-west-1\.amazonaws\.com/);
});

test('list answers from the cache with no AWS credentials and no reachable API', async () => {
  const env = helperEnv(emulator.url, []);
  await helperGet(env, USEAST);
  await helperGet(env, 'public.ecr.aws');
  const offline = {
    ...env,
    AWS_ENDPOINT_URL_ECR: 'http://127.0.0.1:9',
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
  };
  const before = emulator.requests.length;
  const listed = await run(HELPER, ['list'], offline);
  expect(listed).toMatchObject({ code: 0, stderr: '' });
  expect(listed.stdout).toBe(`{"https://${USEAST}":"AWS","https://public.ecr.aws":"AWS"}\n`);
  expect(emulator.requests).toHaveLength(before);
});

test('AWS_ECR_DISABLE_CACHE: every get calls the API and no file is written', async () => {
  const env = helperEnv(emulator.url, [], { AWS_ECR_DISABLE_CACHE: '1' });
  expect((await helperGet(env, USEAST)).code).toBe(0);
  expect((await helperGet(env, USEAST)).code).toBe(0);
  expect(emulator.requests).toHaveLength(2);
  expect(() => cacheEntries(env)).toThrow(/ENOENT/);
});
