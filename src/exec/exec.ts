// Runs a command for the hook and the tools: runProcess underneath, in a process group of its own, plus an
// ExecError that names the command, says which way it failed and keeps the cause.
import { runProcess } from './process';

export interface ExecRequest {
  file: string;
  args: readonly string[];
  /** The child's whole environment: nothing is inherited from this process. */
  env: Record<string, string>;
  cwd?: string;
  /** Written to the child's stdin, which is then closed (e.g. a password for --password-stdin). */
  input?: string;
  /** End the child's whole process group (SIGTERM, then SIGKILL) after this long; absent = no limit. */
  timeoutMs?: number;
  /** End it the same way once it has printed more than this many characters; absent = no limit. */
  maxOutput?: number;
  /** Pass the child's stdout/stderr straight through to ours instead of capturing them. */
  inheritOutput?: boolean;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/**
 * How a process failed: it could not be started (`spawn`: the program, not what it talks to, is the
 * problem, so never worth a retry), ran past its limit (`timeout`), was killed by a signal it did not
 * get from us for a timeout (`signal`), printed more than it may (`output`: ended for it), or exited with a
 * failing code (`exit`).
 */
export type ExecFailureKind = 'spawn' | 'timeout' | 'output' | 'signal' | 'exit';

export interface ExecFailure {
  command: string;
  kind: ExecFailureKind;
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
  stderr?: string;
  durationMs?: number;
  timeoutMs?: number;
  maxOutput?: number;
  cause?: unknown;
}

/** The errno-style code of a start failure (EACCES, ENOENT ...), from the error or its causes. */
function codeOf(error: unknown): string | undefined {
  for (let at = error; at instanceof Error; at = at.cause) {
    const code = 'code' in at ? at.code : undefined;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function reasonOf(failure: ExecFailure): string {
  switch (failure.kind) {
    case 'spawn':
      return `could not be started: ${codeOf(failure.cause) ?? (failure.cause instanceof Error ? failure.cause.message : undefined) ?? 'unknown error'}`;
    case 'timeout':
      return `timed out after ${failure.timeoutMs} ms`;
    case 'output':
      return `printed more than ${failure.maxOutput} characters and was ended`;
    case 'signal':
      return `was killed by ${failure.signal}`;
    case 'exit':
      return `exited with code ${failure.exitCode}`;
  }
}

export class ExecError extends Error {
  override name = 'ExecError';
  readonly command: string;
  readonly kind: ExecFailureKind;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly durationMs: number | null;

  constructor(failure: ExecFailure) {
    const stderr = failure.stderr ?? '';
    const detail = stderr.trim() ? `: ${stderr.trim().split('\n').slice(-5).join(' | ')}` : '';
    super(
      `${failure.command} ${reasonOf(failure)}${detail}`,
      failure.cause === undefined ? undefined : { cause: failure.cause },
    );
    this.command = failure.command;
    this.kind = failure.kind;
    this.exitCode = failure.exitCode ?? null;
    this.signal = failure.signal ?? null;
    this.stderr = stderr;
    this.durationMs = failure.durationMs === undefined ? null : Math.round(failure.durationMs);
  }
}

/** Resolves with any exit code; rejects when the process could not start, timed out or was killed. */
export async function execute(request: ExecRequest): Promise<ExecResult> {
  const command = `${request.file} ${request.args[0] ?? ''}`.trim();
  let result;
  try {
    result = await runProcess([request.file, ...request.args], { ...request, ownGroup: true });
  } catch (error) {
    throw new ExecError({ command, kind: 'spawn', cause: error });
  }
  const { stdout, stderr, durationMs, signal, exitCode } = result;
  if (result.timedOut)
    throw new ExecError({
      command,
      kind: 'timeout',
      timeoutMs: request.timeoutMs,
      signal,
      stderr,
      durationMs,
    });
  if (result.overflowed)
    throw new ExecError({ command, kind: 'output', maxOutput: request.maxOutput, durationMs });
  if (exitCode === null) throw new ExecError({ command, kind: 'signal', signal, stderr, durationMs });
  return { exitCode, stdout, stderr, durationMs };
}
