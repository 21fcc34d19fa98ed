// Plays a planned job through the replayer's job player (src/replay/job.ts, the runner's order), printing
// a header before each hook call or skipped step and collecting a row per step for the summary.
import { replayJob, type HookCall, type JobCall, type Replayer } from '../../replay';
import type { StepRow } from './summary';
import type { WorkflowJob } from './workflow';

export interface PlayOutput {
  header(title: string): void;
}

const PREPARE = 'Initialize containers';
const CLEANUP = 'Stop containers';

function row(name: string, call: HookCall): StepRow {
  return { name, status: call.exitCode === 0 ? 'success' : 'failure', durationMs: call.durationMs };
}

export async function playJob(replayer: Replayer, plan: WorkflowJob, out: PlayOutput): Promise<StepRow[]> {
  // Steps the player never reaches (after a failure) keep 'not run'.
  const stepRows: StepRow[] = plan.steps.map((step) => ({ name: step.name, status: 'not run' }));
  let prepareRow: StepRow | undefined;
  let cleanupRow: StepRow | undefined;
  const nameOf = (call: JobCall) =>
    call.phase === 'step'
      ? (plan.steps[call.index]?.name ?? '')
      : call.phase === 'prepare'
        ? PREPARE
        : CLEANUP;
  const job = {
    container: plan.container,
    services: plan.services.map((service) => service.spec),
    env: plan.env,
    steps: plan.steps.map((step) => ('skipped' in step ? { kind: 'skip' as const } : step.spec)),
  };
  await replayJob(replayer, job, {
    onStart: (call) => out.header(nameOf(call)),
    onEnd: (call, result) => {
      const done = row(nameOf(call), result);
      if (call.phase === 'step') stepRows[call.index] = done;
      else if (call.phase === 'prepare') prepareRow = done;
      else cleanupRow = done;
    },
    onSkip: (index) => {
      const step = plan.steps[index];
      if (step !== undefined && 'skipped' in step) {
        out.header(`Skip ${step.name}: ${step.skipped}`);
        stepRows[index] = { name: step.name, status: 'skipped' };
      }
    },
  });
  return [...(prepareRow ? [prepareRow] : []), ...stepRows, ...(cleanupRow ? [cleanupRow] : [])];
}
