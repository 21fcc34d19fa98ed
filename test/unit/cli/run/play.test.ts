// playJob against a real stand-in hook process (test/fixtures/hooks/recording-hook.js): workflows read
// with GitHub's parser, played in the runner's order, with what the hook was sent checked.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { playJob, type JobInputs } from '../../../../src/cli/run/play';
import { readWorkflowJob } from '../../../../src/cli/run/workflow';
import { createReplayer } from '../../../../src/replay';

const hookPath = path.resolve(__dirname, '../../../fixtures/hooks/recording-hook.js');
let root: string;
let records: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'dockhand-play-'));
  records = path.join(root, 'records');
  mkdirSync(records);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

interface Sent {
  command: string;
  args: {
    services?: unknown[];
    image?: string;
    environmentVariables?: Record<string, string>;
    entryPointArgs?: string[];
    workingDirectory?: string;
    entryPoint?: string;
  };
}

function sent(): Sent[] {
  return readdirSync(records)
    .sort()
    .map((f) =>
      JSON.parse((JSON.parse(readFileSync(path.join(records, f), 'utf8')) as { stdin: string }).stdin),
    );
}

const PREPARED =
  '{"isAlpine":false,"context":{"container":{"id":"c","network":"n","ports":{}},"services":[]}}';

function replayer(exitCodes: Record<string, number> = {}, prepared = PREPARED) {
  return createReplayer({
    hookPath,
    runnerRoot: path.join(root, 'runner'),
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      RECORD_DIR: records,
      RESPONSES: JSON.stringify({ prepare_job: prepared }),
      EXIT_CODES: JSON.stringify(exitCodes),
    },
  });
}

const inputs: JobInputs = {
  github: {
    event_name: 'push',
    sha: 'abc123',
    ref: 'refs/heads/main',
    repository: 'octo/demo',
    workspace: '/__w/demo/demo',
  },
  matrix: {},
  secrets: { TOKEN: 's3cret' },
  vars: { REGION: 'eu-west-1' },
  hookEnv: {},
  strategy: { 'job-index': 0, 'job-total': 1 },
};

const headers: string[] = [];
const lines: string[] = [];
const out = { header: (title: string) => headers.push(title), line: (text: string) => lines.push(text) };
beforeEach(() => {
  headers.length = 0;
  lines.length = 0;
});

async function play(workflow: string, exitCodes: Record<string, number> = {}, given = inputs) {
  const plan = await readWorkflowJob(workflow, 'test');
  return playJob(replayer(exitCodes), plan, given, out);
}

/** A job with a container, its steps to follow. */
const JOB = 'on: push\njobs:\n  test:\n    runs-on: x';
const CONTAINER_JOB = `${JOB}\n    container: img:1\n    steps:`;

const steps = (report: { rows: { name: string; status: string }[] }) =>
  report.rows.map((r) => `${r.name}: ${r.status}`);

it('skips services with an empty image, as the runner does', async () => {
  const prepared = '{"isAlpine":false,"context":{"services":[{"id":"s","network":"n","ports":{}}]}}';
  const plan = await readWorkflowJob(
    'on: push\njobs:\n  test:\n    runs-on: x\n    container: img:1\n    services:\n      db: db:1\n      empty:\n        image: ${{ vars.NONE }}\n    steps:\n      - run: echo hello\n',
    'test',
  );
  const report = await playJob(replayer({}, prepared), plan, inputs, out);
  expect(report.rows.map((r) => r.status)).toEqual(['success', 'success', 'success']);
  expect(sent()[0]!.args.services).toHaveLength(1);
});

it('still calls cleanup_job when the runner would reject prepare_job’s response', async () => {
  const plan = await readWorkflowJob(
    'on: push\njobs:\n  test:\n    runs-on: x\n    container: img:1\n    steps:\n      - run: echo hello\n',
    'test',
  );
  await expect(playJob(replayer({}, '{not json'), plan, inputs, out)).rejects.toThrow(/not valid JSON/);
  expect(sent().map((i) => i.command)).toEqual(['prepare_job', 'cleanup_job']);
});

