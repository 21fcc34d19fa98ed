// Calls a container hook exactly as the runner does: `<root>/externals/node20/bin/node <hook>` with the
// runner's environment, cwd = the host workspace, a new EMPTY response file created first, one compact
// JSON line (nulls included) on stdin and stdin closed; then reads the response as the runner would.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runProcess } from '../exec';
import type {
  HookArgsByCommand,
  HookCommand,
  HookInput,
  PrepareJobArgs,
  PrepareJobResponse,
  RunContainerStepArgs,
  RunScriptStepArgs,
} from '../protocol/hook-types';
import type { JsonObject } from '../protocol/json';
import { checkPrepareJobResponse, nextState, parseResponseFile } from './checks';
import { createJobLayout, type JobLayout } from './layout';

export interface ReplayerOptions {
  /** Absolute path of the hook script (`.js`). */
  hookPath: string;
  /** The runner's root folder; its layout is created. */
  runnerRoot: string;
  /** The runner process's own environment (what `.env` and the service gave it): nothing else is inherited. */
  env: Record<string, string>;
  repository?: string;
  runnerName?: string;
  /** The node that runs the hook; `<root>/externals/node20/bin/node` by default, as the runner does. */
  nodePath?: string;
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /**
   * Called with each call's response file once the runner created it ('created') and once the hook exited,
   * before the runner reads it ('exited'): where a job process could replace it (tests of that).
   */
  onResponseFile?: (file: string, moment: 'created' | 'exited', command: HookCommand) => void;
}

export interface HookCall<R = unknown> {
  command: HookCommand;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The response as the runner read it; null when the file was empty or the hook failed. */
  response: R | null;
  durationMs: number;
}

/**
 * How the runner cancels a hook call (a timeout, a cancelled job): SIGINT to the hook, SIGTERM 7.5 s
 * later, SIGKILL 2.5 s after that (Runner.Sdk ProcessInvoker; docs/runner-protocol.md).
 */
export const RUNNER_CANCEL_ESCALATION = [
  [0, 'SIGINT'],
  [7500, 'SIGTERM'],
  [10_000, 'SIGKILL'],
] as const;

/** Each call but cleanup_job (which the runner never cancels) may be cancelled as the runner does. */
export interface Replayer {
  layout: JobLayout;
  /** The state the runner would send with the next call. */
  readonly state: unknown;
  prepareJob(args: PrepareJobArgs, cancel?: AbortSignal): Promise<HookCall<PrepareJobResponse>>;
  runScriptStep(args: RunScriptStepArgs, cancel?: AbortSignal): Promise<HookCall>;
  runContainerStep(args: RunContainerStepArgs, cancel?: AbortSignal): Promise<HookCall>;
  cleanupJob(): Promise<HookCall>;
}

export function hookEnvironment(
  layout: JobLayout,
  base: Record<string, string>,
  runnerName: string,
): Record<string, string> {
  return {
    ...base,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: layout.workspace,
    GITHUB_REPOSITORY: layout.repository,
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_JOB: 'test',
    RUNNER_NAME: runnerName,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: layout.temp,
    RUNNER_WORKSPACE: path.dirname(layout.workspace),
    RUNNER_TOOL_CACHE: layout.toolCache,
  };
}

export function createReplayer(options: ReplayerOptions): Replayer {
  const layout = createJobLayout(options.runnerRoot, options.repository);
  const env = hookEnvironment(layout, options.env, options.runnerName ?? 'self-hosted-1');
  const node = options.nodePath ?? layout.node;
  let state: unknown = null;

  async function call<C extends HookCommand>(
    command: C,
    args: HookArgsByCommand[C],
    cancel?: AbortSignal,
  ): Promise<HookCall<JsonObject>> {
    const responseFile = path.join(layout.responses, `${randomUUID()}.json`);
    writeFileSync(responseFile, '');
    options.onResponseFile?.(responseFile, 'created', command);
    const input: HookInput<C> = { command, responseFile, args, state };
    try {
      const result = await runProcess([node, options.hookPath], {
        cwd: layout.workspace,
        env,
        input: JSON.stringify(input) + '\n',
        onStdout: (chunk) => options.onOutput?.(chunk, 'stdout'),
        onStderr: (chunk) => options.onOutput?.(chunk, 'stderr'),
        cancel: cancel && { signal: cancel, escalation: RUNNER_CANCEL_ESCALATION },
      });
      const ok = result.exitCode === 0;
      options.onResponseFile?.(responseFile, 'exited', command);
      const response = ok ? parseResponseFile(readFileSync(responseFile, 'utf8')) : null;
      if (ok) state = nextState(response, state);
      return {
        command,
        exitCode: result.exitCode,
        stdout: result.stdout,
        stderr: result.stderr,
        response,
        durationMs: result.durationMs,
      };
    } finally {
      rmSync(responseFile, { force: true });
    }
  }

  return {
    layout,
    get state() {
      return state;
    },
    async prepareJob(args, cancel) {
      const result = await call('prepare_job', args, cancel);
      if (result.exitCode !== 0) return { ...result, response: null };
      return {
        ...result,
        response: checkPrepareJobResponse(result.response, args),
      };
    },
    runScriptStep: (args, cancel) => call('run_script_step', args, cancel),
    runContainerStep: (args, cancel) => call('run_container_step', args, cancel),
    cleanupJob: async () => {
      // The runner ignores cleanup_job's response.
      const result = await call('cleanup_job', {});
      return { ...result, response: null };
    },
  };
}
