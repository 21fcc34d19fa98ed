// Faults a runner host meets, each injected for real and its expected outcome asserted: the ECR API
// throttling or denying, the helper missing or the docker config unreadable, a read-only, full or
// corrupt cache, the runner cancelling a job mid-prepare, and dockerd restarting under a job.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../src/exec';
import {
  createReplayer,
  hookEnvironment,
  jobContainer,
  scriptStep,
  serviceContainer,
} from '../../src/replay';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import { ecrRunnerHost, type EcrRunnerHost } from '../support/ecr-runner';
import { leftOver, snapshotDocker } from '../support/docker-snapshot';
import { restartDockerd } from '../support/dockerd';
import { faultCounter } from '../support/figures';
import { distDir, loadSecrets, loadStack, removeLocalImages } from '../support/stack';

const stack = loadStack();
const ecrImage = `${stack.registries.ecrUsEast1}/${stack.images.shell}`;
let emulator: EcrEmulator;
let dir: string;
let n = 0;

beforeAll(async () => {
  emulator = await startEcrEmulator({ password: loadSecrets(stack).ecrPassword });
  dir = mkdtempSync(path.join(tmpdir(), 'dockhand-faults-'));
});
afterEach(() => emulator.reset());
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

const { fault, counts } = faultCounter();

function freshHost(): EcrRunnerHost {
  return ecrRunnerHost(stack, path.join(dir, `host-${++n}`), emulator.url);
}

function replayerFor(host: EcrRunnerHost, envOverride: Record<string, string> = {}) {
  return createReplayer({
    hookPath: path.join(distDir, 'hook.js'),
    runnerRoot: path.join(dir, `runner-${++n}`),
    env: { ...host.env, ...envOverride },
  });
}

async function helperGet(env: Record<string, string>, server = stack.registries.ecrUsEast1) {
  return runProcess([path.join(distDir, 'docker-credential-ecr-login'), 'get'], { env, input: server });
}