it('env: workflow, then job, then step, each over the one before; YAML null is empty; GITHUB_* from the github context', async () => {
  await play(`on: push
env:
  LEVEL: workflow
  WORKFLOW_ONLY: w
  EMPTY:
jobs:
  test:
    runs-on: x
    container: img:1
    env:
      LEVEL: job
      JOB_ONLY: \${{ vars.REGION }}-j
    steps:
      - run: echo hi
        env:
          LEVEL: step
          FROM_CONTEXTS: \${{ github.sha }} \${{ vars.REGION }} \${{ secrets.TOKEN }} \${{ runner.os }}
`);
  const env = sent()[1]!.args.environmentVariables!;
  expect(env).toMatchObject({
    LEVEL: 'step',
    WORKFLOW_ONLY: 'w',
    JOB_ONLY: 'eu-west-1-j',
    EMPTY: '',
    FROM_CONTEXTS: 'abc123 eu-west-1 s3cret Linux',
    GITHUB_SHA: 'abc123',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'octo/demo',
  });
});

it('runs the steps GitHub would after a failure: failure() and always(), not the default success()', async () => {
  const report = await play(
    `${CONTAINER_JOB}
      - run: exit 3
        name: fails
      - run: echo skipped
        name: default
      - run: echo on failure
        name: on failure
        if: failure()
      - run: echo always
        name: always
        if: \${{ always() }}
      - run: echo only on success
        name: on success
        if: success() && github.event_name == 'push'
`,
    { run_script_step: 3 },
  );
  expect(steps(report)).toEqual([
    'Initialize containers: success',
    'fails: failure',
    'default: skipped',
    'on failure: failure',
    'always: failure',
    'on success: skipped',
    'Stop containers: success',
  ]);
  // Every script step exits 3 with this stand-in hook; what matters is which were sent.
  expect(sent().filter((s) => s.command === 'run_script_step')).toHaveLength(3);
  expect(report.failed).toBe(true);
});

it('continue-on-error: a failing step leaves the job successful and the next steps run', async () => {
  const report = await play(
    `${CONTAINER_JOB}
      - uses: docker://tool:1
        id: flaky
        continue-on-error: true
      - run: echo next
        name: next
        if: steps.flaky.outcome == 'failure' && steps.flaky.conclusion == 'success'
`,
    { run_container_step: 1 },
  );
  expect(steps(report)).toEqual([
    'Initialize containers: success',
    'Run docker://tool:1: failure',
    'next: success',
    'Stop containers: success',
  ]);
  expect(report.failed).toBe(false);
});

it('a job whose if: is false starts nothing and is reported skipped', async () => {
  const report = await play(`on: push
jobs:
  test:
    if: github.ref == 'refs/heads/release'
    runs-on: x
    container: img:1
    steps:
      - run: echo deploy
`);
  expect(report.skipped).toBe(true);
  expect(steps(report)).toEqual(['job test: skipped']);
  expect(sent()).toEqual([]);
});

it('docker:// with: inputs arrive as INPUT_*, args and entrypoint as the container’s', async () => {
  await play(
    `${JOB}
    strategy:
      matrix:
        version: [1, 2]
    steps:
      - uses: docker://tool:2
        with:
          args: --verbose run
          entrypoint: /bin/tool
          who am i: \${{ github.repository }}@\${{ matrix.version }}
`,
    {},
    { ...inputs, matrix: { version: '2' } },
  );
  const step = sent()[0]!;
  expect(step.command).toBe('run_container_step');
  expect(step.args.image).toBe('tool:2');
  expect(step.args.entryPoint).toBe('/bin/tool');
  expect(step.args.entryPointArgs).toEqual(['--verbose', 'run']);
  expect(step.args.environmentVariables).toMatchObject({
    INPUT_ARGS: '--verbose run',
    INPUT_ENTRYPOINT: '/bin/tool',
    INPUT_WHO_AM_I: 'octo/demo@2',
    GITHUB_WORKSPACE: '/github/workspace',
  });
});

