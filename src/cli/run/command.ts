// `dockhand run <workflow> --job <id>`: one job of a real workflow file, read with GitHub's own parser
// and played through the hook on this machine's docker as a runner would, each matrix combination in
// turn, with the job log streamed (secrets masked) and a summary at the end.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createReplayer } from '../../replay';
import { UsageError, type CliConfig, type Output } from '../context';
import { readIfExists } from '../install/files';
import { readCheckout, type Checkout } from './checkout';
import { evaluateTemplate } from './expressions';
import { JobLogRenderer } from './log-renderer';
import { describeCombination, matrixCombinations, pickCombinations } from './matrix';
import { playJob, type JobInputs } from './play';
import { openRunFolder } from './run-folder';
import { formatSummary } from './summary';
import { readWorkflowJob, WorkflowError, type WorkflowJob } from './workflow';

export interface RunOptions {
  workflow: string;
  job: string;
  /** The hook to play through; dist/hook.js beside the CLI by default. */
  hook: string | undefined;
  /** The event that triggered the run; the first of `on:` by default. */
  event?: string;
  /** `NAME=VALUE`: the matrix combinations to play. */
  matrix?: string[];
  /** `NAME=VALUE`, or `NAME` to read it from dockhand's environment. */
  secrets?: string[];
  /** `NAME=VALUE`. */
  vars?: string[];
}

/** The repository when the workflow is not in a checkout of one. */
const DEFAULT_REPOSITORY = 'local/workspace';

function pairs(values: string[], flag: string): [string, string][] {
  return values.map((value) => {
    const equals = value.indexOf('=');
    if (equals <= 0) throw new UsageError(`${flag} ${value}: expected NAME=VALUE`);
    return [value.slice(0, equals), value.slice(equals + 1)];
  });
}

function secretsOf(values: string[], env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    values.map((value) => {
      const equals = value.indexOf('=');
      if (equals > 0) return [value.slice(0, equals), value.slice(equals + 1)];
      const fromEnv = env[value];
      if (value === '' || fromEnv === undefined)
        throw new UsageError(
          `--secret ${value}: no such variable in dockhand's environment; export it or give NAME=VALUE`,
        );
      return [value, fromEnv];
    }),
  );
}

/**
 * The github context: sha, ref and repository of the checkout the workflow file is in, else plausible
 * values of a push to main.
 */
function githubContext(
  checkout: Checkout | undefined,
  event: string,
  workflow: string,
  job: string,
): Record<string, unknown> {
  const repository = checkout?.repository ?? DEFAULT_REPOSITORY;
  const ref = checkout?.ref ?? 'refs/heads/main';
  const name = repository.split('/')[1] ?? repository;
  return {
    event_name: event,
    event: {},
    sha: checkout?.sha ?? '0000000000000000000000000000000000000000',
    ref,
    ref_name: ref.replace(/^refs\/(heads|tags)\//, ''),
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    repository,
    repository_owner: repository.split('/')[0],
    workflow,
    job,
    run_id: '1',
    run_number: '1',
    run_attempt: '1',
    actor: 'dockhand',
    server_url: 'https://github.com',
    api_url: 'https://api.github.com',
    graphql_url: 'https://api.github.com/graphql',
    workspace: `/__w/${name}/${name}`,
  };
}

export async function run(options: RunOptions, config: CliConfig, out: Output): Promise<number> {
  const text = readIfExists(options.workflow);
  if (text === null) throw new UsageError(`${options.workflow}: no such workflow file`);
  const hookPath = path.resolve(options.hook ?? path.join(config.distDir, 'hook.js'));
  if (!existsSync(hookPath))
    throw new UsageError(`${hookPath}: no such hook; run 'npm run build' or pass --hook`);
  let plan;
  try {
    plan = await readWorkflowJob(text, options.job);
  } catch (error) {
    if (error instanceof WorkflowError) {
      throw new UsageError(`${options.workflow}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const event = options.event ?? plan.events[0] ?? 'push';
  const secrets = secretsOf(options.secrets ?? [], config.env);
  const vars = Object.fromEntries(pairs(options.vars ?? [], '--var'));
  const github = githubContext(readCheckout(options.workflow), event, plan.workflowName, plan.id);
  const all = matrixCombinations(evaluateTemplate(plan.strategy, { github, vars, inputs: {}, needs: {} }));
  const combinations = pickCombinations(all, pairs(options.matrix ?? [], '--matrix'));
  if (combinations.length === 0) {
    throw new UsageError(
      `--matrix ${(options.matrix ?? []).join(' ')} matches no combination; the job's are: ${all.map(describeCombination).join('; ')}`,
    );
  }

  // The runner's environment, less what --secret NAME took a secret from: the hook never sees it there.
  const secretNames = new Set((options.secrets ?? []).filter((value) => !value.includes('=')));
  const hookEnv = {
    ...Object.fromEntries(Object.entries(config.env).filter(([name]) => !secretNames.has(name))),
    GITHUB_REPOSITORY: String(github.repository),
  };
  // Ctrl-C, SIGTERM and a hang-up cancel the job as the runner cancels one: the running hook call is
  // interrupted, the steps that run on cancellation run, and cleanup_job removes what the job started.
  const cancel = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!cancel.signal.aborted) out.line(`── ${signal}: cancelling the job; cleanup follows`);
    cancel.abort();
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  let failed = false;
  try {
    for (const matrix of combinations) {
      if (cancel.signal.aborted) break;
      // As GitHub numbers the job among all its combinations, picked or not.
      const strategy = {
        'fail-fast': true,
        'job-index': all.indexOf(matrix),
        'job-total': all.length,
        'max-parallel': all.length,
      };
      if (all.length > 1) out.line(`═══ ${plan.id} (${describeCombination(matrix)})`);
      failed =
        (await playCombination(
          plan,
          { github, matrix, secrets, vars, hookEnv, strategy },
          hookPath,
          out,
          cancel.signal,
        )) || failed;
    }
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
  return failed || cancel.signal.aborted ? 1 : 0;
}

/** One matrix combination in this user's runner folder; true when the job failed. */
async function playCombination(
  plan: WorkflowJob,
  inputs: JobInputs,
  hookPath: string,
  out: Output,
  cancel: AbortSignal,
): Promise<boolean> {
  const folder = openRunFolder(os.tmpdir(), process.getuid?.() ?? 0);
  const log = new JobLogRenderer((line) => out.line(line));
  for (const secret of Object.values(inputs.secrets)) log.addMask(secret);
  try {
    const replayer = createReplayer({
      hookPath,
      runnerRoot: folder.root,
      env: { ...inputs.hookEnv },
      repository: String(inputs.github.repository),
      onOutput: (chunk) => log.push(chunk),
    });
    const report = await playJob(
      replayer,
      plan,
      inputs,
      {
        header: (title) => log.text(`── ${title}`),
        line: (line) => log.push(`${line}\n`),
      },
      cancel,
    );
    log.flush();
    for (const summary of report.summaries) {
      out.line('');
      log.text('── Step summary');
      log.push(summary.endsWith('\n') ? summary : `${summary}\n`);
      log.flush();
    }
    out.line('');
    for (const line of formatSummary(report.rows)) log.text(line);
    return report.failed;
  } finally {
    folder.release();
  }
}
