// The replayer against a real stand-in hook process: it must call a hook exactly as the runner does.
import { mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createReplayer,
  jobContainer,
  replayJob,
  serviceContainer,
  RunnerCheckError,
  type JobCall,
} from '../../../src/replay';

const hookPath = path.resolve(__dirname, '../../fixtures/hooks/recording-hook.js');

interface Recorded {
  argv: string[];
  argv0: string;
  execPath: string;
  cwd: string;
  env: Record<string, string>;
  stdin: string;
  responseFileBefore: string;
}

let root: string;
let records: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'dockhand-replay-'));
  records = path.join(root, 'records');
  mkdirSync(records);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function recorded(): Recorded[] {
  return readdirSync(records)
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(records, f), 'utf8')) as Recorded);
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

const prepared = JSON.stringify({
  state: { id: 'abc' },
  context: { container: { id: 'abc', network: 'n' }, services: [{ id: 's', network: 'n', ports: {} }] },
  isAlpine: false,
});

describe('createReplayer', () => {
  it('calls the hook as the runner does: its node, cwd, one compact JSON line with nulls, empty response file', async () => {
    const r = replayer({ prepare_job: prepared });
    const container = jobContainer({ image: 'img:1' }, r.layout);
    const call = await r.prepareJob({ container, services: [serviceContainer({ image: 'svc:1' })] });
    expect(call.exitCode).toBe(0);
    expect(call.stdout).toBe('recording-hook: prepare_job\n');

    const [rec] = recorded();
    expect(rec!.argv[1]).toBe(hookPath);
    expect(rec!.argv0).toBe(r.layout.node);
    expect(rec!.cwd).toBe(r.layout.workspace);
    expect(rec!.responseFileBefore).toBe('');
    expect(rec!.stdin.endsWith('\n')).toBe(true);
    expect(rec!.stdin.trimEnd()).not.toContain('\n');
    const input = JSON.parse(rec!.stdin);
    expect(Object.keys(input)).toEqual(['command', 'responseFile', 'args', 'state']);
    expect(input.state).toBeNull();
    expect(input.args.container.dockerfile).toBeNull();
    expect(input.args.services[0].workingDirectory).toBeNull();
    expect(path.dirname(input.responseFile)).toBe(r.layout.responses);
    expect(rec!.env.RUNNER_TEMP).toBe(r.layout.temp);
    expect(rec!.env.GITHUB_WORKSPACE).toBe(r.layout.workspace);
  });

  it('passes only the environment it is given plus the runner variables, never the job env', async () => {
    const r = replayer({ prepare_job: prepared });
    await r.prepareJob({
      container: jobContainer({ image: 'img:1', env: { JOB_ONLY: 'x' } }, r.layout),
      services: [serviceContainer({ image: 'svc:1' })],
    });
    const env = recorded()[0]!.env;
    expect(env.JOB_ONLY).toBeUndefined();
    expect(env.HOME).toBeUndefined();
    expect(env.RUNNER_NAME).toBe('self-hosted-1');
  });

  it('keeps the state of a response and sends it with later calls; deletes each response file', async () => {
    const r = replayer({ prepare_job: prepared, run_script_step: '' });
    await r.prepareJob({
      container: jobContainer({ image: 'img:1' }, r.layout),
      services: [serviceContainer({ image: 'svc:1' })],
    });
    await r.runScriptStep({
      entryPoint: 'sh',
      entryPointArgs: [],
      environmentVariables: {},
      prependPath: [],
      workingDirectory: '/',
    });
    await r.cleanupJob();
    const inputs = recorded().map((rec) => JSON.parse(rec.stdin));
    expect(inputs.map((i) => i.command)).toEqual(['prepare_job', 'run_script_step', 'cleanup_job']);
    expect(inputs[1].state).toEqual({ id: 'abc' });
    expect(inputs[2].state).toEqual({ id: 'abc' });
    expect(inputs[2].args).toEqual({});
    expect(readdirSync(r.layout.responses)).toEqual([]);
  });

  it('applies the runner checks to prepare_job responses', async () => {
    const args = (r: ReturnType<typeof replayer>) => ({
      container: jobContainer({ image: 'img:1' }, r.layout),
      services: [serviceContainer({ image: 'svc:1' })],
    });
    const cases: Array<[string, RegExp]> = [
      ['', /empty response/],
      ['{not json', /not valid JSON/],
      ['{"context":{}}', /isAlpine/],
      ['{"isAlpine":false,"context":{"services":null}}', /services is null/],
      ['{"isAlpine":false,"context":{"services":[{"id":"s","network":"n"}]}}', /ports must be an object/],
      ['{"isAlpine":false,"context":{"services":[{"ports":{}},{"ports":{}}]}}', /2 services for 1/],
    ];
    for (const [text, message] of cases) {
      const r = replayer({ prepare_job: text });
      await expect(r.prepareJob(args(r))).rejects.toThrow(message);
    }
    const r = replayer({ prepare_job: '{"ISALPINE":true,"Context":{"Services":[{"Ports":{"80":"8080"}}]}}' });
    expect((await r.prepareJob(args(r))).exitCode).toBe(0);
  });

  it('refuses context.container for a services-only job', async () => {
    const r = replayer({ prepare_job: prepared });
    await expect(
      r.prepareJob({ container: null, services: [serviceContainer({ image: 's:1' })] }),
    ).rejects.toThrow(RunnerCheckError);
  });
});