it('defaults.run of the job over the workflow’s: shell and working-directory', async () => {
  await play(`on: push
defaults:
  run:
    shell: bash
    working-directory: from-workflow
jobs:
  test:
    runs-on: x
    container: img:1
    defaults:
      run:
        working-directory: sub/dir
    steps:
      - run: echo hi
      - run: echo there
        working-directory: /abs
        shell: sh
`);
  const [first, second] = sent().filter((s) => s.command === 'run_script_step');
  expect(first!.args.entryPoint).toBe('bash');
  expect(first!.args.workingDirectory).toMatch(/\/sub\/dir$/);
  expect(second!.args.entryPoint).toBe('sh');
  expect(second!.args.workingDirectory).toBe('/abs');
});

it('a step whose expression cannot be evaluated fails, as on the runner', async () => {
  const report = await play(`${CONTAINER_JOB}
      - run: echo \${{ fromJSON('not json') }}
        name: bad
`);
  expect(steps(report)).toContain('bad: failure');
  expect(report.failed).toBe(true);
  expect(headers.find((h) => h.startsWith('Fail bad'))).toBeDefined();
});

it('warns, before the job starts, of each service its key will not reach, with the two fixes', async () => {
  await play(
    `${JOB}
    container: img:1
    services:
      cache:
        image: registry.example/team/redis:7
      db:
        image: registry.example/team/postgres:16
        options: --network-alias db
      postgres:
        image: postgres:16
      queue:
        image: registry.example/team/rabbitmq:3
    steps: []
`,
    {},
    { ...inputs, hookEnv: { HOOK_SERVICE_ALIASES: 'registry.example/team/rabbitmq=queue' } },
  );
  expect(lines).toEqual([
    "Warning: service 'cache' will not be reachable as 'cache' under the hook, which names it 'redis': add 'options: --network-alias cache' to it, or set HOOK_SERVICE_ALIASES=registry.example/team/redis=cache on the runner",
    // The first postgres image took the name: this one is postgres-2.
    "Warning: service 'postgres' will not be reachable as 'postgres' under the hook, which names it 'postgres-2': add 'options: --network-alias postgres' to it, or set HOOK_SERVICE_ALIASES=postgres=postgres on the runner",
  ]);
  expect(sent()[0]!.command).toBe('prepare_job');
});

it('fills the job context from prepare_job’s response and the strategy context, as the runner does', async () => {
  const prepared =
    '{"isAlpine":false,"context":{"container":{"id":"c1","network":"n1"},"services":[{"id":"s1","network":"n1","ports":{"5432":"49153"}}]}}';
  const plan = await readWorkflowJob(
    `${JOB}
    container: img:1
    services:
      skipped:
        image: \${{ vars.NONE }}
      db: postgres:16
    steps:
      - run: echo x
        env:
          SEEN: \${{ job.container.id }} \${{ job.container.network }} \${{ job.services.db.ports['5432'] }} \${{ strategy.job-index }}/\${{ strategy.job-total }}
`,
    'test',
  );
  await playJob(replayer({}, prepared), plan, inputs, out);
  expect(sent()[1]!.args.environmentVariables!.SEEN).toBe('c1 n1 49153 0/1');
});

it('warns of what the job reads that a local run has no values for', async () => {
  await play(`${CONTAINER_JOB}
      - run: echo \${{ github.event.pull_request.number }} \${{ github.event_name }} \${{ secrets.TOKEN }} \${{ secrets.NPM_TOKEN }} \${{ github.token }}
`);
  expect(lines).toEqual([
    'Warning: this job reads the secret NPM_TOKEN, which was not given (--secret NPM_TOKEN): it is empty',
    'Warning: this job reads the secret GITHUB_TOKEN, which was not given (--secret GITHUB_TOKEN): it is empty',
    'Warning: this job reads github.event, which dockhand run leaves empty (it has no event payload or inputs)',
  ]);
});
