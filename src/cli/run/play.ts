// Plays a planned job through the hook in the runner's order: prepare_job when there is a job container
// or a service, each step until one fails, cleanup_job always after prepare_job. Prints a header before
// each step and collects a row per step for the summary.
import { jobCalls, type HookCall, type Replayer } from '../../replay';
import type { StepRow } from './summary';
import type { JobPlan } from './workflow';

export interface PlayOutput {
  header(title: string): void;
}

function row(name: string, call: HookCall): StepRow {
  return { name, status: call.exitCode === 0 ? 'success' : 'failure', durationMs: call.durationMs };
}

export async function playJob(replayer: Replayer, plan: JobPlan, out: PlayOutput): Promise<StepRow[]> {
  const calls = jobCalls(replayer, {
    container: plan.container,
    services: plan.services.map((service) => service.spec),
    env: plan.env,
  });
  const rows: StepRow[] = [];
  let failed = false;

  try {
    if (calls.needsPrepare) {
      out.header('Initialize containers');
      const call = await calls.prepare();
      rows.push(row('Initialize containers', call));
      failed = call.exitCode !== 0;
    }
    for (const step of plan.steps) {
      if (failed) {
        rows.push({ name: step.name, status: 'not run' });
        continue;
      }
      if ('skipped' in step) {
        out.header(`Skip ${step.name}: ${step.skipped}`);
        rows.push({ name: step.name, status: 'skipped' });
        continue;
      }
      out.header(step.name);
      const call = await calls.step(step.spec);
      rows.push(row(step.name, call));
      failed = call.exitCode !== 0;
    }
  } finally {
    // As the runner: cleanup_job always follows prepare_job, also when a call threw.
    if (calls.needsPrepare) {
      out.header('Stop containers');
      rows.push(row('Stop containers', await calls.cleanup()));
    }
  }
  return rows;
}