describe('replayJob', () => {
  it('stops at a failing step and still runs cleanup_job', async () => {
    const r = replayer({ prepare_job: prepared }, { run_script_step: 3 });
    const result = await replayJob(r, {
      container: { image: 'img:1' },
      services: [{ image: 'svc:1' }],
      steps: [
        { kind: 'script', script: 'false' },
        { kind: 'script', script: 'echo never' },
      ],
    });
    expect(result.ok).toBe(false);
    expect(result.steps.map((s) => s.exitCode)).toEqual([3]);
    expect(recorded().map((rec) => JSON.parse(rec.stdin).command)).toEqual([
      'prepare_job',
      'run_script_step',
      'cleanup_job',
    ]);
  });

  it('runs cleanup_job after a failed prepare_job, and no prepare_job for container steps alone', async () => {
    const failed = replayer({}, { prepare_job: 1 });
    const result = await replayJob(failed, {
      container: { image: 'img:1' },
      steps: [{ kind: 'script', script: 'true' }],
    });
    expect(result.prepare?.exitCode).toBe(1);
    expect(result.cleanup?.exitCode).toBe(0);
    expect(result.steps).toEqual([]);

    rmSync(records, { recursive: true });
    mkdirSync(records);
    const bare = replayer({});
    const only = await replayJob(bare, {
      steps: [{ kind: 'container', image: 'tool:1', args: 'say "hello world"' }],
    });
    expect(only.ok).toBe(true);
    const inputs = recorded().map((rec) => JSON.parse(rec.stdin));
    expect(inputs.map((i) => i.command)).toEqual(['run_container_step']);
    expect(inputs[0].state).toBeNull();
    expect(inputs[0].args.entryPointArgs).toEqual(['say', '"hello', 'world"']);
  });

  it('tells an observer each call as it starts and ends, and each skip step it reaches', async () => {
    const r = replayer({ prepare_job: prepared }, { run_script_step: 3 });
    const events: string[] = [];
    const name = (call: JobCall) => (call.phase === 'step' ? `step ${call.index}` : call.phase);
    const result = await replayJob(
      r,
      {
        container: { image: 'img:1' },
        services: [{ image: 'svc:1' }],
        steps: [
          { kind: 'skip' },
          { kind: 'container', image: 'tool:1' },
          { kind: 'script', script: 'false' },
          { kind: 'skip' },
        ],
      },
      {
        onStart: (call) => events.push(`start ${name(call)}`),
        onEnd: (call, done) => events.push(`end ${name(call)}: ${done.exitCode}`),
        onSkip: (index) => events.push(`skip ${index}`),
      },
    );
    expect(result.ok).toBe(false);
    expect(events).toEqual([
      'start prepare',
      'end prepare: 0',
      'skip 0',
      'start step 1',
      'end step 1: 0',
      'start step 2',
      'end step 2: 3',
      'start cleanup',
      'end cleanup: 0',
    ]);
  });
});
