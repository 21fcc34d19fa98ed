// A whole container job, played through a hook the way the runner plays it: prepare_job when there is a
// job container or a service, the steps in order (after a failure only those the caller's conditions
// let run), cleanup_job always after prepare_job.
import {
  containerStep,
  jobContainer,
  scriptStep,
  serviceContainer,
  type WorkflowContainer,
  type ContainerStepSpec,
  type ScriptStepSpec,
} from './builders';
import type { HookCall, Replayer } from './replayer';

/**
 * What a step's failure does to the job: `continueOnError` leaves the job's status as it was. A step
 * running longer than `timeoutMs` is cancelled as the runner cancels it, and fails.
 */
interface StepOutcome {
  continueOnError?: boolean;
  timeoutMs?: number;
}

/** The job's status as the steps' conditions see it (success(), failure(), cancelled()). */
export type JobStatus = 'success' | 'failure' | 'cancelled';

/**
 * A hook step, or a step the caller will not play through the hook (it makes no call; see `onSkip`);
 * `failed` when it failed before any call (its expressions), which fails the job as a failed call does.
 */
export type StepSpec =
  | ({ kind: 'script' } & ScriptStepSpec & StepOutcome)
  | ({ kind: 'container' } & ContainerStepSpec & StepOutcome)
  | { kind: 'skip'; failed?: boolean; continueOnError?: boolean };

/**
 * The step at `index`, decided when it is reached from the job's status so far (a workflow's `if:`
 * conditions and earlier steps' outputs); undefined when the job has no more steps.
 */
export type StepSource = (index: number, status: JobStatus) => StepSpec | undefined;

export interface JobSpec {
  container?: WorkflowContainer;
  services?: WorkflowContainer[];
  /** The job's `env:`; each step's own env is merged over it. */
  env?: Record<string, string>;
  /** A list plays until a step fails; a source decides each step as it is reached. */
  steps: StepSpec[] | StepSource;
}

export interface JobResult {
  prepare: HookCall | null;
  /** The hook calls of the steps that ran, in order. */
  steps: HookCall[];
  cleanup: HookCall | null;
  /** Every call succeeded, but for steps that may fail (`continueOnError`). */
  ok: boolean;
}

/** Which hook call of a job: prepare_job, the step at `index` of JobSpec.steps, or cleanup_job. */
export type JobCall = { phase: 'prepare' } | { phase: 'step'; index: number } | { phase: 'cleanup' };

/** What a caller (a job log, a summary) sees of a job while it plays; every method is optional. */
export interface JobObserver {
  onStart?(call: JobCall): void;
  onEnd?(call: JobCall, result: HookCall): void;
  /** A `skip` step was reached (a list's steps after a failure are never reached). */
  onSkip?(index: number): void;
}

/** One job's hook calls, each built as the runner builds it. */
function jobCalls(replayer: Replayer, job: JobSpec) {
  const { layout } = replayer;
  // The runner skips services with an empty image.
  const services = (job.services ?? []).filter((s) => s.image !== '').map(serviceContainer);
  // As the runner: the job container gets its own `container.env` only; the job's `env:` goes to steps.
  const container = job.container ? jobContainer(job.container, layout) : null;
  return {
    /** The runner calls prepare_job and cleanup_job only for a job with a job container or a service. */
    needsPrepare: container !== null || services.length > 0,
    prepare: (cancel?: AbortSignal) => replayer.prepareJob({ container, services }, cancel),
    step: (step: Exclude<StepSpec, { kind: 'skip' }>, cancel?: AbortSignal) => {
      const env = { ...job.env, ...step.env };
      if (step.kind === 'container')
        return replayer.runContainerStep(containerStep({ ...step, env }, layout), cancel);
      if (!container) throw new Error('a run: step needs a job container when it goes through the hook');
      return replayer.runScriptStep(scriptStep({ ...step, env }, layout), cancel);
    },
    cleanup: () => replayer.cleanupJob(),
  };
}

/** Aborts when `job` does (only while the job is not cancelled yet) or the step runs past its timeout. */
function stepCancel(job: AbortSignal | undefined, timeoutMs: number | undefined): AbortSignal | undefined {
  const signals = [
    ...(job !== undefined && !job.aborted ? [job] : []),
    ...(timeoutMs !== undefined ? [AbortSignal.timeout(timeoutMs)] : []),
  ];
  return signals.length === 0 ? undefined : AbortSignal.any(signals);
}

/**
 * Plays a job in the runner's order: prepare_job when there is a job container or a service, the steps
 * (a list until one fails; a source as its conditions decide), and cleanup_job always after prepare_job
 * (also when a call threw or the job was cancelled). `cancel` cancels the job as the runner does: the
 * call running is interrupted, the next steps see the status `cancelled`, cleanup_job still runs. The
 * one player for tests, benchmarks and `dockhand run`; the observer only watches.
 */
export async function replayJob(
  replayer: Replayer,
  job: JobSpec,
  observer: JobObserver = {},
  cancel?: AbortSignal,
): Promise<JobResult> {
  const calls = jobCalls(replayer, job);
  const result: JobResult = { prepare: null, steps: [], cleanup: null, ok: false };
  const play = async (call: JobCall, run: () => Promise<HookCall>): Promise<HookCall> => {
    observer.onStart?.(call);
    const done = await run();
    observer.onEnd?.(call, done);
    return done;
  };
  try {
    if (calls.needsPrepare) {
      result.prepare = await play({ phase: 'prepare' }, () => calls.prepare(cancel));
      if (result.prepare.exitCode !== 0 || cancel?.aborted === true) return result;
    }
    const { steps } = job;
    const source: StepSource = Array.isArray(steps)
      ? (index, status) => (status === 'success' ? steps[index] : undefined)
      : steps;
    let failed = false;
    const status = (): JobStatus => (cancel?.aborted === true ? 'cancelled' : failed ? 'failure' : 'success');
    for (let index = 0, step = source(0, status()); step !== undefined; step = source(++index, status())) {
      if (step.kind === 'skip') {
        observer.onSkip?.(index);
        if (step.failed === true && step.continueOnError !== true) failed = true;
        continue;
      }
      const spec = step;
      const call = await play({ phase: 'step', index }, () =>
        calls.step(spec, stepCancel(cancel, spec.timeoutMs)),
      );
      result.steps.push(call);
      if (call.exitCode !== 0 && spec.continueOnError !== true) failed = true;
    }
    result.ok = status() === 'success';
    return result;
  } finally {
    if (calls.needsPrepare) {
      result.cleanup = await play({ phase: 'cleanup' }, calls.cleanup);
      if (result.cleanup.exitCode !== 0) result.ok = false;
    }
  }
}
