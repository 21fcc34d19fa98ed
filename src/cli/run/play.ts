// Plays one job of a workflow (one matrix combination) through the replayer's job player
// (src/replay/job.ts, the runner's order) as the runner plays it: the job's `if:` first (a skipped job
// starts nothing), the env of the workflow, the job and each step in GitHub's precedence, each step's
// `if:` from the job's status, `continue-on-error`, and the file commands of every step read after it.
// Templates are evaluated with GitHub's expression language when they are reached (src/cli/run/expressions.ts).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { messageOf } from '../../protocol/errors';
import type { PrepareJobResponse } from '../../protocol/hook-types';
import {
  fileCommandFiles,
  replayJob,
  type JobCall,
  type JobStatus,
  type Replayer,
  type StepSpec,
  type WorkflowContainer,
} from '../../replay';
import { asString, evaluateCondition, evaluateStrings, evaluateTemplate, type Contexts } from './expressions';
import { parseKeyValueFile, parsePathFile, readFileCommand } from './file-commands';
import { serviceNameWarnings } from './service-names';
import type { StepRow } from './summary';
import type { WorkflowJob, WorkflowStep } from './workflow';

export interface PlayOutput {
  header(title: string): void;
  /** A line of the job log, outside any step (evaluation errors, warnings). */
  line(text: string): void;
}

/** What the job is played with: the github context and the values given on the command line. */
export interface JobInputs {
  github: Record<string, unknown>;
  matrix: Record<string, unknown>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  /** The strategy context of this combination: job-index, job-total, fail-fast, max-parallel. */
  strategy: Record<string, unknown>;
  /** The settings the hook runs with (HOOK_SERVICE_ALIASES, HOOK_FEATURES ...), for the services' names. */
  hookEnv: Readonly<Record<string, string>>;
}

export interface JobReport {
  rows: StepRow[];
  /** The steps' $GITHUB_STEP_SUMMARY texts, in order. */
  summaries: string[];
  /** The job's `if:` was false: nothing was started. */
  skipped: boolean;
  failed: boolean;
}

/** The runner's limit for a job without `timeout-minutes`. */
const DEFAULT_JOB_TIMEOUT_MINUTES = 360;

/** `timeout-minutes` in ms (fractions allowed, as the runner takes them); undefined when not given. */
function timeoutMsOf(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const minutes = Number(value);
  if (!Number.isFinite(minutes) || minutes <= 0)
    throw new Error(`${where} timeout-minutes must be a positive number, not ${asString(value)}`);
  return minutes * 60_000;
}

const PREPARE = 'Initialize containers';
const CLEANUP = 'Stop containers';

/**
 * The GITHUB_* variables every step gets from the github context, as the runner sets them; not
 * GITHUB_WORKSPACE, which differs between a job container and a docker:// step (src/replay/builders.ts).
 */
export function githubVariables(github: Record<string, unknown>): Record<string, string> {
  const names = [
    'action',
    'actor',
    'event_name',
    'event_path',
    'job',
    'ref',
    'ref_name',
    'ref_type',
    'repository',
    'repository_owner',
    'run_attempt',
    'run_id',
    'run_number',
    'server_url',
    'api_url',
    'graphql_url',
    'sha',
    'workflow',
  ];
  return Object.fromEntries(
    names
      .filter((n) => github[n] !== undefined)
      .map((n) => [`GITHUB_${n.toUpperCase()}`, asString(github[n])]),
  );
}

