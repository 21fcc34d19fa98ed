// The hook's Engine API path on the real daemon: a step's exec streams both outputs apart and whole, the
// daemon is reached through the CLI (`docker system dial-stdio`) when the config names a context, and a
// daemon that is not there fails a call in one line that names it.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { jobContainer, replayJob, scriptStep } from '../../src/replay';
import { makeTempDir, removeTempDirs } from '../support/temp';
import {
  containersLabelled,
  docker,
  ecr,
  networksLabelled,
  stack,
  testRunner,
  type SavedState,
  type TestRunner,
} from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());
afterAll(removeTempDirs);

const runnerLabel = (state: SavedState) => `dockhand.runner=${state.runnerId}`;

describe('hook, Engine API', () => {
  it("keeps a step's stdout and stderr apart and whole (1 MiB), and passes on its exit code", async () => {
    runner = testRunner();
    const { replayer } = runner;
    const prepared = await replayer.prepareJob({
      container: jobContainer({ image: ecr('dockhand/shell:1') }, replayer.layout),
      services: [],
    });
    expect(prepared.exitCode, runner.output()).toBe(0);
    try {
      const step = await replayer.runScriptStep(
        scriptStep(
          {
            script:
              'printf "to stdout\\n"; printf "to stderr\\n" >&2; head -c 1048576 /dev/zero | tr "\\0" x; exit 7',
          },
          replayer.layout,
        ),
      );
      expect(step.exitCode).toBe(7);
      expect(step.stderr).toContain('to stderr\n');
      expect(step.stderr).not.toContain('to stdout');
      // The hook's error line starts a line of its own after output that did not end one.
      expect(step.stdout).toBe(
        `to stdout\n${'x'.repeat(1 << 20)}\n::error::dockhand run_script_step: the step exited with code 7\n`,
      );
    } finally {
      expect((await replayer.cleanupJob()).exitCode).toBe(0);
    }
  });

  it('asks the daemon for its API version once per job: later calls take it from the state', async () => {
    runner = testRunner({ RUNNER_DEBUG: '1' });
    const { replayer } = runner;
    const prepared = await replayer.prepareJob({
      container: jobContainer({ image: ecr('dockhand/shell:1') }, replayer.layout),
      services: [],
    });
    expect(prepared.exitCode, runner.output()).toBe(0);
    const state = replayer.state as SavedState;
    expect(state.apiVersion).toMatch(/^1\.\d+$/);
    try {
      const step = await replayer.runScriptStep(scriptStep({ script: 'echo stepped' }, replayer.layout));
      expect(step.exitCode, step.stdout).toBe(0);
      expect(prepared.stdout).toContain('docker engine GET /_ping');
      expect(step.stdout).not.toContain('/_ping');
      expect(step.stdout).toContain(`docker engine POST /v${state.apiVersion}/containers/`);
    } finally {
      const cleanup = await replayer.cleanupJob();
      expect(cleanup.exitCode).toBe(0);
      expect(cleanup.stdout).not.toContain('/_ping');
    }
  });

  it('reaches the daemon through `docker system dial-stdio` when the docker config names a context', async () => {
    // A docker config like the stack's (its credential helper) whose current context is a named one.
    const dir = makeTempDir('dockhand-hook-context-');
    const config = path.join(dir, 'docker-config');
    mkdirSync(config, { mode: 0o700 });
    copyFileSync(path.join(stack.stackHelper.dockerConfig, 'config.json'), path.join(config, 'config.json'));
    docker(
      '--config',
      config,
      'context',
      'create',
      'dockhand-e2e',
      '--docker',
      'host=unix:///var/run/docker.sock',
    );
    docker('--config', config, 'context', 'use', 'dockhand-e2e');
    // The real CLI (found on PATH), with a record of how the hook called it.
    const calls = path.join(dir, 'docker-calls');
    const wrapper = path.join(dir, 'docker');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${calls}'\nexec docker "$@"\n`, { mode: 0o755 });
    runner = testRunner({ HOOK_DOCKER_CONFIG: config, HOOK_DOCKER_PATH: wrapper });
    const { replayer } = runner;
    let state: SavedState | undefined;
    const result = await replayJob(replayer, {
      container: { image: ecr('dockhand/shell:1') },
      services: [{ image: ecr('dockhand/web:1') }],
      steps: [{ kind: 'script', script: 'wget -q -O - http://web/' }],
    }).finally(() => (state = replayer.state as SavedState | undefined));
    expect(result.ok, runner.output()).toBe(true);
    expect(runner.output()).toContain('hello from the dockhand web service');
    expect(readFileSync(calls, 'utf8')).toContain('system dial-stdio');
    expect(containersLabelled(runnerLabel(state as SavedState))).toEqual([]);
    expect(networksLabelled(runnerLabel(state as SavedState))).toEqual([]);
  });

  it('fails a call in one line naming a daemon that is not there', async () => {
    runner = testRunner({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    const cleanup = await runner.replayer.cleanupJob();
    expect(cleanup.exitCode).toBe(1);
    expect(cleanup.stdout.trim()).toMatch(
      /^::error::dockhand cleanup_job: cannot reach the docker daemon \(unix:\/\/\/nonexistent\/docker.sock\): connect ENOENT/,
    );
  });
});
