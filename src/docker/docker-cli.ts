// Thin runner for the docker CLI: one binary, the host-side environment set once, command lines echoed
// only in debug runs (they never hold secrets: values travel in the environment or on stdin).
import { execute, ExecError, type ExecResult } from '../exec';
import type { JobLog } from '../protocol/job-log';

export interface DockerCallOptions {
  /** Replaces the CLI's environment for this call (e.g. a throw-away DOCKER_CONFIG, or a job's values). */
  env?: Record<string, string>;
  input?: string;
  inheritOutput?: boolean;
  /** null = no limit (a step runs as long as it runs, as with the runner). */
  timeoutMs?: number | null;
}

/** A docker CLI call: a daemon that does not answer fails it instead of hanging the job. */
export const DOCKER_CALL_TIMEOUT_MS = 120_000;

export class DockerCli {
  constructor(
    readonly dockerPath: string,
    readonly env: Record<string, string>,
    private readonly log: JobLog,
    private readonly defaultTimeoutMs = DOCKER_CALL_TIMEOUT_MS,
  ) {}

  /** Resolves with any exit code. */
  async run(args: string[], options: DockerCallOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const result = await execute({
      file: this.dockerPath,
      args,
      env: options.env ?? this.env,
      input: options.input,
      inheritOutput: options.inheritOutput,
      timeoutMs: options.timeoutMs === null ? undefined : (options.timeoutMs ?? this.defaultTimeoutMs),
    });
    this.log.debug(`docker ${args.join(' ')} (exit ${result.exitCode}, ${Date.now() - started} ms)`);
    return result;
  }

  /** Rejects with an ExecError on a non-zero exit. */
  async ok(args: string[], options: DockerCallOptions = {}): Promise<ExecResult> {
    const result = await this.run(args, options);
    if (result.exitCode !== 0) {
      // Named by its verb ("docker network create"): the words before the first flag.
      const verb = args
        .slice(
          0,
          Math.max(
            1,
            args.findIndex((arg) => arg.startsWith('-')),
          ),
        )
        .join(' ');
      throw new ExecError({
        command: `docker ${verb}`,
        kind: 'exit',
        exitCode: result.exitCode,
        stderr: result.stderr,
        durationMs: result.durationMs,
      });
    }
    return result;
  }
}
