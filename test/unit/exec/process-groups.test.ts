// Stopping every process group this process started (what a cancelled hook does), against real
// programs: one that ignores SIGTERM and has a child of its own. A file of its own: once stopped, this
// module starts nothing more.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExecError, execute, stopAllGroups } from '../../../src/exec';
import { stillRunningAfter } from '../../support/processes';

const dir = mkdtempSync(path.join(tmpdir(), 'dockhand-groups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A process that ignores SIGTERM and starts a `sleep`, whose pid it writes to `pidFile`. */
function stubborn(pidFile: string): Promise<unknown> {
  const script =
    `process.on("SIGTERM",()=>{});const c=require("child_process").spawn("sleep",["60"],{stdio:"ignore"});` +
    `require("fs").writeFileSync(${JSON.stringify(pidFile)},String(c.pid));setInterval(()=>{},1000)`;
  return execute({
    file: process.execPath,
    args: ['-e', script],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  }).catch((error: unknown) => error);
}

async function pidIn(file: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    try {
      return Number(readFileSync(file, 'utf8'));
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`${file} never written`);
}

describe('stopAllGroups', () => {
  it('ends every group, a process deaf to SIGTERM and its child too, and then starts nothing new', async () => {
    const runs = [stubborn(path.join(dir, 'a')), stubborn(path.join(dir, 'b'))];
    const grandchildren = [await pidIn(path.join(dir, 'a')), await pidIn(path.join(dir, 'b'))];
    await stopAllGroups(200);
    for (const run of runs) expect(await run).toMatchObject({ kind: 'signal', signal: 'SIGKILL' });
    expect(await stillRunningAfter(grandchildren)).toEqual([]);

    const late = await execute({ file: process.execPath, args: ['-e', '0'], env: {} }).catch(
      (e: unknown) => e,
    );
    expect(late).toBeInstanceOf(ExecError);
    expect((late as ExecError).message).toMatch(/could not be started: ECANCELED$/);
  });
});
