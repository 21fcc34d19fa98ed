// Times docker-credential-ecr-login (the built dist/ launcher, as Docker runs it) against a bare
// `node -e 0` measured in the same run: cache hit, cold get (in-process ECR emulator, real SDK), and the
// no-credentials failure (an instance-metadata endpoint that never answers). Prints a table of ratios.
// Run it with `npm run bench:ecr`, which builds dist/ first.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cacheKeys } from '../src/ecr/cache/entry';
import { parseRegistry } from '../src/ecr/registry';
import { startEcrEmulator } from '../test/stack/ecr-emulator';
import {
  HELPER,
  helperEnv,
  helperGet,
  noCredentialsEnv,
  run,
  startSilentListener,
  type HelperResult,
} from '../test/support/ecr-login';
import { makeTempDir, removeTempDirs } from '../test/support/temp';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const GO_HELPER = '/usr/bin/docker-credential-ecr-login';

interface Case {
  name: string;
  runs: number;
  once: () => Promise<HelperResult>;
  expectCode?: number;
}

/**
 * Runs the cases in interleaved rounds (each case once per round while it has runs left), so load from
 * other processes on the machine hits every case alike; one warm-up run each first.
 */
async function measure(cases: Case[]): Promise<Map<Case, number[]>> {
  const times = new Map<Case, number[]>(cases.map((c) => [c, []]));
  const check = (c: Case, r: HelperResult): void => {
    if (r.code !== (c.expectCode ?? 0)) throw new Error(`${c.name}: exit ${r.code}: ${r.stdout}${r.stderr}`);
  };
  for (const c of cases) check(c, await c.once());
  const rounds = Math.max(...cases.map((c) => c.runs));
  for (let round = 0; round < rounds; round++) {
    for (const c of cases.filter((c) => round < c.runs)) {
      const result = await c.once();
      check(c, result);
      times.get(c)!.push(result.ms);
    }
  }
  for (const t of times.values()) t.sort((a, b) => a - b);
  return times;
}

const median = (t: number[]): number => t[Math.floor(t.length / 2)]!;

/** A cache file with a fresh entry under the legacy key, which the Go helper 0.6.0 reads. */
function goCacheDir(accessKeyId: string): string {
  const dir = makeTempDir('ecr-bench-go-');
  const now = Date.now();
  const key = cacheKeys(parseRegistry(HOST)!, accessKeyId)[1]!;
  const entry = {
    AuthorizationToken: Buffer.from('AWS:bench').toString('base64'),
    RequestedAt: new Date(now).toISOString(),
    ExpiresAt: new Date(now + 12 * 3600e3).toISOString(),
    ProxyEndpoint: `https://${HOST}`,
    Service: 'ecr',
  };
  writeFileSync(
    path.join(dir, 'cache.json'),
    JSON.stringify({ Registries: { [key]: entry }, Version: '1.0' }),
  );
  return dir;
}

async function main(): Promise<void> {
  const emulator = await startEcrEmulator({ password: 'bench' });
  const metadata = await startSilentListener();
  try {
    const env = helperEnv(emulator.url, []);
    await helperGet(env, HOST); // fills the cache
    const cold = { ...env, AWS_ECR_DISABLE_CACHE: '1' };
    const noCreds = noCredentialsEnv(metadata.url);
    const goEnv = { ...env, AWS_ECR_CACHE_DIR: goCacheDir(env.AWS_ACCESS_KEY_ID!) };

    const helperJs = path.join(path.dirname(HELPER), 'ecr-login.js');
    const cases: Case[] = [
      { name: 'bare node -e 0', runs: 40, once: () => run(process.execPath, ['-e', '0'], env) },
      { name: 'get, cache hit (launcher, as Docker runs it)', runs: 40, once: () => helperGet(env, HOST) },
      {
        name: 'get, cache hit (node dist/ecr-login.js)',
        runs: 40,
        once: () => run(process.execPath, [helperJs, 'get'], env, HOST),
      },
      { name: 'get, cold (emulator, real SDK)', runs: 15, once: () => helperGet(cold, HOST) },
      {
        name: 'get, no AWS credentials (silent IMDS)',
        runs: 5,
        once: () => helperGet(noCreds, HOST),
        expectCode: 1,
      },
      { name: 'Go helper 0.6.0, cache hit', runs: 40, once: () => run(GO_HELPER, ['get'], goEnv, HOST) },
    ];
    const times = await measure(cases);
    const base = median(times.get(cases[0]!)!);
    console.log('\ndocker-credential-ecr-login (ms; ratio = median / bare node median, same run)\n');
    console.log('| case | runs | median | min | max | ratio |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const c of cases) {
      const t = times.get(c)!;
      const cells = [median(t), t[0]!, t[t.length - 1]!].map((ms) => ms.toFixed(1));
      console.log(`| ${c.name} | ${c.runs} | ${cells.join(' | ')} | ${(median(t) / base).toFixed(2)}x |`);
    }
  } finally {
    await metadata.close();
    removeTempDirs();
    await emulator.close();
  }
}

void main();
