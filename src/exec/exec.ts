// Runs a command for the hook and the tools: runProcess underneath, plus an ExecError that names the
// command, says why it failed and keeps the cause.
import { runProcess } from './process';

export interface ExecRequest {
  file: string;
  args: readonly string[];
  /** The child's whole environment: nothing is inherited from this process. */
  env: Record<string, string>;
  cwd?: string;
  /** Written to the child's stdin, which is then closed (e.g. a password for --password-stdin). */
  input?: string;
  /** Kill the child (SIGTERM, then SIGKILL 5 s later) after this long; absent = no limit. */
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
  override name = 'ExecError';
  readonly command: string;
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(command: string, exitCode: number | null, stderr: string, reason: string, cause?: unknown) {
    const detail = stderr.trim() ? `: ${stderr.trim().split('\n').slice(-5).join(' | ')}` : '';
    super(`${command} ${reason}${detail}`, cause === undefined ? undefined : { cause });
    this.command = command;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** Resolves with any exit code; rejects when the process could not run or timed out. */
export async function execute(request: ExecRequest): Promise<ExecResult> {
  const label = `${request.file} ${request.args[0] ?? ''}`.trim();
  let result;
  try {
    result = await runProcess([request.file, ...request.args], request);
  } catch (error) {
    throw new ExecError(label, null, '', 'could not be started', error);
  }
  if (result.timedOut)
    throw new ExecError(label, null, result.stderr, `timed out after ${request.timeoutMs} ms`);
  return { exitCode: result.exitCode ?? 128, stdout: result.stdout, stderr: result.stderr };
}
