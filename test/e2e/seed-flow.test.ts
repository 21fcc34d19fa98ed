// The seed's own workflow, for real. Job 1 runs on the runner host: `docker build` of the application
// image from the commit, then `docker push` to ECR through dockhand's ecr-login (AWS SDK -> ECR API
// emulator -> token -> docker -> registry), with no `docker login`. Job 2 runs in that image through the
// hook, with real PostgreSQL 15 and Redis services health-checked as workflows do. A failing step fails
// the job and cleanup still leaves nothing; and job 2 runs again once the ECR token has expired ("re-run a
// failed job the next day").
import { spawn } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCacheFile } from '../../src/ecr/cache/entry';
import { replayJob, type StepSpec, type WorkflowContainer } from '../../src/replay';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import { ecrRunnerHost, type EcrRunnerHost } from '../support/ecr-runner';
import { loadSecrets, removeLocalImages, repoRoot } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';
import {
  containersLabelled,
  docker,
  ecr,
  networksLabelled,
  stack,
  testRunner,
  type SavedState,
} from './hook-support';

const APP = ecr('dockhand/seed-app:e2e');
const PG_PASSWORD = 'seed-flow-test-password';
// Short-lived ECR tokens, so that the re-run meets an expired one.
const TOKEN_SECONDS = 5;

// The official postgres image's first start runs a server on its unix socket only, for POSTGRES_DB and
// the init scripts, then restarts it on all addresses: `pg_isready -U postgres` passes on that first
// server while nothing listens on TCP yet. Docker's first check comes after --health-interval (10 s),
// long after; dockhand's early checks can land on it and let the job start too soon (see the last test).
/** The opt-in early health checks (off by default because of what the it.fails case below shows). */
const EARLY_CHECKS = { HOOK_FEATURES: '+early-health-checks' };

let emulator: EcrEmulator;
let host: EcrRunnerHost;

beforeAll(async () => {
  if (!stack.realImages) {
    throw new Error("the stack has no real images: run 'test/stack/stack.sh images-real'");
  }
  emulator = await startEcrEmulator({ password: loadSecrets(stack).ecrPassword });
  emulator.setFaults({ mode: 'none', tokenLifetimeSeconds: TOKEN_SECONDS });
  host = ecrRunnerHost(stack, makeTempDir('dockhand-seed-'), emulator.url);
});
afterAll(async () => {
  await emulator?.close();
  removeTempDirs();
});

