// playJob against a real stand-in hook process (test/fixtures/hooks/recording-hook.js): the runner's
// order of calls around `dockhand run`'s headers and rows.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { playJob } from '../../../../src/cli/run/play';
import type { WorkflowJob } from '../../../../src/cli/run/workflow';
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

function inputs(): Array<{ command: string; args: { services?: unknown[] } }> {
  return readdirSync(records)
    .sort()
    .map((f) =>
      JSON.parse((JSON.parse(readFileSync(path.join(records, f), 'utf8')) as { stdin: string }).stdin),
    );
}

function replayer(responses: Record<string, string>, exitCodes: Record<string, number> = {}) {
  return createReplayer({
    hookPath,
    runnerRoot: path.join(root, 'runner'),
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      RECORD_DIR: records,
      RESPONSES: JSON.stringify(responses),
      EXIT_CODES: JSON.stringify(exitCodes),
    },
  });
}

const plan: WorkflowJob = {
  container: { image: 'img:1' },
  services: [
    { name: 'db', spec: { image: 'db:1' } },
    { name: 'empty', spec: { image: '' } },
  ],
  env: {},
  steps: [{ name: 'hello', spec: { kind: 'script', script: 'echo hello' } }],
};
const headers: string[] = [];
const out = { header: (title: string) => headers.push(title) };

it('skips services with an empty image, as the runner does', async () => {
  const prepared = '{"isAlpine":false,"context":{"services":[{"id":"s","network":"n","ports":{}}]}}';
  const rows = await playJob(replayer({ prepare_job: prepared }), plan, out);
  expect(rows.map((r) => r.status)).toEqual(['success', 'success', 'success']);
  expect(inputs()[0]!.args.services).toHaveLength(1);
});

it('still calls cleanup_job when the runner would reject prepare_job’s response', async () => {
  await expect(playJob(replayer({ prepare_job: '{not json' }), plan, out)).rejects.toThrow(/not valid JSON/);
  expect(inputs().map((i) => i.command)).toEqual(['prepare_job', 'cleanup_job']);
});

it('prints a header per call and per skipped step it reaches; steps after a failure are not run', async () => {
  headers.length = 0;
  const prepared =
    '{"isAlpine":false,"context":{"container":{"id":"c","network":"n","ports":{}},"services":[]}}';
  const steps: WorkflowJob['steps'] = [
    { name: 'uses: actions/x', skipped: 'a JavaScript action' },
    { name: 'fails', spec: { kind: 'script', script: 'false' } },
    { name: 'uses: actions/y', skipped: 'a JavaScript action' },
  ];
  const rows = await playJob(
    replayer({ prepare_job: prepared }, { run_script_step: 2 }),
    { container: { image: 'img:1' }, services: [], env: {}, steps },
    out,
  );
  expect(headers).toEqual([
    'Initialize containers',
    'Skip uses: actions/x: a JavaScript action',
    'fails',
    'Stop containers',
  ]);
  expect(rows.map((r) => `${r.name}: ${r.status}`)).toEqual([
    'Initialize containers: success',
    'uses: actions/x: skipped',
    'fails: failure',
    'uses: actions/y: not run',
    'Stop containers: success',
  ]);
});