describe('faults', () => {
  it('the ECR API throttling twice: retried, the job pulls', () =>
    fault(async () => {
      removeLocalImages([ecrImage]);
      emulator.setFaults({ mode: 'throttle', count: 2 });
      const r = replayerFor(freshHost());
      const prepare = await r.prepareJob({
        container: jobContainer({ image: ecrImage }, r.layout),
        services: [],
      });
      await r.cleanupJob();
      expect(prepare.exitCode, prepare.stderr).toBe(0);
      expect(emulator.requests.filter((q) => q.status === 200)).toHaveLength(1);
    }));

  it('the ECR API denying: the job fails and its log says why', () =>
    fault(async () => {
      removeLocalImages([ecrImage]);
      emulator.setFaults({ mode: 'deny' });
      const r = replayerFor(freshHost());
      const prepare = await r.prepareJob({
        container: jobContainer({ image: ecrImage }, r.layout),
        services: [],
      });
      const cleanup = await r.cleanupJob();
      expect(prepare.exitCode).not.toBe(0);
      expect(prepare.stdout + prepare.stderr).toContain('AccessDeniedException');
      expect(prepare.stdout + prepare.stderr).toContain(stack.registries.ecrUsEast1);
      expect(cleanup.exitCode).toBe(0);
    }));

  it('the helper missing from PATH: a clear failure naming the helper', () =>
    fault(async () => {
      removeLocalImages([ecrImage]);
      const host = freshHost();
      const r = replayerFor(host, { PATH: '/usr/local/bin:/usr/bin:/bin' });
      const prepare = await r.prepareJob({
        container: jobContainer({ image: ecrImage }, r.layout),
        services: [],
      });
      await r.cleanupJob();
      expect(prepare.exitCode).not.toBe(0);
      expect(prepare.stdout + prepare.stderr).toContain('docker-credential-ecr-login');
    }));

  it('the docker config unreadable: a clear failure naming the file', () =>
    fault(async () => {
      const host = freshHost();
      writeFileSync(path.join(host.dockerConfig, 'config.json'), '{ not json');
      const r = replayerFor(host);
      const prepare = await r.prepareJob({
        container: jobContainer({ image: ecrImage }, r.layout),
        services: [],
      });
      await r.cleanupJob();
      expect(prepare.exitCode).not.toBe(0);
      expect(prepare.stdout + prepare.stderr).toContain(path.join(host.dockerConfig, 'config.json'));
      expect(prepare.stdout + prepare.stderr).not.toMatch(/^\s+at /m);
    }));

  it('a corrupt cache file: the helper answers and rewrites it', () =>
    fault(async () => {
      const host = freshHost();
      mkdirSync(host.cacheDir, { recursive: true, mode: 0o700 });
      writeFileSync(path.join(host.cacheDir, 'cache.json'), '\u0000garbage{', { mode: 0o600 });
      const get = await helperGet(host.env);
      expect(get.exitCode, get.stdout + get.stderr).toBe(0);
      expect(JSON.parse(get.stdout).Username).toBe('AWS');
      expect(JSON.parse(readFileSync(path.join(host.cacheDir, 'cache.json'), 'utf8')).Version).toBe('1.0');
    }));

  it.each([
    ['read-only', 'ro,size=1m,mode=0700'],
    ['full', 'size=16k,mode=0700'],
  ])('a %s cache directory: the helper still answers, without cache', (_what, mountOptions) =>
    fault(async () => {
      const host = freshHost();
      mkdirSync(host.cacheDir, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', mountOptions, 'dockhand-cache-fault', host.cacheDir]);
      try {
        try {
          writeFileSync(path.join(host.cacheDir, 'filler'), Buffer.alloc(64 * 1024));
        } catch {
          // EROFS or ENOSPC: the directory takes no more files, as intended
        }
        const get = await helperGet(host.env);
        expect(get.exitCode, get.stdout + get.stderr).toBe(0);
        expect(JSON.parse(get.stdout).Secret).toBe(loadSecrets(stack).ecrPassword);
      } finally {
        execFileSync('umount', [host.cacheDir]);
      }
    }),
  );

  it('the runner cancelling prepare_job (SIGINT, SIGTERM 7.5 s later), then cleanup_job removes everything', () =>
    fault(async () => {
      const before = snapshotDocker();
      const host = freshHost();
      const r = replayerFor(host);
      const args = {
        container: jobContainer({ image: stack.localImages.shell }, r.layout),
        // A service whose health check never passes keeps prepare_job waiting.
        services: [
          serviceContainer({
            image: stack.localImages.web,
            options: '--health-cmd false --health-interval 1s --health-retries 1000',
          }),
        ],
      };
      // The replayer cannot be interrupted: start the hook as the runner does, by hand.
      const responseFile = path.join(r.layout.responses, 'cancel.json');
      writeFileSync(responseFile, '');
      const input = JSON.stringify({ command: 'prepare_job', responseFile, args, state: null }) + '\n';
      const child = spawn(r.layout.node, [path.join(distDir, 'hook.js')], {
        cwd: r.layout.workspace,
        env: hookEnvironment(r.layout, host.env, 'cancel'),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdin.end(input);
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      // Wait until the service is being health-checked, then cancel as the runner does.
      for (let i = 0; i < 100 && !/health/i.test(output); i++)
        await new Promise((res) => setTimeout(res, 100));
      child.kill('SIGINT');
      const term = setTimeout(() => child.kill('SIGTERM'), 7500);
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(term);
      clearTimeout(kill);
      expect(code).not.toBe(0);
      const cleanup = await r.cleanupJob();
      expect(cleanup.exitCode, cleanup.stderr).toBe(0);
      expect(leftOver(before)).toMatchObject({ containers: [], networks: [], volumes: [] });
    }));

  it('dockerd restarted between prepare_job and a step: the step fails clearly, cleanup still succeeds', () =>
    fault(async () => {
      const before = snapshotDocker();
      const r = replayerFor(freshHost());
      const prepare = await r.prepareJob({
        container: jobContainer({ image: stack.localImages.shell }, r.layout),
        services: [],
      });
      expect(prepare.exitCode, prepare.stderr).toBe(0);
      restartDockerd(stack);
      const step = await r.runScriptStep(scriptStep({ script: 'echo still here' }, r.layout));
      const cleanup = await r.cleanupJob();
      // The job container died with the daemon (no restart policy, as with the runner): the step must
      // fail with one clear line, never hang or pretend.
      expect(step.exitCode).not.toBe(0);
      expect(step.stdout + step.stderr).toMatch(/not running|is not running|No such container/i);
      expect(cleanup.exitCode, cleanup.stderr).toBe(0);
      expect(leftOver(before)).toMatchObject({ containers: [], networks: [] });
    }));

  afterAll(() => {
    expect(counts.survived).toBe(counts.injected);
  });
});
