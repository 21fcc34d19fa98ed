// Pulls through the Engine API on the stack: an image no host has, pulled through ecr-login (the helper
// process really run, asking the ECR emulator), with the bytes in the job log, the events file and
// `dockhand stats`, and prepare_job's timing line; a slow pull (blobs paced by a proxy in front of the
// registry, like a slow link) shows its progress, one line for the images pulling at once; a fast one none.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { replayJob } from '../../src/replay';
import { ecrApiEnv } from '../support/ecr-runner';
import { useEcrEmulator } from '../support/ecr-emulator-fixture';
import { startFlakyRegistry, type FlakyRegistry } from '../support/flaky-registry';
import { distDir, loadSecrets } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';
import { runCli } from './cli-support';
import { ecr, plain, stack, testRunner, type TestRunner } from './hook-support';
import { pushFreshImage, removeLater, removeTags, uniqueTag } from './pull-support';

const fixture = useEcrEmulator();
const secrets = loadSecrets(stack);
let runner: TestRunner | undefined;
let proxy: FlakyRegistry;
beforeAll(async () => {
  proxy = await startFlakyRegistry(stack, stack.registries.plain);
});
afterEach(() => runner?.dispose());
afterAll(async () => {
  await proxy.close();
  removeTags();
  removeTempDirs();
});

const ecrHost = stack.registries.ecrUsEast1;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('hook, pulls through the Engine API', () => {
  it('pulls through ecr-login, and says how many bytes and where the time went', async () => {
    const image = ecr(`dockhand/${uniqueTag('api')}:1`);
    pushFreshImage(image, 8);
    removeLater(image);
    // dockhand's ecr-login serves the ECR host, asking the emulator for a token.
    const home = makeTempDir('dockhand-pull-api-');
    const dockerConfig = path.join(home, 'docker');
    mkdirSync(dockerConfig, { mode: 0o700 });
    writeFileSync(
      path.join(dockerConfig, 'config.json'),
      JSON.stringify({ credHelpers: { [ecrHost]: 'ecr-login' } }),
    );
    const events = path.join(home, 'events.jsonl');
    runner = testRunner({
      PATH: `${distDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOOK_DOCKER_CONFIG: dockerConfig,
      HOOK_ENV_PASSTHROUGH: 'AWS_*',
      ...ecrApiEnv(fixture.emulator.url, path.join(home, 'ecr-cache')),
      AWS_REGION: 'us-east-1',
      HOOK_EVENTS_FILE: events,
    });
    const result = await replayJob(runner.replayer, {
      container: { image },
      steps: [
        { kind: 'script', script: 'test -s /fresh && echo fresh layer here' },
        // A Docker action on the job's image: the job has it, so no second pull (the runner's once per job).
        { kind: 'container', image, entryPoint: 'test', args: '-s /fresh' },
      ],
    });
    const output = runner.output();
    expect(result.ok, output).toBe(true);
    expect(output).toContain('fresh layer here');
    // The helper ran (it asked the ECR API for a token), and the pull went with what it gave.
    expect(fixture.emulator.requests.length).toBeGreaterThan(0);
    expect(output).toMatch(
      new RegExp(`${escaped(image)}: pulled from ${escaped(ecrHost)} in [\\d.]+ s, 8\\.0 MB`),
    );
    // A fast pull prints no progress line.
    expect(output).not.toMatch(/pulling /);
    expect(output).toMatch(
      /prepare_job \d+\.\d s: pulls \d+\.\d s, create\/start \d+\.\d s, health checks \d+\.\d s/,
    );

    const [prepare] = readFileSync(events, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(Object.keys(prepare.phases).sort()).toEqual(['create-start', 'health', 'pulls']);
    expect(prepare.images).toHaveLength(1);
    expect(prepare.images[0].bytes).toBeGreaterThanOrEqual(8_000_000);
    expect(prepare.images[0].bytes).toBeLessThan(8_100_000);
    const table = runCli(['stats', events]);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${escaped(ecrHost)}\\s+1\\s+[\\d.]+\\s+[\\d.]+\\s+8\\.0\\n`));
    expect(table.stdout).toContain('used earlier in the job): 1 (50%)');
  });

  it('shows the progress of slow pulls every few seconds, one line for the images pulling at once', async () => {
    // A service and a job image with 8 MB no host has, behind a proxy sending blobs at 1 MB/s: ~8 s each.
    const names = ['web', 'app'].map((what) => `dockhand/${uniqueTag(`slow-${what}`)}:1`);
    pushFreshImage(plain(names[0]!), 8, stack.localImages.web);
    pushFreshImage(plain(names[1]!), 8);
    const [service, job] = names.map((name) => `${proxy.host}/${name}`) as [string, string];
    for (const name of names) removeLater(plain(name));
    removeLater(service);
    removeLater(job);
    const credentials = { username: secrets.plainUser, password: secrets.plainPassword };
    runner = testRunner();
    proxy.throttle(1_000_000);
    try {
      const result = await replayJob(runner.replayer, {
        container: { image: job, credentials },
        services: [{ image: service, credentials }],
        steps: [],
      });
      expect(result.ok, runner.output()).toBe(true);
    } finally {
      proxy.throttle(null);
    }
    const lines = runner.output().split('\n');
    const progress = lines.filter((line) => line.startsWith('pulling '));
    expect(progress.length, runner.output()).toBeGreaterThan(0);
    expect(progress[0]).toMatch(/^pulling 2 images: \d+ MB of 16 MB \(\d+%\)$/);
    expect(runner.output()).toContain(`${job}: pulled from ${proxy.host} in`);
  });
});
