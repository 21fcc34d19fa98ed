// The docker CLI as a process: one that cannot start is named with its cause and never retried as if the
// registry were down; one that runs past its time limit is ended with everything it started (its
// credential helper), so a hook leaves no process behind.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replayJob } from '../../src/replay';
import { killLeftovers, stillRunningAfter } from '../support/processes';
import { plain, stack, testRunner, type TestRunner } from './hook-support';

let runner: TestRunner | undefined;
const dirs: string[] = [];
const pidFiles: string[] = [];
afterEach(() => {
  runner?.dispose();
  killLeftovers(pidFiles.splice(0).flatMap(pidsIn));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function pidsIn(file: string): number[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
}

describe('hook, the docker CLI as a process', () => {
  it('names the cause when docker cannot be started, and does not retry', async () => {
    const bin = tempDir('dockhand-noexec-');
    writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\nexit 0\n');
    chmodSync(path.join(bin, 'docker'), 0o644);
    // Named by HOOK_DOCKER_PATH: on PATH the hook would pass over it, as a shell does.
    runner = testRunner({ HOOK_DOCKER_PATH: path.join(bin, 'docker') });
    const result = await replayJob(runner.replayer, {
      container: { image: plain('dockhand/shell:1') },
      steps: [],
    });
    expect(result.prepare?.exitCode).not.toBe(0);
    expect(runner.output()).toMatch(
      /::error::dockhand prepare_job: .*docker \w+ could not be started: EACCES/,
    );
    expect(runner.output()).not.toMatch(/retrying|registry is unavailable/);
  });

  it('ends a timed-out pull together with the credential helper it started', async () => {
    const dir = tempDir('dockhand-hanging-helper-');
    const pidFile = path.join(dir, 'pids');
    pidFiles.push(pidFile);
    // A helper stuck on a stalled endpoint: it records its pid, then never answers.
    writeFileSync(
      path.join(dir, 'docker-credential-hangs'),
      `#!/bin/sh\necho $$ >> ${pidFile}\nexec sleep 300\n`,
      {
        mode: 0o755,
      },
    );
    writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ credHelpers: { [stack.registries.plain]: 'hangs' } }),
    );
    runner = testRunner({
      HOOK_DOCKER_CONFIG: dir,
      PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOOK_PULL_ATTEMPTS: '1',
      HOOK_PULL_TIMEOUT_SECONDS: '2',
    });
    const result = await replayJob(runner.replayer, {
      container: { image: plain('dockhand/never-pushed:1') },
      steps: [],
    });
    expect(result.prepare?.exitCode).not.toBe(0);
    expect(runner.output()).toContain('timed out after 2000 ms');
    const helpers = pidsIn(pidFile);
    expect(helpers.length).toBeGreaterThan(0);
    expect(await stillRunningAfter(helpers)).toEqual([]);
  });
});
