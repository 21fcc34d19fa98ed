// Reads one job of a GitHub Actions workflow file into what `dockhand run` can play through the hook:
// its container, services, env, and its `run:` and `docker://` steps. Anything it cannot play faithfully
// is either refused for the whole job (with what to change) or skipped for one step (with why).
import { parse } from 'yaml';
import type { WorkflowContainer, StepSpec } from '../../replay';
import { messageOf } from '../../protocol/errors';

export class WorkflowError extends Error {
  override name = 'WorkflowError';
}

export type WorkflowStep = { name: string; spec: StepSpec } | { name: string; skipped: string };

export interface WorkflowJob {
  container?: WorkflowContainer;
  services: { name: string; spec: WorkflowContainer }[];
  env: Record<string, string>;
  steps: WorkflowStep[];
}

type Json = Record<string, unknown>;

const EXPRESSION = /\$\{\{[^}]*\}\}/;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first `${{ }}` expression anywhere in a value, if any. */
export function findExpression(value: unknown): string | undefined {
  if (typeof value === 'string') return EXPRESSION.exec(value)?.[0];
  if (Array.isArray(value)) return value.map(findExpression).find((e) => e !== undefined);
  if (isObject(value))
    return Object.values(value)
      .map(findExpression)
      .find((e) => e !== undefined);
  return undefined;
}

function strings(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new WorkflowError(`${where} must be a map of names to values`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

function list(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map(String) : undefined;
}

function containerSpec(value: unknown, where: string): WorkflowContainer {
  const expression = findExpression(value);
  if (expression !== undefined) {
    throw new WorkflowError(
      `${where} uses ${expression}, which dockhand run cannot evaluate: write the value out in a copy of the workflow`,
    );
  }
  if (typeof value === 'string') return { image: value };
  if (!isObject(value) || typeof value.image !== 'string') throw new WorkflowError(`${where} needs an image`);
  const credentials = isObject(value.credentials)
    ? {
        username: String(value.credentials.username ?? ''),
        password: String(value.credentials.password ?? ''),
      }
    : undefined;
  return {
    image: value.image,
    env: strings(value.env, `${where}.env`),
    ports: list(value.ports),
    volumes: list(value.volumes),
    options: typeof value.options === 'string' ? value.options : undefined,
    credentials,
  };
}

function stepName(step: Json, index: number): string {
  if (typeof step.name === 'string') return step.name;
  if (typeof step.run === 'string') return `Run ${step.run.trim().split('\n')[0]}`;
  if (typeof step.uses === 'string') return `Run ${step.uses}`;
  return `Step ${index + 1}`;
}

function planStep(step: Json, hasContainer: boolean, workspace: string): StepSpec | string {
  const expression = findExpression(step);
  if (expression !== undefined) return `uses ${expression}, which dockhand run cannot evaluate`;
  if (step.if !== undefined) return 'has an if: condition, which dockhand run does not evaluate';
  const env = strings(step.env, 'step env');
  if (typeof step.run === 'string') {
    if (!hasContainer) return 'a run: step without a job container runs on the host, not through the hook';
    const shell = step.shell ?? 'sh';
    if (shell !== 'sh' && shell !== 'bash') return `shell: ${String(shell)} is not played (sh and bash are)`;
    const dir = typeof step['working-directory'] === 'string' ? step['working-directory'] : undefined;
    return {
      kind: 'script',
      script: step.run,
      shell,
      env,
      workingDirectory: dir === undefined ? undefined : dir.startsWith('/') ? dir : `${workspace}/${dir}`,
    };
  }
  if (typeof step.uses === 'string' && step.uses.startsWith('docker://')) {
    const inputs = isObject(step.with) ? step.with : {};
    return {
      kind: 'container',
      image: step.uses.slice('docker://'.length),
      args: typeof inputs.args === 'string' ? inputs.args : undefined,
      entryPoint: typeof inputs.entrypoint === 'string' ? inputs.entrypoint : undefined,
      env,
    };
  }
  if (typeof step.uses === 'string') {
    return `uses: ${step.uses} is an action from a repository (JavaScript, composite or Dockerfile): dockhand run plays only run: and docker:// steps`;
  }
  return 'has neither run: nor uses:';
}

export function readWorkflowJob(text: string, jobId: string, containerWorkspace: string): WorkflowJob {
  let workflow: unknown;
  try {
    workflow = parse(text);
  } catch (error) {
    throw new WorkflowError(`not valid YAML: ${messageOf(error).split('\n')[0]}`, { cause: error });
  }
  const jobs = isObject(workflow) && isObject(workflow.jobs) ? workflow.jobs : undefined;
  if (jobs === undefined) throw new WorkflowError('no jobs: in this file: is it a GitHub Actions workflow?');
  const job = jobs[jobId];
  if (!isObject(job)) {
    throw new WorkflowError(
      `no job '${jobId}' in this workflow; its jobs are: ${Object.keys(jobs).join(', ')}`,
    );
  }
  if (isObject(job.strategy) && job.strategy.matrix !== undefined) {
    throw new WorkflowError(
      `job '${jobId}' is a matrix job: dockhand run plays one job, so copy it with the matrix values written out`,
    );
  }
  if (typeof job.uses === 'string')
    throw new WorkflowError(`job '${jobId}' calls a reusable workflow, which is not played`);
  const envExpression = findExpression(job.env);
  if (envExpression !== undefined) {
    throw new WorkflowError(
      `job '${jobId}' env uses ${envExpression}, which dockhand run cannot evaluate: write the value out`,
    );
  }
  const container =
    job.container === undefined ? undefined : containerSpec(job.container, `jobs.${jobId}.container`);
  const services = Object.entries(isObject(job.services) ? job.services : {}).map(([name, value]) => ({
    name,
    spec: containerSpec(value, `jobs.${jobId}.services.${name}`),
  }));
  const steps = (Array.isArray(job.steps) ? job.steps : []).map(
    (step: unknown, index: number): WorkflowStep => {
      const raw = isObject(step) ? step : {};
      const name = stepName(raw, index);
      const planned = planStep(raw, container !== undefined, containerWorkspace);
      return typeof planned === 'string' ? { name, skipped: planned } : { name, spec: planned };
    },
  );
  return { container, services, env: strings(job.env, `jobs.${jobId}.env`), steps };
}
