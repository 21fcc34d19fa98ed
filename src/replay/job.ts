// A whole container job, played through a hook the way the runner plays it: prepare_job when there is a
// job container or a service, the steps in order until one fails, cleanup_job always after prepare_job.
import type { HookContainer } from '../protocol/hook-types';
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

export async function replayJob(replayer: Replayer, job: JobSpec): Promise<JobResult> {
  const { layout } = replayer;
  const services: HookContainer[] = (job.services ?? []).filter((s) => s.image !== '').map(serviceContainer);
  const container = job.container
    ? jobContainer({ ...job.container, env: { ...job.env, ...job.container.env } }, layout)
    : null;
  const needsPrepare = container !== null || services.length > 0;

  const result: JobResult = { prepare: null, steps: [], cleanup: null, ok: false };
  try {
    if (needsPrepare) {
      result.prepare = await replayer.prepareJob({ container, services });
      if (result.prepare.exitCode !== 0) return result;
    }
    for (const step of job.steps) {
      const env = { ...job.env, ...step.env };
      let call: HookCall;
      if (step.kind === 'script') {
        if (!container) throw new Error('a run: step needs a job container when it goes through the hook');
        call = await replayer.runScriptStep(scriptStep({ ...step, env }, layout));
      } else {
        call = await replayer.runContainerStep(containerStep({ ...step, env }, layout));
      }
      result.steps.push(call);
      if (call.exitCode !== 0) return result;
    }
    result.ok = true;
    return result;
  } finally {
    if (needsPrepare) {
      result.cleanup = await replayer.cleanupJob();
      if (result.cleanup.exitCode !== 0) result.ok = false;
    }
  }
}
