// The exec seam against tiny real programs (node -e): exit codes, explicit env, stdin, timeouts.
import { describe, expect, it } from 'vitest';
import { ExecError, execute } from '../../../src/exec';

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
    await expect(node('setTimeout(()=>{}, 60000)', { timeoutMs: 200 })).rejects.toThrow(
      /timed out after 200 ms/,
    );
  });

  it('keeps the cause when a program cannot start', async () => {
    const error = await execute({ file: '/nonexistent/docker', args: ['ps'], env: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExecError);
    expect((error as ExecError).message).toBe('/nonexistent/docker ps could not be started');
    expect(((error as ExecError).cause as Error).message).toContain('ENOENT');
  });
});
