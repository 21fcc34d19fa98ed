// `dockhand run <workflow> --job <id>`: one job of a real workflow file, played through the hook on
// this machine's docker exactly as a runner would, with the job log streamed and a summary at the end.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createReplayer, jobLayout } from '../../replay';
import { UsageError, type CliConfig, type Output } from '../context';
import { readIfExists } from '../install/files';
import { JobLogRenderer } from './log-renderer';
import { playJob } from './play';
import { formatSummary } from './summary';
import { readWorkflowJob, WorkflowError } from './workflow';

export interface RunOptions {
  workflow: string;
  job: string;
  /** The hook to play through; dist/hook.js beside the CLI by default. */
  hook: string | undefined;
}

const REPOSITORY = 'local/workspace';

export async function run(options: RunOptions, config: CliConfig, out: Output): Promise<number> {
  const text = readIfExists(options.workflow);
  if (text === null) throw new UsageError(`${options.workflow}: no such workflow file`);
  const hookPath = path.resolve(options.hook ?? path.join(config.distDir, 'hook.js'));
  if (!existsSync(hookPath))
    throw new UsageError(`${hookPath}: no such hook; run 'npm run build' or pass --hook`);
  let plan;
  try {
    plan = readWorkflowJob(text, options.job, jobLayout('/', REPOSITORY).containerWorkspace);
  } catch (error) {
    if (error instanceof WorkflowError) {
      throw new UsageError(`${options.workflow}: ${error.message}`, { cause: error });
    }
    throw error;
  }

  // A throw-away runner folder: the job's workspace and temp files live there and go with it.
  const root = mkdtempSync(path.join(os.tmpdir(), 'dockhand-run-'));
  const log = new JobLogRenderer((line) => out.line(line));
  try {
    const replayer = createReplayer({
      hookPath,
      runnerRoot: root,
      env: { ...config.env },
      repository: REPOSITORY,
      onOutput: (chunk) => log.push(chunk),
    });
    const rows = await playJob(replayer, plan, {
      header: (title) => {
        log.flush();
        out.line(`── ${title}`);
      },
    });
    log.flush();
    out.line('');
    for (const line of formatSummary(rows)) out.line(line);
    return rows.some((r) => r.status === 'failure') ? 1 : 0;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
