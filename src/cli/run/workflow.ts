// Reads one job of a GitHub Actions workflow file with GitHub's own parser (@actions/workflow-parser):
// the schema, the templates and the if: conditions as GitHub reads them. Values stay templates here;
// src/cli/run/play.ts evaluates them as the job plays. A whole job dockhand run cannot play is refused
// with what to change; a step it cannot play is listed as skipped with why.
import {
  convertWorkflowTemplate,
  isMapping,
  isSequence,
  NoOperationTraceWriter,
  parseWorkflow,
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import type { Job, Step } from '@actions/workflow-parser/model/workflow-template';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';

export class WorkflowError extends Error {
  override name = 'WorkflowError';
}

export interface WorkflowStep {
  /** The step's `id:`, or the one GitHub generates (`__run`, `__run_2` ...). */
  id: string;
  /** `name:` as a template (it may hold expressions), else undefined. */
  name?: TemplateToken;
  /** A name for the log before `name:` is evaluated: `Run <first line>` as GitHub shows it. */
  label: string;
  /** The condition, with `success() &&` added as GitHub adds it when it names no status function. */
  condition: string;
  /** The step's own mapping: `run`, `uses`, `with`, `env`, `shell`, `working-directory` ... */
  fields: MappingToken;
  /** Why it is not played, when it is not. */
  skipped?: string;
}

export interface WorkflowJob {
  id: string;
  workflowName: string;
  /** The events of `on:`, in order. */
  events: string[];
  workflowEnv?: TemplateToken;
  workflowDefaults?: TemplateToken;
  condition: string;
  env?: TemplateToken;
  defaults?: TemplateToken;
  container?: TemplateToken;
  services?: TemplateToken;
  strategy?: TemplateToken;
  timeoutMinutes?: TemplateToken;
  continueOnError?: TemplateToken;
  steps: WorkflowStep[];
  /** Contexts the job reads that dockhand run has no values for (`github.event`, `inputs`). */
  emptyContexts: string[];
  /** The `secrets.<NAME>` the job reads (`github.token` as GITHUB_TOKEN). */
  secretNames: string[];
}

/** What a workflow may read that a local run has nothing for, and how to find it in the job's text. */
const EMPTY_CONTEXTS: [string, RegExp][] = [
  ['github.event', /\bgithub\.event\b(?!_)/],
  ['inputs', /\binputs\./],
];

function field(mapping: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return mapping !== undefined && isMapping(mapping) ? mapping.find(key) : undefined;
}

/** A mapping's entries by key; none when it is not a mapping. */
function mappingOf(token: TemplateToken | undefined): Record<string, TemplateToken> {
  if (token === undefined || !isMapping(token)) return {};
  return Object.fromEntries([...token].map((pair) => [pair.key.toString(), pair.value]));
}

function text(token: TemplateToken | undefined): string | undefined {
  return token === undefined ? undefined : token.toString();
}

function label(fields: MappingToken, index: number): string {
  const run = text(fields.find('run'));
  if (run !== undefined) return `Run ${run.trim().split('\n')[0]}`;
  const uses = text(fields.find('uses'));
  return uses !== undefined ? `Run ${uses}` : `Step ${index + 1}`;
}

/** Why dockhand run does not play a step, or undefined when it does. */
function skipReason(fields: MappingToken, hasContainer: boolean): string | undefined {
  if (fields.find('run') !== undefined) {
    return hasContainer
      ? undefined
      : 'a run: step without a job container runs on the host, not through the hook';
  }
  const uses = text(fields.find('uses')) ?? '';
  if (uses.startsWith('docker://')) return undefined;
  if (uses.startsWith('./'))
    return `uses: ${uses} is an action of this repository: dockhand run plays only run: and docker:// steps`;
  return `uses: ${uses} is an action from a repository (JavaScript, composite or Dockerfile): dockhand run plays only run: and docker:// steps`;
}

function readStep(
  step: Step,
  fields: TemplateToken | undefined,
  index: number,
  hasContainer: boolean,
): WorkflowStep {
  if (fields === undefined || !isMapping(fields))
    throw new WorkflowError(`step ${index + 1} is not a mapping`);
  if (!('run' in step) && !('uses' in step)) {
    throw new WorkflowError(
      `step ${index + 1} is not a run: or uses: step, which dockhand run does not play`,
    );
  }
  return {
    id: step.id,
    name: step.name,
    label: label(fields, index),
    condition: step.if.expression,
    fields,
    skipped: skipReason(fields, hasContainer),
  };
}

/** One line per error GitHub's parser reports, without the file name it prefixes (the CLI names the file). */
function errorLines(errors: { message: string }[]): string {
  return errors
    .map((e) => (e.message.split('\n')[0] ?? '').replace(/^workflow\.yml:? ?/, '').trim())
    .join('; ');
}

export async function readWorkflowJob(source: string, jobId: string): Promise<WorkflowJob> {
  const parsed = parseWorkflow({ name: 'workflow.yml', content: source }, new NoOperationTraceWriter());
  const parseErrors = parsed.context.errors.getErrors();
  if (parsed.value === undefined || parseErrors.length > 0)
    throw new WorkflowError(`not a valid workflow: ${errorLines(parseErrors)}`);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  if (template.errors !== undefined && template.errors.length > 0) {
    throw new WorkflowError(`not a valid workflow: ${template.errors.map((e) => e.Message).join('; ')}`);
  }
  const root = parsed.value;
  const jobs = template.jobs;
  const job = jobs.find((j) => j.id.value === jobId);
  if (job === undefined) {
    throw new WorkflowError(
      `no job '${jobId}' in this workflow; its jobs are: ${jobs.map((j) => j.id.value).join(', ')}`,
    );
  }
  if (job.type !== 'job') {
    throw new WorkflowError(
      `job '${jobId}' calls a reusable workflow, which dockhand run does not play: play the called workflow's job instead`,
    );
  }
  const rawJob = field(field(root, 'jobs'), jobId);
  if ((job.needs ?? []).length > 0 && JSON.stringify(rawJob?.toJSON()).includes('needs.')) {
    throw new WorkflowError(
      `job '${jobId}' reads the outputs of the jobs it needs, which dockhand run does not play: write those values out in a copy of the workflow`,
    );
  }
  for (const [where, token] of [
    ['container', job.container],
    ...Object.entries(mappingOf(job.services)).map(([key, value]) => [`services.${key}`, value] as const),
  ] as const) {
    for (const key of ['entrypoint', 'command']) {
      if (field(token, key) !== undefined) {
        throw new WorkflowError(
          `jobs.${jobId}.${where}.${key} is not played: the runner's container hooks have no field for it; play it without, in a copy of the workflow`,
        );
      }
    }
  }
  const jobText = JSON.stringify([field(root, 'env')?.toJSON(), rawJob?.toJSON()]);
  const rawSteps = field(rawJob, 'steps');
  const stepFields = rawSteps !== undefined && isSequence(rawSteps) ? [...rawSteps] : [];
  const hasContainer = (job as Job).container !== undefined;
  return {
    id: jobId,
    workflowName: text(field(root, 'name')) ?? 'workflow.yml',
    events: Object.keys(template.events),
    workflowEnv: field(root, 'env'),
    workflowDefaults: field(root, 'defaults'),
    condition: job.if.expression,
    env: job.env,
    defaults: field(rawJob, 'defaults'),
    container: job.container,
    services: job.services,
    strategy: job.strategy,
    timeoutMinutes: field(rawJob, 'timeout-minutes'),
    continueOnError: field(rawJob, 'continue-on-error'),
    steps: job.steps.map((step, index) => readStep(step, stepFields[index], index, hasContainer)),
    emptyContexts: EMPTY_CONTEXTS.filter(([, pattern]) => pattern.test(jobText)).map(([name]) => name),
    secretNames: [
      ...new Set([
        ...[...jobText.matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!.toUpperCase()),
        ...(/\bgithub\.token\b/.test(jobText) ? ['GITHUB_TOKEN'] : []),
      ]),
    ],
  };
}
