// Plays a planned job through the hook in the runner's order: prepare_job when there is a job container
// or a service, each step until one fails, cleanup_job always after prepare_job. Prints a header before
// each step and collects a row per step for the summary.
import {
  containerStep,
  jobContainer,
  scriptStep,
  serviceContainer,
  type HookCall,
  type Replayer,
} from '../../replay';
import type { StepRow } from './summary';
import type { JobPlan } from './workflow';

export interface PlayOutput {
  header(title: string): void;
}

function row(name: string, call: HookCall): StepRow {
  return { name, status: call.exitCode === 0 ? 'success' : 'failure', durationMs: call.durationMs };
}

export async function playJob(replayer: Replayer, plan: JobPlan, out: PlayOutput): Promise<StepRow[]> {
  const { layout } = replayer;
  const rows: StepRow[] = [];
  const container = plan.container
    ? jobContainer({ ...plan.container, env: { ...plan.env, ...plan.container.env } }, layout)
    : null;
  const services = plan.services.map((service) => serviceContainer(service.spec));
  const prepared = container !== null || services.length > 0;
  let failed = false;

  if (prepared) {
    out.header('Initialize containers');
    const call = await replayer.prepareJob({ container, services });
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
    const env = { ...plan.env, ...step.spec.env };
    const call =
      step.spec.kind === 'script'
        ? await replayer.runScriptStep(scriptStep({ ...step.spec, env }, layout))
        : await replayer.runContainerStep(containerStep({ ...step.spec, env }, layout));
    rows.push(row(step.name, call));
    failed = call.exitCode !== 0;
  }
  if (prepared) {
    out.header('Stop containers');
    rows.push(row('Stop containers', await replayer.cleanupJob()));
  }
  return rows;
}
