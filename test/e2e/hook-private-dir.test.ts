// HOOK_PRIVATE_DIR as the runner gives it: a link into the runner's _work (which jobs can read) is
// refused in one line before anything is created, and so is a folder others can write.
import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runnerIdOf } from '../../src/hook/config';
import { replayJob } from '../../src/replay';
import { makeTempDir, removeTempDirs } from '../support/temp';
import { containersLabelled, networksLabelled, plain, testRunner, type TestRunner } from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());
afterAll(removeTempDirs);

async function refusedPrepare(privateDir: string, prepare: (r: TestRunner) => void): Promise<string[]> {
  runner = testRunner({ HOOK_PRIVATE_DIR: privateDir });
  prepare(runner);
  const result = await replayJob(runner.replayer, {
    container: { image: plain('dockhand/shell:1') },
    steps: [],
  });
  expect(result.prepare?.exitCode).not.toBe(0);
  const label = `dockhand.runner=${runnerIdOf(runner.replayer.layout.temp)}`;
  expect(containersLabelled(label)).toEqual([]);
  expect(networksLabelled(label)).toEqual([]);
  return (result.prepare?.stdout ?? '').trim().split('\n');
}

describe('hook, HOOK_PRIVATE_DIR', () => {
  it("refuses a link into the runner's _work", async () => {
    const link = path.join(makeTempDir('dockhand-private-link-'), 'private');
    const lines = await refusedPrepare(link, (r) => symlinkSync(r.replayer.layout.temp, link));
    expect(lines).toEqual([
      `::error::dockhand prepare_job: HOOK_PRIVATE_DIR ${link} (a link to ${runner?.replayer.layout.temp}) is inside the runner's _work folder, which jobs can read; set HOOK_PRIVATE_DIR to a folder outside it`,
    ]);
  });

  it('refuses a folder others can write', async () => {
    const open = path.join(makeTempDir('dockhand-private-open-'), 'private');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const lines = await refusedPrepare(open, () => undefined);
    expect(lines).toEqual([
      `::error::dockhand prepare_job: HOOK_PRIVATE_DIR ${open} can be written by others (mode 777); run chmod go-w on it, or use a folder only the runner user can write`,
    ]);
  });
});