function containerOf(value: unknown, where: string): WorkflowContainer | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return { image: value };
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${where} must be an image or a map`);
  const spec = value as Record<string, unknown>;
  const strings = (v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asString(x)]))
      : {};
  const list = (v: unknown) => (Array.isArray(v) ? v.map(asString) : undefined);
  const credentials = strings(spec.credentials);
  return {
    image: asString(spec.image),
    env: strings(spec.env),
    ports: list(spec.ports),
    volumes: list(spec.volumes),
    options: spec.options === undefined ? undefined : asString(spec.options),
    credentials:
      spec.credentials === undefined
        ? undefined
        : { username: credentials.username ?? '', password: credentials.password ?? '' },
  };
}

/** `defaults.run` of the job, else of the workflow: shell and working-directory. */
function runDefaults(plan: WorkflowJob, contexts: Contexts): Record<string, string> {
  const of = (token: WorkflowJob['defaults']) => {
    const value = evaluateTemplate(token, contexts) as { run?: Record<string, unknown> } | undefined;
    return Object.fromEntries(Object.entries(value?.run ?? {}).map(([k, v]) => [k, asString(v)]));
  };
  return { ...of(plan.workflowDefaults), ...of(plan.defaults) };
}

interface StepState {
  id: string;
  name: string;
  fileCommands?: string;
  continueOnError: boolean;
}

/**
 * `cancel` cancels the job as the runner does (the running call interrupted, the next steps see
 * cancelled(), cleanup_job still runs); so does the job's `timeout-minutes` (360 by default).
 */
export async function playJob(
  replayer: Replayer,
  plan: WorkflowJob,
  inputs: JobInputs,
  out: PlayOutput,
  cancel?: AbortSignal,
): Promise<JobReport> {
  const { layout } = replayer;
  const base: Contexts = {
    // github.token is the GITHUB_TOKEN secret, as on GitHub.
    github: { ...inputs.github, token: inputs.secrets.GITHUB_TOKEN ?? '' },
    matrix: inputs.matrix,
    secrets: inputs.secrets,
    vars: inputs.vars,
    strategy: inputs.strategy,
    inputs: {},
    needs: {},
    runner: { os: 'Linux', arch: 'X64', name: 'dockhand-run', temp: '/__w/_temp', tool_cache: '/__w/_tool' },
  };
  const report: JobReport = { rows: [], summaries: [], skipped: false, failed: false };
  const workflowEnv = evaluateStrings(plan.workflowEnv, { ...base, env: {} });
  if (!evaluateCondition(plan.condition, base, 'success')) {
    out.header(`Skip job ${plan.id}: its if: (${plan.condition}) is false`);
    report.skipped = true;
    report.rows.push({ name: `job ${plan.id}`, status: 'skipped' });
    return report;
  }
  const jobEnv = { ...workflowEnv, ...evaluateStrings(plan.env, { ...base, env: workflowEnv }) };
  const container = containerOf(evaluateTemplate(plan.container, base), `jobs.${plan.id}.container`);
  const services = Object.entries(
    (evaluateTemplate(plan.services, base) as Record<string, unknown> | undefined) ?? {},
  ).map(([name, value]) => ({ name, spec: containerOf(value, `jobs.${plan.id}.services.${name}`) }));
  const given = new Set(Object.keys(inputs.secrets).map((name) => name.toUpperCase()));
  for (const name of plan.secretNames.filter((n) => !given.has(n)))
    out.line(
      `Warning: this job reads the secret ${name}, which was not given (--secret ${name}): it is empty`,
    );
  for (const name of plan.emptyContexts)
    out.line(
      `Warning: this job reads ${name}, which dockhand run leaves empty (it has no event payload or inputs)`,
    );
  for (const warning of serviceNameWarnings(
    services.flatMap(({ name, spec }) => (spec === undefined ? [] : [{ key: name, spec }])),
    inputs.hookEnv,
  ))
    out.line(warning);
  const defaults = runDefaults(plan, { ...base, env: jobEnv });
  const jobTimeoutMs =
    timeoutMsOf(evaluateTemplate(plan.timeoutMinutes, base), `jobs.${plan.id}`) ??
    DEFAULT_JOB_TIMEOUT_MINUTES * 60_000;
  const jobTimeout = AbortSignal.timeout(jobTimeoutMs);
  const jobCancel = cancel === undefined ? jobTimeout : AbortSignal.any([cancel, jobTimeout]);
  const onJobTimeout = () =>
    out.line(`Error: the job ran longer than its timeout-minutes (${jobTimeoutMs / 60_000}): cancelling it`);
  jobTimeout.addEventListener('abort', onJobTimeout);
  const githubEnv = githubVariables(inputs.github);

  // What the steps have changed: $GITHUB_ENV, $GITHUB_PATH (last added first), the steps context.
  const fileEnv: Record<string, string> = {};
  const paths: string[] = [];
  const stepsContext: Record<
    string,
    { outputs: Record<string, string>; outcome: string; conclusion: string }
  > = {};
  const states: StepState[] = [];
  const stepRows: StepRow[] = plan.steps.map((step) => ({ name: step.label, status: 'not run' }));
  let prepareRow: StepRow | undefined;
  let cleanupRow: StepRow | undefined;

  // The job context: its status, and the containers prepare_job reported (as the runner fills it).
  const jobContainers: Record<string, unknown> = {};
  const contextsFor = (status: JobStatus, stepEnv: Record<string, string> = {}): Contexts => ({
    ...base,
    env: { ...jobEnv, ...fileEnv, ...stepEnv },
    steps: stepsContext,
    job: { ...jobContainers, status },
  });
  const playedServices = services.filter((s) => s.spec !== undefined && s.spec.image !== '');
  const readPrepared = (response: PrepareJobResponse | null) => {
    const context = response?.context;
    if (context?.container)
      jobContainers.container = { id: context.container.id, network: context.container.network };
    jobContainers.services = Object.fromEntries(
      (context?.services ?? []).flatMap((service, index) => {
        const key = playedServices[index]?.name;
        return key === undefined
          ? []
          : [[key, { id: service.id, network: service.network, ports: service.ports }]];
      }),
    );
  };

  /** The step's `name:` evaluated (it may use any context), else GitHub's `Run ...` label. */
  const nameOf = (step: WorkflowStep, contexts: Contexts): string => {
    try {
      return step.name === undefined ? step.label : asString(evaluateTemplate(step.name, contexts));
    } catch {
      return step.label;
    }
  };

  const skip = (index: number, step: WorkflowStep, status: 'skipped' | 'failure', why: string): StepSpec => {
    const name = nameOf(step, contextsFor('success'));
    stepsContext[step.id] = { outputs: {}, outcome: status, conclusion: status };
    states[index] = { id: step.id, name, continueOnError: false };
    stepRows[index] = { name, status };
    out.header(`${status === 'skipped' ? 'Skip' : 'Fail'} ${name}: ${why}`);
    return { kind: 'skip', failed: status === 'failure' };
  };

  const planStep = (index: number, status: JobStatus): StepSpec | undefined => {
    const step = plan.steps[index];
    if (step === undefined) return undefined;
    if (step.skipped !== undefined) return skip(index, step, 'skipped', step.skipped);
    try {
      if (!evaluateCondition(step.condition, contextsFor(status), status))
        return skip(index, step, 'skipped', `its if: (${step.condition}) is false`);
      const stepEnv = evaluateStrings(step.fields.find('env'), contextsFor(status));
      const contexts = contextsFor(status, stepEnv);
      const name = nameOf(step, contexts);
      const continueOnError = ['true', true].includes(
        evaluateTemplate(step.fields.find('continue-on-error'), contexts) as string | boolean,
      );
      const timeoutMs = timeoutMsOf(
        evaluateTemplate(step.fields.find('timeout-minutes'), contexts),
        `step ${name}:`,
      );
      const fileCommands = randomUUID();
      states[index] = { id: step.id, name, fileCommands, continueOnError };
      const env = { ...jobEnv, ...fileEnv, ...stepEnv, ...githubEnv };
      const run = step.fields.find('run');
      if (run !== undefined) {
        const shell =
          asString(evaluateTemplate(step.fields.find('shell'), contexts)) || defaults.shell || 'sh';
        if (shell !== 'sh' && shell !== 'bash')
          return skip(index, step, 'skipped', `shell: ${shell} is not played (sh and bash are)`);
        const dir =
          asString(evaluateTemplate(step.fields.find('working-directory'), contexts)) ||
          defaults['working-directory'] ||
          '';
        return {
          kind: 'script',
          script: asString(evaluateTemplate(run, contexts)),
          shell,
          env,
          prependPath: [...paths],
          workingDirectory:
            dir === '' ? undefined : path.posix.isAbsolute(dir) ? dir : `${layout.containerWorkspace}/${dir}`,
          fileCommands,
          continueOnError,
          timeoutMs,
        };
      }
      const inputsOf = evaluateStrings(step.fields.find('with'), contexts);
      const inputVariables = Object.fromEntries(
        Object.entries(inputsOf).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]),
      );
      return {
        kind: 'container',
        image: asString(evaluateTemplate(step.fields.find('uses'), contexts)).slice('docker://'.length),
        args: inputsOf.args,
        entryPoint: inputsOf.entrypoint,
        env: { ...inputVariables, ...env },
        fileCommands,
        continueOnError,
        timeoutMs,
      };
    } catch (error) {
      // As the runner: a step whose expressions cannot be evaluated fails.
      return skip(index, step, 'failure', messageOf(error));
    }
  };

  /** The runner's processing of a step's file commands, then its outcome and conclusion. */
  const finishStep = (index: number, exitCode: number | null) => {
    const state = states[index];
    if (state === undefined) return;
    let outcome = exitCode === 0 ? 'success' : 'failure';
    const outputs: Record<string, string> = {};
    if (state.fileCommands !== undefined) {
      const files = fileCommandFiles(layout, state.fileCommands);
      try {
        for (const [name, value] of parseKeyValueFile(readFileCommand(files.env), 'GITHUB_ENV')) {
          // As the runner: NODE_OPTIONS would reach every later step's node; refused, the step still passes.
          if (name.toUpperCase() === 'NODE_OPTIONS')
            out.line("Error: Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.");
          else fileEnv[name] = value;
        }
        paths.unshift(...parsePathFile(readFileCommand(files.path)).reverse());
        for (const [name, value] of parseKeyValueFile(readFileCommand(files.output), 'GITHUB_OUTPUT'))
          outputs[name] = value;
        parseKeyValueFile(readFileCommand(files.state), 'GITHUB_STATE');
        const summary = readFileCommand(files.summary);
        if (summary.trim() !== '') report.summaries.push(summary);
      } catch (error) {
        out.line(`Error: ${state.name}: ${messageOf(error)}`);
        outcome = 'failure';
      }
    }
    const conclusion = outcome === 'failure' && state.continueOnError ? 'success' : outcome;
    stepsContext[state.id] = { outputs, outcome, conclusion };
  };

  const callName = (call: JobCall) =>
    call.phase === 'step' ? (states[call.index]?.name ?? '') : call.phase === 'prepare' ? PREPARE : CLEANUP;
  const result = await replayJob(
    replayer,
    {
      container,
      services: services.flatMap((s) => (s.spec === undefined ? [] : [s.spec])),
      env: jobEnv,
      steps: planStep,
    },
    {
      onStart: (call) => out.header(callName(call)),
      onEnd: (call, done) => {
        const row: StepRow = {
          name: callName(call),
          status: done.exitCode === 0 ? 'success' : 'failure',
          durationMs: done.durationMs,
        };
        if (call.phase === 'step') {
          finishStep(call.index, done.exitCode);
          stepRows[call.index] = row;
        } else if (call.phase === 'prepare') {
          prepareRow = row;
          readPrepared(done.response as PrepareJobResponse | null);
        } else cleanupRow = row;
      },
    },
    jobCancel,
  );
  jobTimeout.removeEventListener('abort', onJobTimeout);
  report.failed = !result.ok;
  report.rows = [...(prepareRow ? [prepareRow] : []), ...stepRows, ...(cleanupRow ? [cleanupRow] : [])];
  return report;
}
