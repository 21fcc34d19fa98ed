// Runs one process with an explicit environment: argv stays an array from caller to spawn, nothing is
// inherited, no shell. Output is collected and, optionally, streamed as it arrives.
import { spawn } from 'node:child_process';
import { endGroup, groupsStopped, KILL_GRACE_MS, trackGroup } from './process-groups';

export interface ProcessOptions {
  cwd?: string;
  /** The child's whole environment: nothing of this process's environment is inherited. */
  env: Record<string, string>;
  /** Written to stdin, which is then closed; stdin is closed at once when absent. */
  input?: string;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** End the process (SIGTERM, then SIGKILL after a short grace) when it runs longer. */
  timeoutMs?: number;
  /** End it the same way once its stdout and stderr together pass this many characters (kept so far). */
  maxOutput?: number;
  /**
   * Ends the process when `signal` aborts: each of `escalation`'s signals is sent that many ms after the
   * abort while it still runs (the runner cancels a hook with SIGINT, then SIGTERM, then SIGKILL).
   */
  cancel?: { signal: AbortSignal; escalation: ReadonlyArray<readonly [number, NodeJS.Signals]> };
  /**
   * Hand our stdout/stderr to the child (a step's live output): nothing is collected or copied through
   * this process, which keeps long outputs out of memory.
   */
  inheritOutput?: boolean;
  /**
   * Start it as the leader of a process group of its own: a timeout, or stopAllGroups, then ends what
   * it started too. Without it, the child stays in our group (a terminal's Ctrl-C reaches it).
   */
  ownGroup?: boolean;
}

export interface ProcessResult {
  command: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** It printed more than `maxOutput` and was ended for it. */
  overflowed: boolean;
}

/** Rejects when the process could not be started; the error's `code` says why (EACCES, ENOENT ...). */
export function runProcess(command: string[], options: ProcessOptions): Promise<ProcessResult> {
  const [file, ...args] = command;
  if (!file) throw new Error('runProcess: empty command');
  if (options.ownGroup && groupsStopped()) return Promise.reject(cancelled(file));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const output = options.inheritOutput ? 'inherit' : 'pipe';
    // No input: stdin is /dev/null (closed at once for the child, and no pipe for us to set up).
    const input = options.input === undefined ? 'ignore' : 'pipe';
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: [input, output, output],
      detached: options.ownGroup ?? false,
    });
    if (options.ownGroup) trackGroup(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let overflowed = false;
    const end = () => {
      if (options.ownGroup && child.pid !== undefined) return endGroup(child.pid);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
    };
    const checkSize = () => {
      if (overflowed || options.maxOutput === undefined) return;
      if (stdout.length + stderr.length <= options.maxOutput) return;
      overflowed = true;
      end();
    };
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (overflowed) return;
      stdout += chunk;
      options.onStdout?.(chunk);
      checkSize();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (overflowed) return;
      stderr += chunk;
      options.onStderr?.(chunk);
      checkSize();
    });
    child.stdin?.on('error', () => {}); // a child that exits without reading stdin is not our failure
    child.stdin?.end(options.input);
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            end();
          }, options.timeoutMs);
    const cancelTimers: NodeJS.Timeout[] = [];
    const onCancel = () => {
      for (const [after, signal] of options.cancel?.escalation ?? []) {
        cancelTimers.push(
          setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill(signal), after),
        );
      }
    };
    if (options.cancel?.signal.aborted) onCancel();
    else options.cancel?.signal.addEventListener('abort', onCancel, { once: true });
    const settle = () => {
      clearTimeout(timer);
      cancelTimers.forEach(clearTimeout);
      options.cancel?.signal.removeEventListener('abort', onCancel);
    };
    child.on('error', (err) => {
      settle();
      reject(
        Object.assign(new Error(`could not start ${file}: ${err.message}`, { cause: err }), {
          code: 'code' in err ? err.code : undefined,
        }),
      );
    });
    child.on('close', (exitCode, signal) => {
      settle();
      resolve({
        command,
        exitCode,
        signal,
        stdout,
        stderr,
        durationMs: performance.now() - started,
        timedOut,
        overflowed,
      });
    });
  });
}

/** What starting a process after stopAllGroups gives: the hook is ending and starts nothing new. */
function cancelled(file: string): Error {
  return Object.assign(new Error(`could not start ${file}: this process is being stopped`), {
    code: 'ECANCELED',
  });
}
