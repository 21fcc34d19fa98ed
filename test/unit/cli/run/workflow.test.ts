import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWorkflowJob, WorkflowError } from '../../../../src/cli/run/workflow';

const examples = path.resolve(__dirname, '../../../../examples/workflows');

function job(body: string): string {
  return `on: push\njobs:\n  test:\n    runs-on: self-hosted\n${body.replace(/^/gm, '    ')}\n`;
}

describe('readWorkflowJob', () => {
  it('reads the sample workflow with GitHub’s parser: events, steps, conditions', async () => {
    const plan = await readWorkflowJob(readFileSync(path.join(examples, 'ci.yml'), 'utf8'), 'test');
    expect(plan.events).toEqual(['push']);
    expect(plan.workflowName).toBe('ci');
    expect(plan.condition).toBe('success()');
    expect(plan.steps.map((s) => [s.label, s.condition, s.skipped])).toEqual([
      ['Run echo "$GREETING"', 'success()', undefined],
      ['Run wget -q -O - http://web/ | head -n 3', 'success()', undefined],
      ['Run docker://registry.dockhand.test/dockhand/shell:1', 'success()', undefined],
    ]);
  });

  it('adds success() && to a condition that names no status function, as GitHub does', async () => {
    const plan = await readWorkflowJob(
      job(
        "if: github.ref == 'refs/heads/main'\ncontainer: img:1\nsteps:\n  - run: x\n    if: always()\n  - run: y\n    if: env.A == 'b'",
      ),
      'test',
    );
    expect(plan.condition).toBe("success() && (github.ref == 'refs/heads/main')");
    expect(plan.steps.map((s) => s.condition)).toEqual(['always()', "success() && (env.A == 'b')"]);
  });

  it.each([
    ['- uses: actions/checkout@v4', 'is an action from a repository'],
    ['- uses: ./local-action', 'is an action of this repository'],
  ])('skips %j with a reason', async (steps, reason) => {
    const plan = await readWorkflowJob(
      job(`container: img:1\nsteps:\n${steps.replace(/^/gm, '  ')}`),
      'test',
    );
    expect(plan.steps[0]?.skipped).toContain(reason);
  });

  it('skips run: steps of a job without a container, and keeps its docker steps', async () => {
    const plan = await readWorkflowJob(job('steps:\n  - run: make\n  - uses: docker://img:1'), 'test');
    expect(plan.steps[0]?.skipped).toContain('runs on the host');
    expect(plan.steps[1]?.skipped).toBeUndefined();
  });

  it.each([
    [job('steps: []').replace('test:', 'build:'), "no job 'test' in this workflow; its jobs are: build"],
    [
      'on: push\njobs:\n  test:\n    uses: octo/repo/.github/workflows/x.yml@v1\n',
      'calls a reusable workflow',
    ],
    [
      'on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: x}]\n  test:\n    needs: a\n    runs-on: x\n    container: img:1\n    steps:\n      - run: echo ${{ needs.a.outputs.v }}\n',
      'reads the outputs of the jobs it needs',
    ],
    [
      job('container: img:1\nservices:\n  db:\n    image: pg:16\n    entrypoint: /bin/x\nsteps: []'),
      'jobs.test.services.db.entrypoint is not played',
    ],
    ['name: x\n', 'not a valid workflow'],
    ['jobs: [', 'not a valid workflow'],
    [job('container: img:1\nsteps:\n  - run: echo ${{ nosuch.x }}'), "Unrecognized named-value: 'nosuch'"],
  ])('refuses what it cannot play, in one line saying what to do (%#)', async (text, message) => {
    const read = readWorkflowJob(text, 'test');
    await expect(read).rejects.toThrow(WorkflowError);
    await expect(readWorkflowJob(text, 'test')).rejects.toThrow(message);
    await expect(readWorkflowJob(text, 'test')).rejects.not.toThrow(/\n/);
  });
});
