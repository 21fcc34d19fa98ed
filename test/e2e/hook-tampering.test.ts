// A job's steps can replace any file under `_work`, the response file included, between and during hook
// calls. These tests do what such a step would do, at the moments it could, against the real hook on the
// real stack: the hook writes through nothing it did not create and acts on no container that is not its own.
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, readFileSync, statSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineApi } from '../../src/docker/engine-api';
import { containerEngineOf } from '../../src/docker/engine-objects';
import { createJobLog } from '../../src/protocol/job-log';
import { jobContainer, replayJob, serviceContainer } from '../../src/replay';
import { runnerIdOf } from '../../src/hook/config';
import { testEngineHost } from '../support/stack';
import { containersLabelled, docker, ecr, networksLabelled, testRunner } from './hook-support';
import type { SavedState, TestRunner } from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => {
  if (!runner) return;
  // Whatever a failing run left behind goes with the runner.
  const label = `dockhand.runner=${runnerIdOf(runner.replayer.layout.temp)}`;
  for (const id of containersLabelled(label)) docker('rm', '--force', id);
  for (const id of networksLabelled(label)) docker('network', 'rm', id);
  runner.dispose();
  runner = undefined;
});

const shellJob = (r: TestRunner) => ({
  container: jobContainer({ image: ecr('dockhand/shell:1') }, r.replayer.layout),
  services: [],
});

/** A runner whose response file a job process replaces (`put` makes the new one) before each call. */
function replacingResponseFile(put: (file: string) => void): TestRunner {
  return testRunner(
    {},
    {
      onResponseFile: (file, moment) => {
        if (moment !== 'created') return;
        rmSync(file);
        put(file);
      },
    },
  );
}

/** A runner whose response file a job process replaces with a link (`link`: a symlink or a hard link) to a file of the runner user's. */
function linkingResponseFile(
  link: (target: string, file: string) => void,
  content: string,
): { linking: TestRunner; victim: string } {
  const victim = { file: '' };
  const linking = replacingResponseFile((file) => link(victim.file, file));
  victim.file = path.join(linking.root, 'victim');
  writeFileSync(victim.file, content);
  return { linking, victim: victim.file };
}

describe('hook, a response file replaced by the job', () => {
  it('refuses a symlink in place of the response file and leaves its target alone', async () => {
    const { linking, victim } = linkingResponseFile(symlinkSync, 'the runner user owns this\n');
    runner = linking;
    const prepare = await runner.replayer.prepareJob(shellJob(runner));
    expect(prepare.exitCode).not.toBe(0);
    expect(runner.output()).toMatch(
      /^::error::dockhand prepare_job: the response file .*\.json is a symlink, not the file the runner created/m,
    );
    expect(readFileSync(victim, 'utf8')).toBe('the runner user owns this\n');
  });

  it('refuses a FIFO in place of the response file without blocking on it', async () => {
    runner = replacingResponseFile((file) => {
      execFileSync('mkfifo', [file]);
    });
    const cleanup = await runner.replayer.cleanupJob();
    expect(cleanup.exitCode).not.toBe(0);
    expect(runner.output()).toMatch(/^::error::dockhand cleanup_job: the response file .* is a FIFO/m);
  });

  it('writes a new file in place of the one the runner created, never into a file linked there', async () => {
    // A hard link is a regular file: only not writing through the path keeps its target whole.
    const { linking, victim } = linkingResponseFile(linkSync, '');
    runner = linking;
    const prepare = await runner.replayer.prepareJob(shellJob(runner));
    expect(prepare.exitCode, runner.output()).toBe(0);
    expect(prepare.response?.state).toBeTruthy();
    expect(readFileSync(victim, 'utf8')).toBe('');
    // The key that signed the state is outside _work, 0600, and goes with the job.
    const { keyName } = prepare.response?.state as { keyName: string };
    const keyFile = path.join(runner.root, 'private', keyName);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect((await runner.replayer.cleanupJob()).exitCode, runner.output()).toBe(0);
    expect(existsSync(keyFile)).toBe(false);
  });
});

/** A runner whose prepare_job response gets its state changed once the hook exited, as a job process could. */
function forgingState(change: (state: SavedState) => SavedState): TestRunner {
  return testRunner(
    {},
    {
      onResponseFile: (file, moment, command) => {
        if (moment !== 'exited' || command !== 'prepare_job') return;
        const response = JSON.parse(readFileSync(file, 'utf8')) as { state: SavedState };
        writeFileSync(file, JSON.stringify({ ...response, state: change(response.state) }));
      },
    },
  );
}

