// HOOK_REGISTRY_MIRRORS on the stack: a workflow names a Docker Hub image (unreachable here) and gets it
// from an ECR-shaped mirror through ecr-login, under the `library/` path of a pull-through cache, with the
// name it wrote; the workflow's Docker Hub credentials never go to the mirror; a mirror that cannot serve
// the image falls back to the source, one that refuses authentication stops the job.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { replayJob } from '../../src/replay';
import { ecrApiEnv } from '../support/ecr-runner';
import { useEcrEmulator } from '../support/ecr-emulator-fixture';
import { distDir } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';
import { ecr, plain, stack, testRunner, type TestRunner } from './hook-support';
import { isOnHost, pushAs, registryRequestsFor, removeLater, removeTags, uniqueTag } from './pull-support';

const fixture = useEcrEmulator();
let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());
afterAll(() => {
  removeTags();
  removeTempDirs();
});

const ecrHost = stack.registries.ecrUsEast1;

/** A runner host whose docker config sends the ECR host to ecr-login and the plain registry to the stack's helper. */
function runnerWithMirrors(mirrors: string, extra: Record<string, string> = {}): TestRunner {
  const home = makeTempDir('dockhand-mirrors-');
  const dockerConfig = path.join(home, 'docker');
  mkdirSync(dockerConfig, { mode: 0o700 });
  const credHelpers = { [ecrHost]: 'ecr-login', [stack.registries.plain]: stack.stackHelper.name };
  writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ credHelpers }));
  return testRunner({
    PATH: `${distDir}:${stack.stackHelper.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOOK_DOCKER_CONFIG: dockerConfig,
    HOOK_ENV_PASSTHROUGH: 'AWS_*',
    ...ecrApiEnv(fixture.emulator.url, path.join(home, 'ecr-cache')),
    AWS_REGION: 'us-east-1',
    RUNNER_DEBUG: '1',
    HOOK_REGISTRY_MIRRORS: mirrors,
    ...extra,
  });
}

describe('hook, registry mirrors', () => {
  it('serves a Docker Hub image from an ECR pull-through cache, under the name the workflow wrote', async () => {
    const tag = uniqueTag('mirror');
    const image = `redis:${tag}`;
    const mirrored = ecr(`docker-hub/library/redis:${tag}`);
    pushAs(stack.localImages.web, mirrored);
    removeLater(image);
    removeLater(mirrored);
    const hubPassword = 'hub-password-for-docker-io-only';
    runner = runnerWithMirrors(`docker.io=${ecrHost}/docker-hub`);
    const result = await replayJob(runner.replayer, {
      container: { image: ecr(stack.images.shell) },
      services: [{ image, credentials: { username: 'hub-user', password: hubPassword } }],
      steps: [{ kind: 'script', script: 'wget -q -O- http://redis/' }],
    });
    const output = runner.output();
    expect(result.ok, output).toBe(true);
    expect(output).toContain('hello from the dockhand web service');
    expect(output).toMatch(new RegExp(`${image}: pulled from registry mirror ${ecrHost} in [0-9.]+ s`));
    // Through the cache's path for official images, authenticated by ecr-login (one ECR API call).
    expect(registryRequestsFor('docker-hub/library/redis').some((line) => line.includes(tag))).toBe(true);
    expect(fixture.emulator.requests.length).toBeGreaterThan(0);
    // The workflow's Docker Hub credentials were not used at all: no login, so nothing reached the mirror.
    expect(output).not.toMatch(/docker login/);
    expect(isOnHost(image)).toBe(true);
  });

  it('falls back to the source registry, in one line, when the mirror does not have the image', async () => {
    runner = runnerWithMirrors(`${stack.registries.plain}=${ecrHost}/nothing-here`);
    const image = plain(stack.images.shell);
    const result = await replayJob(runner.replayer, { container: { image }, steps: [] });
    const output = runner.output();
    expect(result.ok, output).toBe(true);
    const fallbacks = output.split('\n').filter((line) => line.includes('could not serve'));
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toContain(`registry mirror ${ecrHost}/nothing-here could not serve ${image} (`);
    expect(fallbacks[0]).toContain(`pulling from ${stack.registries.plain} instead`);
    expect(output).toContain(`${image}: pulled from ${stack.registries.plain} in`);
  });

  it('falls back to the source when the mirror cannot be reached, after the retries', async () => {
    // A closed port on this machine: connections are refused at once.
    runner = runnerWithMirrors(`${stack.registries.plain}=127.0.0.1:9/hub`);
    const image = plain(stack.images.shell);
    const result = await replayJob(runner.replayer, { container: { image }, steps: [] });
    const output = runner.output();
    expect(result.ok, output).toBe(true);
    expect(output).toMatch(/pull of 127\.0\.0\.1:9\/hub\/dockhand\/shell:1 failed \(attempt 1 of 3\)/);
    expect(output).toContain(`registry mirror 127.0.0.1:9/hub could not serve ${image} (`);
    expect(output).toContain(`${image}: pulled from ${stack.registries.plain} in`);
  });

  it('pulls an image pinned by digest from its source, even when the mirror has it', async () => {
    // Docker finds `name:tag@digest` by the digest of a pull of `name` itself: a copy from the mirror
    // tagged `name:tag` would not do, and the create would go to the source registry anyway.
    const repository = `dockhand/${uniqueTag('pinned')}`;
    const digest = pushAs(stack.localImages.shell, plain(`${repository}:1`)).split('@')[1];
    pushAs(stack.localImages.shell, ecr(`hub/${repository}:1`));
    removeLater(ecr(`hub/${repository}:1`));
    const pinned = plain(`${repository}:1@${digest}`);
    removeLater(plain(`${repository}:1`));
    expect(isOnHost(pinned)).toBe(false);
    runner = runnerWithMirrors(`${stack.registries.plain}=${ecrHost}/hub`);
    const result = await replayJob(runner.replayer, {
      container: { image: pinned },
      steps: [{ kind: 'script', script: 'echo pinned' }],
    });
    expect(result.ok, runner.output()).toBe(true);
    expect(runner.output()).toContain(`${pinned}: pulled from ${stack.registries.plain} in`);
    expect(runner.output()).not.toContain('registry mirror');
  });

  it('stops with a clear error, and no fallback, when the mirror refuses authentication', async () => {
    fixture.emulator.setFaults({ mode: 'deny' });
    runner = runnerWithMirrors(`${stack.registries.plain}=${ecrHost}/hub`);
    const result = await replayJob(runner.replayer, {
      container: { image: plain(stack.images.shell) },
      steps: [],
    });
    const output = runner.output();
    expect(result.prepare?.exitCode).not.toBe(0);
    const error = output.split('\n').find((line) => line.startsWith('::error::')) ?? '';
    expect(error).toContain(
      `registry mirror ${ecrHost}/hub for ${stack.registries.plain} (HOOK_REGISTRY_MIRRORS) refused the pull`,
    );
    expect(error).toContain('credential helper docker-credential-ecr-login');
    expect(error).toContain('docker config ');
    expect(output).not.toContain('instead');
    expect(output).not.toContain(`pulled from ${stack.registries.plain}`);
  });

  it('leaves mirrors alone with HOOK_FEATURES=-registry-mirrors', async () => {
    runner = runnerWithMirrors(`${stack.registries.plain}=${ecrHost}/hub`, {
      HOOK_FEATURES: '-registry-mirrors',
    });
    const image = plain(stack.images.shell);
    const result = await replayJob(runner.replayer, { container: { image }, steps: [] });
    expect(result.ok, runner.output()).toBe(true);
    expect(runner.output()).toContain(`${image}: pulled from ${stack.registries.plain} in`);
    expect(fixture.emulator.requests).toEqual([]);
  });

  it('refuses a mirror that names no host, before anything is created', async () => {
    runner = runnerWithMirrors('docker.io=mirror');
    const result = await replayJob(runner.replayer, { container: { image: 'redis:7' }, steps: [] });
    expect(result.prepare?.exitCode).not.toBe(0);
    expect(runner.output()).toContain("HOOK_REGISTRY_MIRRORS: 'docker.io=mirror' is not SOURCE=TARGET");
  });
});
