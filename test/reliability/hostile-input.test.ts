// Property-based fuzzing of what the runner (and whoever writes the workflow) can put in front of the
// hook. Rejected input must exit non-zero with one clear line, no stack trace, and create nothing;
// accepted input must reach the container unchanged; no input may run a shell or pass an option where
// an image belongs.
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../src/exec';
import type { HookContainer } from '../../src/protocol/hook-types';
import {
  createReplayer,
  createJobLayout,
  jobContainer,
  scriptStep,
  userMount,
  type JobLayout,
} from '../../src/replay';
import { runnerIdOf } from '../../src/hook/config';
import { labelledFor } from '../support/docker-snapshot';
import { recordFigure } from '../support/figures';
import { distDir, loadStack } from '../support/stack';

const stack = loadStack();
const hookPath = path.join(distDir, 'hook.js');
const image = `${stack.registries.plain}/${stack.images.shell}`;
let dir: string;
let layout: JobLayout;
let env: Record<string, string>;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'dockhand-fuzz-'));
  layout = createJobLayout(path.join(dir, 'runner'));
  env = {
    PATH: `${stack.stackHelper.binDir}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '/root',
    HOOK_DOCKER_CONFIG: stack.stackHelper.dockerConfig,
    RUNNER_TEMP: layout.temp,
    GITHUB_WORKSPACE: layout.workspace,
    RUNNER_NAME: 'fuzz',
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  exitCode: number | null;
  output: string;
}

async function callHook(stdin: string): Promise<Outcome> {
  const result = await runProcess([layout.node, hookPath], {
    cwd: layout.workspace,
    env,
    input: stdin,
    timeoutMs: 60_000,
  });
  return { exitCode: result.exitCode, output: result.stdout + result.stderr };
}

function prepareJobInput(container: HookContainer): string {
  const responseFile = path.join(layout.responses, 'fuzz.json');
  return (
    JSON.stringify({ command: 'prepare_job', responseFile, args: { container, services: [] }, state: null }) +
    '\n'
  );
}

/** One clear line: no stack trace, no more than one line of error text. */
function expectCleanRejection(outcome: Outcome, what: string): void {
  expect(outcome.exitCode, `${what} was accepted`).not.toBe(0);
  expect(outcome.output, `${what}: stack trace`).not.toMatch(/^\s+at /m);
  const lines = outcome.output.split('\n').filter((l) => l.trim() && !l.startsWith('::'));
  expect(lines.length, `${what}: ${outcome.output}`).toBeLessThanOrEqual(1);
}

let tried = 0;
let rejectedCleanly = 0;

describe('hostile and malformed input', () => {
  it('rejects stdin that is not a hook call, with one line and nothing created', async () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc
        .record({ command: fc.string({ maxLength: 30 }), args: fc.anything({ maxDepth: 2 }) })
        .map((o) => JSON.stringify(o)),
      fc.constantFrom(
        '',
        '\n',
        'null',
        '[]',
        '{"command":"prepare_job"}',
        '{"command":"prepare_job","args":null}',
      ),
    );
    await fc.assert(
      fc.asyncProperty(junk, async (stdin) => {
        tried++;
        expectCleanRejection(await callHook(stdin + '\n'), `stdin ${JSON.stringify(stdin).slice(0, 80)}`);
        rejectedCleanly++;
      }),
      { numRuns: 200 },
    );
    expect(labelledFor(runnerIdOf(layout.temp))).toEqual({ containers: [], networks: [] });
  });

  it('rejects hostile container fields before creating anything', async () => {
    const base = () => jobContainer({ image }, layout);
    const hostile = fc.oneof(
      fc.constantFrom('-v', '--privileged', '-it', '--rm').map((flag) => ({ ...base(), image: `${flag}` })),
      fc
        .constantFrom('busy box', 'img;touch /tmp/pwned', '$(touch /tmp/pwned)', 'a|b', 'img\nother')
        .map((i) => ({
          ...base(),
          image: i,
        })),
      fc
        .constantFrom('--env "unbalanced', "--label 'x", '--cpus 1 "', '--env "a\\"')
        .map((o) => ({ ...base(), createOptions: o })),
      fc
        .constantFrom('70000:80', '80:70000', '-1', 'abc', '80:80/sctp:x', '0:0:0:0')
        .map((p) => ({ ...base(), portMappings: [p] })),
      fc
        .constantFrom('A=B', '', 'X\nY', 'BAD NAME', '1ABC=')
        .map((name) => ({ ...base(), environmentVariables: { [name]: 'v' } })),
      fc
        .constantFrom('/tmp/a:b:/data', '/tmp:/data:rw:x', '/tmp:relative', '/tmp:/d\nx')
        .map((volume) => ({ ...base(), userMountVolumes: [userMount(volume)] })),
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (container) => {
        tried++;
        expectCleanRejection(
          await callHook(prepareJobInput(container)),
          JSON.stringify(container).slice(0, 120),
        );
        rejectedCleanly++;
      }),
      { numRuns: 80 },
    );
    expect(labelledFor(runnerIdOf(layout.temp))).toEqual({ containers: [], networks: [] });
    expect(() => readFileSync('/tmp/pwned')).toThrow();
  });

  it('hands environment values to the job container unchanged, whatever they hold', async () => {
    const value = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 50 }),
      fc.constantFrom(
        'a b',
        '"quoted"',
        "it's",
        'x=y=z',
        'line1\nline2',
        '$(id)',
        '`id`',
        '--flag',
        ' lead',
        'trail ',
      ),
      fc.string({ minLength: 50_000, maxLength: 60_000 }),
    );
    const names = fc.uniqueArray(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/), {
      minLength: 1,
      maxLength: 12,
    });
    const samples = fc.sample(
      names.chain((ns) =>
        fc.tuple(fc.constant(ns), fc.array(value, { minLength: ns.length, maxLength: ns.length })),
      ),
      { numRuns: 3, seed: 42 },
    );
    for (const [ns, values] of samples) {
      const wanted = Object.fromEntries(ns.map((n, i) => [`FUZZ_${n}`, values[i]!.replaceAll('\0', '')]));
      const replayer = createReplayer({ hookPath, runnerRoot: path.join(dir, `env-${tried}`), env });
      const jobEnv = Object.fromEntries(Object.entries(wanted).slice(0, Math.ceil(ns.length / 2)));
      const stepEnv = Object.fromEntries(Object.entries(wanted).slice(Math.ceil(ns.length / 2)));
      tried++;
      const prepare = await replayer.prepareJob({
        container: jobContainer({ image, env: jobEnv }, replayer.layout),
        services: [],
      });
      try {
        expect(prepare.exitCode, prepare.stderr).toBe(0);
        const step = await replayer.runScriptStep(
          scriptStep(
            { script: 'cat /proc/self/environ > /__w/_temp/environ', env: stepEnv },
            replayer.layout,
          ),
        );
        expect(step.exitCode, step.stderr).toBe(0);
        const seen = Object.fromEntries(
          readFileSync(path.join(replayer.layout.temp, 'environ'), 'utf8')
            .split('\0')
            .filter(Boolean)
            .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
        );
        for (const [name, v] of Object.entries(wanted)) expect(seen[name], name).toBe(v);
      } finally {
        await replayer.cleanupJob();
      }
    }
  });

  afterAll(() => {
    recordFigure('fuzz cases tried', tried);
    recordFigure('fuzz cases rejected cleanly', rejectedCleanly);
  });
});
