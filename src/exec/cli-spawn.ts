// A minimal process seam for the `dockhand` CLI until the shared exec layer lands (the lead reconciles
// the two). Arguments stay a string array down to spawn, the environment is explicit (nothing inherited)
// and every call has a timeout.
import { spawn } from 'node:child_process';

export interface SpawnRequest {
  argv: readonly string[];
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Written to stdin, which is then closed; stdin is empty when absent. */
  input?: string;
  cwd?: string;
}

export interface SpawnResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Thrown when the program could not be started at all (not found, not executable). */
export class SpawnError extends Error {
  override name = 'SpawnError';
}

export function runProcess(request: SpawnRequest): Promise<SpawnResult> {
  const [file, ...args] = request.argv;
  if (file === undefined) return Promise.reject(new SpawnError('runProcess: empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: { ...request.env },
      cwd: request.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, request.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // A child that exits before reading stdin makes the write fail with EPIPE: its exit status says more.
    child.stdin.on('error', () => undefined);
    child.stdin.end(request.input ?? '');
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new SpawnError(`could not start ${file}: ${error.message}`, { cause: error }));
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr, timedOut });
    });
  });
}
