// The one place that starts processes: an argv array (never a shell), an explicit environment (nothing is
// inherited), a bounded run time, optional live streaming, and an ExecError that keeps what went wrong.
import { spawn } from 'node:child_process';

export interface ExecRequest {
  file: string;
  args: readonly string[];
  /** The child's whole environment: nothing is inherited from this process. */
  env: Record<string, string>;
  cwd?: string;
  /** Written to the child's stdin, which is then closed (e.g. a password for --password-stdin). */
  input?: string;
  /** Kill the child (SIGTERM, then SIGKILL 5 s later) after this long; 0 = no limit. */
  timeoutMs?: number;
  /** Pass the child's stdout/stderr straight through to ours instead of capturing them. */
  inheritOutput?: boolean;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class ExecError extends Error {
  readonly command: string;
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(command: string, exitCode: number | null, stderr: string, reason: string, cause?: unknown) {
    const detail = stderr.trim() ? `: ${lastLines(stderr.trim(), 5)}` : '';
    super(`${command} ${reason}${detail}`, cause === undefined ? undefined : { cause });
    this.name = 'ExecError';
    this.command = command;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

function lastLines(text: string, count: number): string {
  return text.split('\n').slice(-count).join(' | ');
}

/** Runs to completion; resolves with the exit code, rejects only when the process could not run or timed out. */
export function execute(request: ExecRequest): Promise<ExecResult> {
  const label = `${request.file} ${request.args[0] ?? ''}`.trim();
  return new Promise((resolve, reject) => {
    const child = spawn(request.file, request.args, {
      env: request.env,
      cwd: request.cwd,
      stdio: [
        request.input === undefined ? 'ignore' : 'pipe',
        request.inheritOutput ? 'inherit' : 'pipe',
        request.inheritOutput ? 'inherit' : 'pipe',
      ],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = request.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
        }, request.timeoutMs)
      : undefined;
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new ExecError(label, null, stderr, 'could not be started', error));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new ExecError(label, null, stderr, `timed out after ${request.timeoutMs} ms`));
      else resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    if (request.input !== undefined && child.stdin) {
      // A child that exits without reading its stdin must not crash us with EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(request.input);
    }
  });
}

/** Like execute, but a non-zero exit is an ExecError too. */
export async function executeOk(request: ExecRequest): Promise<ExecResult> {
  const result = await execute(request);
  if (result.exitCode !== 0) {
    const label = `${request.file} ${request.args[0] ?? ''}`.trim();
    throw new ExecError(label, result.exitCode, result.stderr, `exited with code ${result.exitCode}`);
  }
  return result;
}
