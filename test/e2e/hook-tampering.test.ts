// A job's steps can replace any file under `_work`, the response file included, between and during hook
// calls. These tests do what such a step would do, at the moments it could, against the real hook on the
// real stack: the hook writes through nothing it did not create and acts on no container that is not its own.
import { execFileSync } from 'node:child_process';
import { linkSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jobContainer } from '../../src/replay';
import { runnerIdOf } from '../../src/hook/config';
import {
  containersLabelled,
  docker,
  ecr,
  networksLabelled,
  testRunner,
  type TestRunner,
} from './hook-support';

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

describe('hook, a response file replaced by the job', () => {
  it('refuses a symlink in place of the response file and leaves its target alone', async () => {
    const victim = { file: '' };
    runner = testRunner(
      {},
      {
        onResponseFile: (file, moment) => {
          if (moment !== 'created') return;
          rmSync(file);
          symlinkSync(victim.file, file);
        },
      },
    );
    victim.file = path.join(runner.root, 'victim');
    writeFileSync(victim.file, 'the runner user owns this\n');
    const prepare = await runner.replayer.prepareJob(shellJob(runner));
    expect(prepare.exitCode).not.toBe(0);
    expect(runner.output()).toMatch(
      /^::error::dockhand prepare_job: the response file .*\.json is a symlink, not the file the runner created/m,
    );
    expect(readFileSync(victim.file, 'utf8')).toBe('the runner user owns this\n');
  });

  it('refuses a FIFO in place of the response file without blocking on it', async () => {
    runner = testRunner(
      {},
      {
        onResponseFile: (file, moment) => {
          if (moment !== 'created') return;
          rmSync(file);
          execFileSync('mkfifo', [file]);
        },
      },
    );
    const cleanup = await runner.replayer.cleanupJob();
    expect(cleanup.exitCode).not.toBe(0);
    expect(runner.output()).toMatch(/^::error::dockhand cleanup_job: the response file .* is a FIFO/m);
  });

  it('writes a new file in place of the one the runner created, never into a file linked there', async () => {
    const victim = { file: '' };
    runner = testRunner(
      {},
      {
        onResponseFile: (file, moment) => {
          if (moment !== 'created') return;
          rmSync(file);
          // A hard link is a regular file: only not writing through the path keeps its target whole.
          linkSync(victim.file, file);
        },
      },
    );
    victim.file = path.join(runner.root, 'victim');
    writeFileSync(victim.file, '');
    const prepare = await runner.replayer.prepareJob(shellJob(runner));
    expect(prepare.exitCode, runner.output()).toBe(0);
    expect(prepare.response?.state).toBeTruthy();
    expect(readFileSync(victim.file, 'utf8')).toBe('');
    expect((await runner.replayer.cleanupJob()).exitCode, runner.output()).toBe(0);
  });
});
