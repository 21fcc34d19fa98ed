// A whole container job, played through a hook the way the runner plays it: prepare_job when there is a
// job container or a service, the steps in order until one fails, cleanup_job always after prepare_job.
import {
  containerStep,
  jobContainer,
  scriptStep,
  serviceContainer,
  type ContainerSpec,
  type ContainerStepSpec,
  type ScriptStepSpec,
} from './builders';
import type { HookCall, Replayer } from './replayer';

export type StepSpec = ({ kind: 'script' } & ScriptStepSpec) | ({ kind: 'container' } & ContainerStepSpec);

export interface JobSpec {
  container?: ContainerSpec;
  services?: ContainerSpec[];
  /** The job's `env:`; each step's own env is merged over it. */
  env?: Record<string, string>;
  steps: StepSpec[];
}

export interface JobResult {
  prepare: HookCall | null;
  steps: HookCall[];
  cleanup: HookCall | null;
  /** Every call succeeded. */
  ok: boolean;
}

/** One job's hook calls, each built as the runner builds it; the caller decides the order around them. */
export interface JobCalls {
  /** The runner calls prepare_job and cleanup_job only for a job with a job container or a service. */
  readonly needsPrepare: boolean;
  prepare(): Promise<HookCall>;
  step(step: StepSpec): Promise<HookCall>;
  cleanup(): Promise<HookCall>;
}

export function jobCalls(replayer: Replayer, job: Omit<JobSpec, 'steps'>): JobCalls {
  const { layout } = replayer;
  // The runner skips services with an empty image.
  const services = (job.services ?? []).filter((s) => s.image !== '').map(serviceContainer);
  const container = job.container
    ? jobContainer({ ...job.container, env: { ...job.env, ...job.container.env } }, layout)
    : null;
  return {
    needsPrepare: container !== null || services.length > 0,
    prepare: () => replayer.prepareJob({ container, services }),
    step: (step) => {
      const env = { ...job.env, ...step.env };
      if (step.kind === 'container')
        return replayer.runContainerStep(containerStep({ ...step, env }, layout));
      if (!container) throw new Error('a run: step needs a job container when it goes through the hook');
      return replayer.runScriptStep(scriptStep({ ...step, env }, layout));
    },
    cleanup: () => replayer.cleanupJob(),
  };
}

export async function replayJob(replayer: Replayer, job: JobSpec): Promise<JobResult> {
  const calls = jobCalls(replayer, job);
  const result: JobResult = { prepare: null, steps: [], cleanup: null, ok: false };
  try {
    if (calls.needsPrepare) {
      result.prepare = await calls.prepare();
      if (result.prepare.exitCode !== 0) return result;
    }
    for (const step of job.steps) {
      const call = await calls.step(step);
      result.steps.push(call);
      if (call.exitCode !== 0) return result;
    }
    result.ok = true;
    return result;
  } finally {
    if (calls.needsPrepare) {
      result.cleanup = await calls.cleanup();
      if (result.cleanup.exitCode !== 0) result.ok = false;
    }
  }
}
