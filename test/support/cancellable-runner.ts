// Calls the hook as the runner does (src/replay), and cancels a call as the runner does: on Linux its
// ProcessInvoker sends SIGINT to the hook's PID only, SIGTERM 7.5 s later, and 2.5 s after that kills
// that one process (NixKillProcessTree is `_proc.Kill()`, not a tree kill). After the hook exits it waits
// at most 5 s for the output pipes to close and then goes on: children the hook left are never killed.
// Each call also samples the hook's peak resident memory (VmHWM) from /proc while it runs.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type {
  HookArgsByCommand,
  HookCommand,
  HookInput,
  PrepareJobArgs,
  RunContainerStepArgs,
  RunScriptStepArgs,
} from '../../src/protocol/hook-types';
import {
  checkPrepareJobResponse,
  createJobLayout,
  hookEnvironment,
  nextState,
  parseResponseFile,
  type JobLayout,
} from '../../src/replay';

/** The first signal the hook gets; the runner's escalation follows from there. */
export type CancelSignal = 'SIGINT' | 'SIGTERM' | 'SIGKILL';

export interface Cancellation {
  /** Milliseconds after the hook started. */
  afterMs: number;
  signal: CancelSignal;
}

export interface CancellableCall {
  command: HookCommand;
  exitCode: number | null;
  /** The signal that ended the hook, if one did. */
  signal: NodeJS.Signals | null;
  /** A cancellation signal reached the hook while it ran (false when it had ended before). */
  cancelled: boolean;
  output: string;
  durationMs: number;
  /** Highest VmHWM seen while it ran, in kB (sampled: 0 when it ended before the first sample). */
  peakRssKb: number;
  /** The call failed in a way the runner would not accept (a non-zero exit, or a bad response). */
  failure: string | null;
}

export interface CancellableRunner {
  layout: JobLayout;
  readonly state: unknown;
  prepareJob(args: PrepareJobArgs, cancel?: Cancellation): Promise<CancellableCall>;
  runScriptStep(args: RunScriptStepArgs, cancel?: Cancellation): Promise<CancellableCall>;
  runContainerStep(args: RunContainerStepArgs, cancel?: Cancellation): Promise<CancellableCall>;
  cleanupJob(cancel?: Cancellation): Promise<CancellableCall>;
}

export interface CancellableRunnerOptions {
  hookPath: string;
  runnerRoot: string;
  env: Record<string, string>;
  runnerName?: string;
}

// The runner's timings (Runner.Sdk/ProcessInvoker.cs).
const SIGINT_GRACE_MS = 7500;
const SIGTERM_GRACE_MS = 2500;
const PIPES_GRACE_MS = 5000;
const SAMPLE_EVERY_MS = 10;

function peakRssKbOf(pid: number): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // it ended between two samples
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createCancellableRunner(options: CancellableRunnerOptions): CancellableRunner {
  const layout = createJobLayout(options.runnerRoot);
  const env = hookEnvironment(layout, options.env, options.runnerName ?? 'self-hosted-1');
  let state: unknown = null;

  async function call<C extends HookCommand>(
    command: C,
    args: HookArgsByCommand[C],
    cancel: Cancellation | undefined,
  ): Promise<[CancellableCall, Record<string, unknown> | null]> {
    const responseFile = path.join(layout.responses, `${randomUUID()}.json`);
    writeFileSync(responseFile, '');
    const input: HookInput<C> = { command, responseFile, args, state };
    const started = performance.now();
    const child = spawn(layout.node, [options.hookPath], {
      cwd: layout.workspace,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const pid = child.pid as number;
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.stdin.end(JSON.stringify(input) + '\n');

    let peakRssKb = peakRssKbOf(pid);
    const sampler = setInterval(() => (peakRssKb = Math.max(peakRssKb, peakRssKbOf(pid))), SAMPLE_EVERY_MS);
    let running = true;
    let cancelled = false;
    const timers: NodeJS.Timeout[] = [];
    const send = (signal: NodeJS.Signals) => {
      if (running) child.kill(signal);
    };
    if (cancel) {
      const escalation: Array<[number, NodeJS.Signals]> =
        cancel.signal === 'SIGINT'
          ? [
              [0, 'SIGINT'],
              [SIGINT_GRACE_MS, 'SIGTERM'],
              [SIGINT_GRACE_MS + SIGTERM_GRACE_MS, 'SIGKILL'],
            ]
          : cancel.signal === 'SIGTERM'
            ? [
                [0, 'SIGTERM'],
                [SIGTERM_GRACE_MS, 'SIGKILL'],
              ]
            : [[0, 'SIGKILL']];
      for (const [after, signal] of escalation) {
        timers.push(
          setTimeout(() => {
            if (after === 0 && running) cancelled = true;
            send(signal);
          }, cancel.afterMs + after),
        );
      }
    }
    const pipesClosed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (code, sig) => resolve([code, sig])),
    );
    running = false;
    clearInterval(sampler);
    for (const timer of timers) clearTimeout(timer);
    await Promise.race([pipesClosed, delay(PIPES_GRACE_MS)]);
    const durationMs = performance.now() - started;

    let response: Record<string, unknown> | null = null;
    let failure: string | null = null;
    try {
      if (exitCode === 0) {
        response = parseResponseFile(readFileSync(responseFile, 'utf8'));
        state = nextState(response, state);
      } else {
        failure = `${command} ended with ${signal ?? `exit code ${exitCode}`}`;
      }
    } catch (error) {
      failure = `${command}: ${(error as Error).message}`;
    } finally {
      rmSync(responseFile, { force: true });
    }
    return [{ command, exitCode, signal, cancelled, output, durationMs, peakRssKb, failure }, response];
  }

  return {
    layout,
    get state() {
      return state;
    },
    async prepareJob(args, cancel) {
      const [result, response] = await call('prepare_job', args, cancel);
      if (result.failure) return result;
      try {
        checkPrepareJobResponse(response, args);
        return result;
      } catch (error) {
        return { ...result, failure: `prepare_job: ${(error as Error).message}` };
      }
    },
    runScriptStep: async (args, cancel) => (await call('run_script_step', args, cancel))[0],
    runContainerStep: async (args, cancel) => (await call('run_container_step', args, cancel))[0],
    // The runner ignores cleanup_job's response.
    cleanupJob: async (cancel) => (await call('cleanup_job', {}, cancel))[0],
  };
}
