// HOOK_EVENTS_FILE on the stack: each hook call appends one JSON line (phases, and per image where it came
// from), never a secret; a link put in the file's place is refused, not written through; `dockhand stats`
// reads what the hook wrote.
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { replayJob } from '../../src/replay';
import { loadSecrets } from '../support/stack';
import { runCli } from './cli-support';
import { makeTempDir, removeTempDirs } from '../support/temp';
import { ecr, plain, stack, testRunner, type TestRunner } from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());
afterAll(removeTempDirs);

const secrets = loadSecrets(stack);

const dockhand = (...args: string[]) => runCli(args);

describe('hook, events file', () => {
  it('appends one line per hook call, with each image and where it came from, and no secret', async () => {
    const file = path.join(makeTempDir('dockhand-events-'), 'events.jsonl');
    runner = testRunner(
      { HOOK_EVENTS_FILE: file },
      { repository: 'octo-org/events', runnerName: 'events-runner' },
    );
    const result = await replayJob(runner.replayer, {
      container: {
        image: plain(stack.images.shell),
        credentials: { username: secrets.plainUser, password: secrets.plainPassword },
      },
      services: [{ image: ecr(stack.images.web) }],
      steps: [{ kind: 'script', script: 'echo one' }],
    });
    expect(result.ok, runner.output()).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(secrets.plainPassword);
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.command, line.result, line.runner, line.repository, line.job])).toEqual([
      ['prepare_job', 'ok', 'events-runner', 'octo-org/events', 'test'],
      ['run_script_step', 'ok', 'events-runner', 'octo-org/events', 'test'],
      ['cleanup_job', 'ok', 'events-runner', 'octo-org/events', 'test'],
    ]);
    const prepare = lines[0];
    expect(Object.keys(prepare.phases).sort()).toEqual(['create-start', 'health', 'pulls']);
    expect(
      prepare.images
        .map((image: { image: string; registry: string; source: string; result: string }) => [
          image.image,
          image.registry,
          image.source,
          image.result,
        ])
        .sort(),
    ).toEqual([
      [ecr(stack.images.web), stack.registries.ecrUsEast1, 'origin', 'ok'],
      [plain(stack.images.shell), stack.registries.plain, 'origin', 'ok'],
    ]);

    const table = dockhand('stats', file);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toContain('3 hook calls, 2 images');
    expect(table.stdout).toMatch(new RegExp(`${stack.registries.plain.replace(/\./g, '\\.')}\\s+1\\s`));
    const prometheus = dockhand('stats', file, '--since', '1h', '--prometheus');
    expect(prometheus.status, prometheus.stderr).toBe(0);
    expect(prometheus.stdout).toContain(
      `dockhand_pull_seconds_count{registry="${stack.registries.plain}"} 1`,
    );
    expect(prometheus.stdout).toContain('dockhand_images_total{source="origin"} 2');
  });

  it('records a failed pull by its cause, and the failed call', async () => {
    const file = path.join(makeTempDir('dockhand-events-'), 'events.jsonl');
    runner = testRunner({ HOOK_EVENTS_FILE: file, HOOK_PULL_POLICY: 'never' });
    const missing = plain('dockhand/not-on-this-host:1');
    const result = await replayJob(runner.replayer, { container: { image: missing }, steps: [] });
    expect(result.prepare?.exitCode).not.toBe(0);
    const [prepare] = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(prepare).toMatchObject({ command: 'prepare_job', result: 'failed', cause: 'image-missing' });
    expect(prepare.images).toMatchObject([{ image: missing, result: 'failed', cause: 'missing' }]);
  });

  it('refuses a link in the file’s place, writing nothing through it, and the job goes on', async () => {
    const dir = makeTempDir('dockhand-events-');
    const target = path.join(dir, 'someone-elses-file');
    writeFileSync(target, 'untouched\n');
    const file = path.join(dir, 'events.jsonl');
    symlinkSync(target, file);
    runner = testRunner({ HOOK_EVENTS_FILE: file });
    const result = await replayJob(runner.replayer, {
      container: { image: plain(stack.images.shell) },
      steps: [],
    });
    expect(result.ok, runner.output()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('untouched\n');
    expect(runner.output()).toContain(
      `::warning::dockhand: could not append to HOOK_EVENTS_FILE ${file} (ELOOP)`,
    );
    expect(existsSync(file)).toBe(true);
  });
});
