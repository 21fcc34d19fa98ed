// `dockhand run` on the sample workflows in examples/workflows, through the built CLI and hook, pulling
// from the stack's registries with its test credential helper (no login step, no credentials in YAML).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runnerIdOf } from '../../src/hook/config';
import { labelledFor } from '../support/docker-snapshot';
import { distDir, loadStack, repoRoot } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';

const stack = loadStack();
// dockhand run's runner folder lives here, apart from any other dockhand run on this machine.
const runTmp = makeTempDir('dockhand-cli-run-');
afterAll(removeTempDirs);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

const example = (name: string) => path.join(repoRoot, 'examples/workflows', name);
const fixture = (name: string) => path.join(repoRoot, 'test/fixtures/workflows', name);

interface Started {
  child: ChildProcess;
  done: Promise<Run>;
  /** Resolves once the job log has shown `text`. */
  shown(text: string): Promise<void>;
}

/** Async so a long pull never blocks the test process; the job log is collected as it streams. */
function startDockhandRun(file: string, extra: string[] = [], env: Record<string, string> = {}): Started {
  const child = spawn(
    process.execPath,
    [path.join(distDir, 'cli.js'), 'run', file, '--job', 'test', ...extra],
    {
      env: {
        PATH: `${stack.stackHelper.binDir}:/usr/local/bin:/usr/bin:/bin`,
        HOME: '/nonexistent',
        DOCKER_CONFIG: stack.stackHelper.dockerConfig,
        TMPDIR: runTmp,
        ...env,
      },
      timeout: 240_000,
    },
  );
  let stdout = '';
  let stderr = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const w of waiting.filter((w) => stdout.includes(w.text))) w.resolve();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  const shown = (text: string) =>
    stdout.includes(text)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiting.push({ text, resolve }));
  return { child, done, shown };
}

function dockhandRun(file: string, extra: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  return startDockhandRun(file, extra, env).done;
}

/** The runner id the hook gives `dockhand run`'s fixed runner folder (src/cli/run/run-folder.ts). */
function runRunnerId(tmp: string): string {
  return runnerIdOf(path.join(tmp, `dockhand-run-${process.getuid?.() ?? 0}`, 'runner', '_work', '_temp'));
}

function summaryRow(out: string, step: string): string {
  return out.split('\n').find((line) => line.startsWith(`${step}  `)) ?? `(no summary row for ${step})`;
}

