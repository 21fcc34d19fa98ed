// The exec seam against tiny real programs (node -e): exit codes, explicit env, stdin, timeouts, and
// the kind of each failure.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecError, execute } from '../../../src/exec';
import { stillRunningAfter } from '../../support/processes';

async function failure(run: Promise<unknown>): Promise<ExecError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExecError);
  return error as ExecError;
}

const node = (script: string, extra: Partial<Parameters<typeof execute>[0]> = {}) =>
  execute({ file: process.execPath, args: ['-e', script], env: {}, ...extra });

describe('execute', () => {
  it('returns exit code and output, with nothing of our environment inherited', async () => {
    process.env.DOCKHAND_SHOULD_NOT_LEAK = 'leak';
    const result = await node(
      'console.log(JSON.stringify(process.env)); process.stderr.write("warn"); process.exit(4)',
      { env: { ONLY: 'this' } },
    );
    delete process.env.DOCKHAND_SHOULD_NOT_LEAK;
    expect(result.exitCode).toBe(4);
    expect(JSON.parse(result.stdout)).toMatchObject({ ONLY: 'this' });
    expect(result.stdout).not.toContain('leak');
    expect(result.stderr).toBe('warn');
  });

  it('passes input on stdin and closes it', async () => {
    const result = await node(
      'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(s.toUpperCase()))',
      { input: 'secret' },
    );
    expect(result.stdout.trim()).toBe('SECRET');
  });

  it('kills a process that runs too long and says so', async () => {
    const error = await failure(node('setTimeout(()=>{}, 60000)', { timeoutMs: 200 }));
    expect(error).toMatchObject({ kind: 'timeout', signal: 'SIGTERM', exitCode: null });
    expect(error.message).toMatch(/timed out after 200 ms/);
    expect(error.durationMs).toBeGreaterThanOrEqual(200);
  });

  it('ends the whole process group on a timeout, not only the process it started', async () => {
    // The child starts a grandchild (as docker starts a credential helper) that ignores nothing and
    // would sleep on; the child prints the grandchild's pid first.
    const dir = mkdtempSync(path.join(tmpdir(), 'dockhand-exec-group-'));
    try {
      const pidFile = path.join(dir, 'pid');
      const script =
        `const c=require("child_process").spawn("sleep",["60"],{stdio:"ignore"});` +
        `require("fs").writeFileSync(${JSON.stringify(pidFile)},String(c.pid));setTimeout(()=>{},60000)`;
      await failure(node(script, { timeoutMs: 500, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }));
      const grandchild = Number(readFileSync(pidFile, 'utf8'));
      expect(await stillRunningAfter([grandchild])).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says when a process was killed by a signal', async () => {
    const error = await failure(node('process.kill(process.pid, "SIGKILL")'));
    expect(error).toMatchObject({ kind: 'signal', signal: 'SIGKILL', exitCode: null });
    expect(error.message).toMatch(/ was killed by SIGKILL$/);
  });

  it.each([
    ['/nonexistent/docker', 'ENOENT'],
    [__filename, 'EACCES'], // a file without execute permission
  ])('names the cause when %s cannot be started', async (file, code) => {
    const error = await failure(execute({ file, args: ['ps'], env: {} }));
    expect(error.kind).toBe('spawn');
    expect(error.message).toBe(`${file} ps could not be started: ${code}`);
    expect((error.cause as NodeJS.ErrnoException).code).toBe(code);
  });
});
