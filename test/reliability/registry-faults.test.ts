// The registry failing during a pull, injected for real by a proxy in front of the stack's registry:
// answering 503 or dropping connections a few times (the hook retries and the job runs), and for good
// (the job fails with one clear line naming the registry, and cleanup leaves nothing behind).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReplayer, jobContainer } from '../../src/replay';
import { runnerIdOf } from '../../src/hook/config';
import { containersLabelled, networksLabelled } from '../e2e/hook-support';
import { faultCounter } from '../support/figures';
import { startFlakyRegistry, type FlakyRegistry } from '../support/flaky-registry';
import { distDir, loadSecrets, loadStack, removeLocalImages } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';

const stack = loadStack();
let registry: FlakyRegistry;
let image: string;
let dir: string;
let n = 0;

beforeAll(async () => {
  registry = await startFlakyRegistry(stack, stack.registries.ecrUsEast1);
  image = `${registry.host}/${stack.images.shell}`;
  dir = makeTempDir('dockhand-registry-faults-');
});
beforeEach(() => removeLocalImages([image]));
afterAll(async () => {
  removeLocalImages([image]);
  await registry.close();
  removeTempDirs();
});

const { fault, counts } = faultCounter();

/** A job whose container image comes from the proxy, with the workflow's `credentials:` (the login path). */
async function prepareJob() {
  // An empty host config: no helper could rescue the login, so only the proxied registry is in play.
  const dockerConfig = path.join(dir, `docker-config-${++n}`);
  mkdirSync(dockerConfig, { mode: 0o700 });
  const r = createReplayer({
    hookPath: path.join(distDir, 'hook.js'),
    runnerRoot: path.join(dir, `runner-${n}`),
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      HOOK_DOCKER_CONFIG: dockerConfig,
      HOOK_RETRY_BASE_MS: '200',
    },
  });
  const credentials = { username: 'AWS', password: loadSecrets(stack).ecrPassword };
  const prepare = await r.prepareJob({
    container: jobContainer({ image, credentials }, r.layout),
    services: [],
  });
  return { r, prepare };
}

describe('registry faults during a pull', () => {
  it.each([
    ['answering 503', 'status-503'],
    ['dropping connections', 'drop'],
  ] as const)('the registry %s twice: retried, the job pulls', (_, kind) =>
    fault(async () => {
      registry.failNext(2, kind);
      const seen = registry.requests;
      const { r, prepare } = await prepareJob();
      await r.cleanupJob();
      expect(prepare.exitCode, prepare.stdout + prepare.stderr).toBe(0);
      expect(registry.failed).toBeGreaterThanOrEqual(2);
      // Pulling went on past the failures: the hook (or dockerd) asked again.
      expect(registry.requests - seen).toBeGreaterThan(2);
    }),
  );

  it('the registry answering 503 for good: the job fails naming the registry, cleanup leaves nothing', () =>
    fault(async () => {
      registry.failNext(Infinity, 'status-503');
      try {
        const { r, prepare } = await prepareJob();
        const cleanup = await r.cleanupJob();
        const output = prepare.stdout + prepare.stderr;
        expect(prepare.exitCode).not.toBe(0);
        // The failing line itself, not only the retry warnings, names the image and the registry.
        const error = output.split('\n').find((line) => line.startsWith('::error::')) ?? '';
        expect(error).toContain(`pull of ${image} from ${registry.host} failed 3 times`);
        expect(error).toContain('503 Service Unavailable');
        expect(output).not.toMatch(/^\s+at /m);
        expect(cleanup.exitCode, cleanup.stderr).toBe(0);
        // Other jobs share this dockerd: look only at what carries this runner's label.
        const label = `dockhand.runner=${runnerIdOf(r.layout.temp)}`;
        expect(containersLabelled(label)).toEqual([]);
        expect(networksLabelled(label)).toEqual([]);
      } finally {
        registry.failNext(0, 'status-503');
      }
    }));

  afterAll(() => {
    expect(counts.survived).toBe(counts.injected);
  });
});