/** A host step of job 1: the docker CLI as the runner host has it, its output collected. */
function hostStep(args: string[]): Promise<{ code: number | null; output: string }> {
  const env = { ...host.env, DOCKER_CONFIG: host.dockerConfig, DOCKER_BUILDKIT: '0' };
  const child = spawn('docker', args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

interface Job2 {
  ok: boolean;
  exitCodes: Array<number | null>;
  log: string;
  state: SavedState;
  /** The services' anonymous volumes (postgres and redis declare VOLUME), seen while the job ran. */
  volumes: string[];
}

/** Job 2 as the runner plays it: prepare_job, the steps until one fails, cleanup_job always. */
async function job2(
  steps: StepSpec[],
  env: Record<string, string> = {},
  postgres: Partial<WorkflowContainer> = {},
): Promise<Job2> {
  const runner = testRunner({ ...host.env, ...env });
  try {
    let volumes: string[] = [];
    let state = {} as SavedState;
    const result = await replayJob(
      runner.replayer,
      {
        container: { image: APP, env: { PGPASSWORD: PG_PASSWORD } },
        services: [
          {
            image: ecr(stack.realImages!.postgres),
            env: { POSTGRES_PASSWORD: PG_PASSWORD, POSTGRES_DB: 'app' },
            ports: ['5432'],
            options: '--health-cmd "pg_isready -U postgres" --health-interval 10s',
            ...postgres,
          },
          {
            image: ecr(stack.realImages!.redis),
            options: '--health-cmd "redis-cli ping" --health-interval 10s',
          },
        ],
        steps,
      },
      {
        // The services' volumes, looked at while they exist: cleanup must remove them.
        onEnd: (call, done) => {
          if (call.phase !== 'prepare' || done.exitCode !== 0) return;
          state = runner.replayer.state as SavedState;
          volumes = state.services.flatMap((service) =>
            docker('inspect', '--format', '{{range .Mounts}}{{.Name}} {{end}}', service.id)
              .split(' ')
              .filter(Boolean),
          );
        },
      },
    );
    const exitCodes = [result.prepare, ...result.steps, result.cleanup].map((call) => call?.exitCode ?? null);
    return { ok: exitCodes.every((c) => c === 0), exitCodes, log: runner.output(), state, volumes };
  } finally {
    runner.dispose();
  }
}

function expectNothingLeft(job: Job2): void {
  expect(containersLabelled(`dockhand.job=${job.state.jobId}`)).toEqual([]);
  expect(networksLabelled(`dockhand.job=${job.state.jobId}`)).toEqual([]);
  const volumesLeft = docker('volume', 'ls', '--quiet').split('\n');
  expect(job.volumes.length).toBeGreaterThan(0);
  expect(job.volumes.filter((v) => volumesLeft.includes(v))).toEqual([]);
}

/** A postgres service whose first start keeps its socket-only server up for 3 s (an init script). */
function slowInit(): Partial<WorkflowContainer> {
  const init = makeTempDir('dockhand-initdb-');
  writeFileSync(path.join(init, 'slow.sh'), 'sleep 3\n');
  chmodSync(init, 0o755);
  return { volumes: [`${init}:/docker-entrypoint-initdb.d:ro`] };
}

const createTable: StepSpec = {
  kind: 'script',
  shell: 'bash',
  script:
    "psql -v ON_ERROR_STOP=1 -h postgres -U postgres -d app -c 'CREATE TABLE visits (id serial PRIMARY KEY, who text NOT NULL)'",
};
const readBack: StepSpec = {
  kind: 'script',
  shell: 'bash',
  script: "psql -h postgres -U postgres -d app -tA -c 'SELECT count(*) FROM visits' | sed 's/^/rows: /'",
};
const useRedis: StepSpec = {
  kind: 'script',
  shell: 'bash',
  script: 'redis-cli -h redis SET greeting "hello from the job" && redis-cli -h redis GET greeting',
};
const appCheck: StepSpec = { kind: 'script', shell: 'bash', script: 'visits && visits' };

describe('the seed workflow: build and push, then test jobs in the pushed image', () => {
  it('job 1: docker build and docker push to ECR through ecr-login, no docker login', async () => {
    removeLocalImages([APP]);
    const build = await hostStep([
      'build',
      '--quiet',
      '--build-arg',
      `BASE=${ecr(stack.realImages!.app)}`,
      '--tag',
      APP,
      path.join(repoRoot, 'test/fixtures/seed-app'),
    ]);
    expect(build.code, build.output).toBe(0);
    const push = await hostStep(['push', APP]);
    expect(push.code, push.output).toBe(0);
    expect(emulator.requests.length).toBeGreaterThan(0);
    expect(readdirSync(host.dockerConfig)).toEqual(['config.json']); // nothing stored by a login
    expect(readFileSync(path.join(host.dockerConfig, 'config.json'), 'utf8')).not.toContain('auths');
    // Job 2 must pull what was pushed, not find job 1's copy.
    removeLocalImages([APP]);
  });

  it('job 2: the pushed image as the job container, postgres and redis as services', async () => {
    const job = await job2([createTable, appCheck, readBack, useRedis]);
    expect(job.ok, job.log).toBe(true);
    expect(job.log).toContain('visits in postgres: 1\n');
    expect(job.log).toContain('visits in redis: 2\n');
    expect(job.log).toContain('rows: 2\n');
    expect(job.log).toContain('hello from the job\n');
    expect(job.log).toContain('reachable from the job container and each other as: postgres, redis');
    expectNothingLeft(job);
  });

  it('job 2 with a failing step fails, and cleanup still leaves nothing', async () => {
    const job = await job2([createTable, { kind: 'script', shell: 'bash', script: 'exit 3' }, readBack]);
    expect(job.ok).toBe(false);
    expect(job.exitCodes).toEqual([0, 0, 3, 0]); // prepare, create, the failure, cleanup: nothing after it
    expectNothingLeft(job);
  });

  it('job 2 again after the ECR token expired: a new token is fetched and the images still pull', async () => {
    removeLocalImages([APP]);
    // Wait out the cached token, then make it one the registry refuses, as it refuses an expired one.
    const cacheFile = path.join(host.cacheDir, 'cache.json');
    const cache = parseCacheFile(readFileSync(cacheFile, 'utf8'))!;
    const latest = Math.max(...Object.values(cache.Registries).map((e) => Date.parse(e.ExpiresAt)));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, latest - Date.now()) + 200));
    for (const entry of Object.values(cache.Registries)) {
      entry.AuthorizationToken = Buffer.from('AWS:expired-token').toString('base64');
    }
    writeFileSync(cacheFile, JSON.stringify(cache));
    const calls = emulator.requests.length;
    const job = await job2([createTable, appCheck]);
    expect(job.ok, job.log).toBe(true);
    expect(job.log).toContain('visits in postgres: 1\n');
    expect(emulator.requests.length).toBeGreaterThan(calls);
    expectNothingLeft(job);
  });

  // Why early-health-checks is off by default, kept failing on purpose (it.fails) until early checks
  // handle it: an init script keeps postgres on its first, socket-only server for 3 s, where
  // `pg_isready -U postgres` passes; the hook's early check calls the service healthy and the first step's
  // connection over TCP is refused. The runner waits for Docker's first check (10 s) and passes.
  // With the default (no early checks) the jobs above pass.
  it.fails('job 2 with early health checks waits for postgres to listen on TCP', async () => {
    const job = await job2([createTable], EARLY_CHECKS, slowInit());
    expect(job.ok, job.log).toBe(true);
  });

  it('job 2 with early health checks and a check over TCP waits for postgres to listen on TCP', async () => {
    const tcpCheck = '--health-cmd "pg_isready -h 127.0.0.1 -U postgres" --health-interval 10s';
    const job = await job2([createTable], EARLY_CHECKS, { ...slowInit(), options: tcpCheck });
    expect(job.ok, job.log).toBe(true);
  });

  it('job 2 with the default features waits for Docker, after postgres restarted on TCP', async () => {
    const job = await job2([createTable], {}, slowInit());
    expect(job.ok, job.log).toBe(true);
  });
});