describe('hook, a state forged through the response file', () => {
  let victim: TestRunner | undefined;
  afterEach(async () => {
    if (victim) expect((await victim.replayer.cleanupJob()).exitCode, victim.output()).toBe(0);
    victim?.dispose();
    victim = undefined;
  });

  /** Another runner on the same dockerd, with a job container and a service that logs a secret. */
  async function victimJob(): Promise<SavedState> {
    victim = testRunner({}, { runnerName: 'victim' });
    const prepare = await victim.replayer.prepareJob({
      container: jobContainer({ image: ecr('dockhand/shell:1') }, victim.replayer.layout),
      services: [
        serviceContainer({
          image: ecr('dockhand/web:1'),
          env: { SECRET_LOG: 'victim-only-log-line' },
        }),
      ],
    });
    expect(prepare.exitCode, victim.output()).toBe(0);
    return victim.replayer.state as SavedState;
  }

  it("neither removes another runner's containers nor prints their logs at cleanup_job", async () => {
    const theirs = await victimJob();
    // The victim's service logs its secret.
    docker('exec', theirs.services[0]!.id, 'sh', '-c', 'echo $SECRET_LOG > /proc/1/fd/1');
    runner = forgingState((state) => ({
      ...state,
      container: theirs.container,
      services: theirs.services,
    }));
    expect((await runner.replayer.prepareJob(shellJob(runner))).exitCode, runner.output()).toBe(0);
    const cleanup = await runner.replayer.cleanupJob();
    expect(cleanup.exitCode, runner.output()).toBe(0);
    expect(runner.output()).not.toContain('victim-only-log-line');
    const label = `dockhand.runner=${runnerIdOf(runner.replayer.layout.temp)}`;
    expect(containersLabelled(label)).toEqual([]);
    expect(networksLabelled(label)).toEqual([]);
    // The victim's containers are all still there.
    const victimLabel = `dockhand.runner=${theirs.runnerId}`;
    expect(containersLabelled(victimLabel).sort()).toEqual(
      [theirs.container!.id, theirs.services[0]!.id].map((id) => id.slice(0, 12)).sort(),
    );
    expect(runner.output()).toMatch(
      /^::warning::the saved state does not carry this runner's signature .*; removing only what carries this runner's label$/m,
    );
  });

  it("runs no step in another runner's job container", async () => {
    const theirs = await victimJob();
    runner = forgingState((state) => ({ ...state, container: theirs.container }));
    const job = await replayJob(runner.replayer, {
      container: { image: ecr('dockhand/shell:1') },
      steps: [{ kind: 'script', script: 'echo ran in $HOSTNAME' }],
    });
    expect(job.prepare?.exitCode, runner.output()).toBe(0);
    expect(job.steps[0]?.exitCode).not.toBe(0);
    expect(runner.output()).toMatch(
      /^::error::dockhand run_script_step: the saved state does not carry this runner's signature/m,
    );
    expect(runner.output()).not.toContain('ran in');
    expect(job.cleanup?.exitCode, runner.output()).toBe(0);
  });

  it('removes its own job container once when the state names it by a short id', async () => {
    runner = forgingState((state) => ({
      ...state,
      container: { ...state.container!, id: state.container!.id.slice(0, 12) },
    }));
    expect((await runner.replayer.prepareJob(shellJob(runner))).exitCode, runner.output()).toBe(0);
    expect((await runner.replayer.cleanupJob()).exitCode, runner.output()).toBe(0);
    expect(containersLabelled(`dockhand.runner=${runnerIdOf(runner.replayer.layout.temp)}`)).toEqual([]);
  });
});

describe('hook, removing what is already being removed', () => {
  it('counts a container whose removal is under way as removed', async () => {
    const engine = containerEngineOf(
      new EngineApi(
        // The engine the tests run against (DOCKHAND_TEST_ENGINE), as their docker CLI reaches it.
        {
          socketPath: testEngineHost()?.slice('unix://'.length) ?? '/var/run/docker.sock',
          describe: 'the stack engine',
        },
        createJobLog({ write: () => true }, false),
      ),
    );
    const id = docker(
      'run',
      '--detach',
      '--label',
      'dockhand.test=removal',
      ecr('dockhand/shell:1'),
      'sleep',
      '300',
    );
    // Two removals at once: dockerd answers the second 409 while the first is under way, or 404 after it.
    const removals = await Promise.allSettled([
      engine.remove('container', id),
      engine.remove('container', id),
    ]);
    expect(removals.map((removal) => removal.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(containersLabelled('dockhand.test=removal')).toEqual([]);
  });
});