describe('dockhand run', () => {
  it('plays the sample job: container, service by name, docker step, with groups and a summary', async () => {
    const result = await dockhandRun(example('ci.yml'));
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('── Initialize containers\n');
    expect(result.stdout).toMatch(/^▸ /m);
    expect(result.stdout).not.toContain('::group::');
    expect(result.stdout).toContain('hello from the job\nID=alpine\n');
    expect(result.stdout).toContain('hello from the dockhand web service');
    expect(result.stdout).toContain('from a docker step');
    for (const step of [
      'Initialize containers',
      'Show the job container',
      'A docker step',
      'Stop containers',
    ]) {
      expect(summaryRow(result.stdout, step), result.stdout).toMatch(/ success +\d+\.\d s$/);
    }
    expect(result.status, result.stdout).toBe(0);
  });

  it('stops at a failing step, shows it failed and the next one skipped (as GitHub does), and exits 1', async () => {
    const result = await dockhandRun(example('failing-step.yml'));
    expect(result.stdout).toContain('about to fail');
    expect(result.stdout).not.toContain('never printed\n');
    expect(summaryRow(result.stdout, 'Fails on purpose'), result.stdout).toMatch(/ failure +\d+\.\d s$/);
    expect(summaryRow(result.stdout, 'Run echo never printed'), result.stdout).toMatch(/ skipped +-$/);
    expect(summaryRow(result.stdout, 'Stop containers'), result.stdout).toMatch(/ success/);
    expect(result.status, result.stdout).toBe(1);
  });

  it('fails Initialize containers on an unhealthy service, runs no step, still cleans up', async () => {
    const result = await dockhandRun(example('unhealthy-service.yml'));
    expect(result.stdout, result.stdout).toMatch(/web.*unhealthy/);
    expect(summaryRow(result.stdout, 'Initialize containers'), result.stdout).toMatch(/ failure/);
    expect(summaryRow(result.stdout, 'Run echo never reached'), result.stdout).toMatch(/ not run/);
    expect(summaryRow(result.stdout, 'Stop containers'), result.stdout).toMatch(/ success/);
    expect(result.status, result.stdout).toBe(1);
  });

  it('refuses an unknown job with the jobs the file has', async () => {
    const result = await dockhandRun(example('ci.yml'), ['--job', 'nope']);
    expect(result.stderr).toContain('dockhand: ');
    expect(result.stderr).toContain("no job 'nope' in this workflow; its jobs are: test");
    expect(result.status).toBe(2);
  });

  it('plays contexts, env levels, defaults, file commands, outputs, if:, continue-on-error as GitHub does', async () => {
    const result = await dockhandRun(
      fixture('contexts.yml'),
      ['--matrix', 'flavour=spicy', '--secret', 'API_TOKEN', '--var', 'REGION=eu-west-1'],
      { API_TOKEN: 'tok-5ecret-value' },
    );
    const out = result.stdout;
    expect(result.stderr, out).toBe('');
    // One combination, picked by --matrix; the step's name is evaluated.
    expect(out).toContain('── Prepare spicy\n');
    expect(out).not.toContain('plain');
    expect(out).toContain('level=step workflow=w nothing=[] file=one\n');
    expect(out).toContain('multi=line 1\nline 2 node_options=[]\n');
    expect(out).toContain("Error: Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.\n");
    expect(summaryRow(out, 'Prepare spicy'), out).toMatch(/ success/);
    expect(out).toMatch(/^path=\/opt\/extra\/bin:/m);
    expect(out).toMatch(/^pwd=\/__w\/[^/]+\/[^/]+\/sub$/m);
    expect(out).toContain('output=hi spicy\n');
    // github.sha and GITHUB_SHA: the commit the workflow file is checked out at.
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    expect(out).toContain(`sha=${head} event=push context=push\n`);
    // The secret is masked wherever it shows, and is not in the job's environment unless mapped.
    expect(out).toContain('secret=*** env-secret=[] var=eu-west-1\n');
    expect(out).not.toContain('tok-5ecret-value');
    expect(out).toContain('── Show contexts ***\n');
    expect(summaryRow(out, 'Show contexts ***'), out).toMatch(/ success/);
    // The docker step's $GITHUB_OUTPUT and $GITHUB_ENV, its with: input as INPUT_WHO.
    expect(out).toContain('docker got spicy from-docker-env=yes\n');
    expect(summaryRow(out, 'May fail'), out).toMatch(/ failure +\d+\.\d s$/);
    expect(summaryRow(out, 'Fails for real'), out).toMatch(/ failure +\d+\.\d s$/);
    expect(summaryRow(out, 'Not run after a failure'), out).toMatch(/ skipped +-$/);
    expect(out).not.toContain('never printed\n');
    expect(out).toContain('failure() ran\n');
    expect(summaryRow(out, 'Runs on failure'), out).toMatch(/ success/);
    expect(summaryRow(out, 'Stop containers'), out).toMatch(/ success/);
    expect(out).toContain('── Step summary\n## Summary of spicy\n');
    expect(result.status, out).toBe(1);
  });

  it('skips a job whose if: is false, starting nothing, and plays it for the event it waits for', async () => {
    const skipped = await dockhandRun(fixture('skipped-job.yml'));
    expect(skipped.stdout).toContain(
      "── Skip job test: its if: (success() && (github.event_name == 'workflow_dispatch')) is false",
    );
    expect(skipped.stdout).not.toContain('Initialize containers');
    expect(summaryRow(skipped.stdout, 'job test'), skipped.stdout).toMatch(/ skipped/);
    expect(skipped.status, skipped.stdout).toBe(0);
    const played = await dockhandRun(fixture('skipped-job.yml'), ['--event', 'workflow_dispatch']);
    expect(played.stdout).toContain('deploying on workflow_dispatch\n');
    expect(played.status, played.stdout).toBe(0);
  });

  it('refuses a --matrix that matches no combination, in one line', async () => {
    const result = await dockhandRun(fixture('skipped-job.yml'), ['--matrix', 'nope=1']);
    expect(result.stderr).toMatch(/^dockhand: --matrix nope=1 matches no combination/);
    expect(result.status).toBe(2);
  });

  it('timeout-minutes: a step past its limit is cancelled and fails, a job past its own is cancelled, cleanup runs', async () => {
    const result = await dockhandRun(fixture('timeouts.yml'));
    const out = result.stdout;
    expect(out).toContain('step started\n');
    expect(out).not.toContain('never printed');
    expect(summaryRow(out, "Past the step's limit"), out).toMatch(/ failure/);
    expect(out).toContain("failure() after the step's timeout\n");
    expect(out).toContain('waiting for the job');
    expect(out).toContain('Error: the job ran longer than its timeout-minutes (0.2): cancelling it');
    expect(summaryRow(out, "Past the job's limit"), out).toMatch(/ failure/);
    expect(out).toContain("cancelled() after the job's timeout\n");
    expect(summaryRow(out, 'Stop containers'), out).toMatch(/ success/);
    expect(labelledFor(runRunnerId(runTmp))).toEqual({ containers: [], networks: [] });
    expect(result.status, out).toBe(1);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s cancels the job as the runner does: the step is interrupted, cleanup_job removes everything',
    async (signal) => {
      const run = startDockhandRun(fixture('long-step.yml'));
      await run.shown('step started\n');
      run.child.kill(signal);
      const result = await run.done;
      const out = result.stdout;
      expect(out).toContain(`── ${signal}: cancelling the job; cleanup follows`);
      expect(summaryRow(out, 'Waits'), out).toMatch(/ failure/);
      expect(summaryRow(out, 'Not after a cancel'), out).toMatch(/ skipped/);
      expect(summaryRow(out, 'Stop containers'), out).toMatch(/ success/);
      expect(labelledFor(runRunnerId(runTmp))).toEqual({ containers: [], networks: [] });
      expect(result.status, out).toBe(1);
    },
  );

  it('a run killed outright leaves its containers; the next run, in the same runner folder, removes them', async () => {
    const killed = startDockhandRun(fixture('long-step.yml'));
    await killed.shown('step started\n');
    killed.child.kill('SIGKILL');
    await killed.done;
    const left = labelledFor(runRunnerId(runTmp));
    expect(left.containers.length).toBeGreaterThan(0);
    const next = await dockhandRun(fixture('skipped-job.yml'), ['--event', 'workflow_dispatch']);
    expect(next.status, next.stdout).toBe(0);
    expect(labelledFor(runRunnerId(runTmp))).toEqual({ containers: [], networks: [] });
  });

  it('warns before the job of a service its key will not reach under the hook, with the two fixes', async () => {
    const result = await dockhandRun(fixture('service-keys.yml'));
    const out = result.stdout;
    const warning =
      "Warning: service 'cache' will not be reachable as 'cache' under the hook, which names it 'web': add 'options: --network-alias cache' to it, or set HOOK_SERVICE_ALIASES=210987654321.dkr.ecr.eu-west-1.amazonaws.com/dockhand/web=cache on the runner";
    expect(out).toContain(`${warning}\n── Initialize containers\n`);
    expect(out).not.toContain("service 'api'");
    expect(out).toContain('hello from the dockhand web service');
    expect(out).toContain('cache is not a name here');
    expect(result.status, out).toBe(0);
    // With the setting on the runner, the key is the service's name: no warning.
    const named = await dockhandRun(fixture('service-keys.yml'), [], {
      HOOK_SERVICE_ALIASES: '210987654321.dkr.ecr.eu-west-1.amazonaws.com/dockhand/web=cache',
    });
    expect(named.stdout).not.toContain('Warning: service');
    expect(named.stdout).toContain('cache answered\n');
    expect(named.status, named.stdout).toBe(0);
  });

  it('lists an action from a repository as skipped with why, warns of the empty event, refuses what it cannot play', async () => {
    const result = await dockhandRun(fixture('not-played.yml'));
    const out = result.stdout;
    expect(out).toContain(
      'Warning: this job reads github.event, which dockhand run leaves empty (it has no event payload or inputs)',
    );
    expect(out).toContain(
      '── Skip Run actions/checkout@v4: uses: actions/checkout@v4 is an action from a repository (JavaScript, composite or Dockerfile): dockhand run plays only run: and docker:// steps',
    );
    expect(summaryRow(out, 'Run actions/checkout@v4'), out).toMatch(/ skipped/);
    expect(out).toContain('pull request \n');
    expect(result.status, out).toBe(0);
    for (const [job, message] of [
      ['reusable', "job 'reusable' calls a reusable workflow, which dockhand run does not play"],
      ['deploy', "job 'deploy' reads the outputs of the jobs it needs, which dockhand run does not play"],
    ]) {
      const refused = await dockhandRun(fixture('not-played.yml'), ['--job', job!]);
      expect(refused.stderr).toContain(message!);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stdout).toBe('');
      expect(refused.status).toBe(2);
    }
  });

  it('a reader that goes away (| head) ends the output, not the job: it plays to the end and cleans up', async () => {
    const run = startDockhandRun(example('ci.yml'));
    await run.shown('── Initialize containers\n');
    run.child.stdout?.destroy();
    const result = await run.done;
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(labelledFor(runRunnerId(runTmp))).toEqual({ containers: [], networks: [] });
  });
});
