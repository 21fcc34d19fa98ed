import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWorkflowJob, WorkflowError } from '../../../../src/cli/run/workflow';

const ws = '/__w/workspace/workspace';
const examples = path.resolve(__dirname, '../../../../examples/workflows');

function job(body: string): string {
  return `on: push\njobs:\n  test:\n    runs-on: self-hosted\n${body.replace(/^/gm, '    ')}\n`;
}

describe('readWorkflowJob', () => {
  it('reads the sample workflow: container, service, env, run and docker steps', () => {
    const plan = readWorkflowJob(readFileSync(path.join(examples, 'ci.yml'), 'utf8'), 'test', ws);
    expect(plan.container).toMatchObject({
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/dockhand/alpine:3',
      env: { APP_ENV: 'test' },
    });
    expect(plan.services.map((s) => s.name)).toEqual(['web']);
    expect(plan.env).toEqual({ GREETING: 'hello from the job' });
    expect(plan.steps.map((s) => ('spec' in s ? s.spec.kind : 'skipped'))).toEqual([
      'script',
      'script',
      'container',
    ]);
    expect(plan.steps[2]).toMatchObject({
      spec: { image: 'registry.dockhand.test/dockhand/shell:1', args: 'echo from a docker step' },
    });
  });

  it('takes ports, volumes, options and credentials of services as written', () => {
    const plan = readWorkflowJob(
      job(
        'container: img:1\nservices:\n  db:\n    image: pg:16\n    ports: ["5432:5432"]\n    volumes: [/data:/var/lib/data:ro]\n' +
          '    options: --health-cmd "pg_isready -U x"\n    credentials: {username: u, password: p}\nsteps: []',
      ),
      'test',
      ws,
    );
    expect(plan.services[0]?.spec).toEqual({
      image: 'pg:16',
      env: {},
      ports: ['5432:5432'],
      volumes: ['/data:/var/lib/data:ro'],
      options: '--health-cmd "pg_isready -U x"',
      credentials: { username: 'u', password: 'p' },
    });
  });

  it.each([
    ['- uses: actions/checkout@v4', 'is an action from a repository'],
    ['- run: echo ${{ github.sha }}', 'uses ${{ github.sha }}, which dockhand run cannot evaluate'],
    ['- run: echo hi\n  if: failure()', 'has an if: condition'],
    ['- run: Write-Host hi\n  shell: pwsh', 'shell: pwsh is not played'],
  ])('skips %j with a reason', (steps, reason) => {
    const plan = readWorkflowJob(job(`container: img:1\nsteps:\n${steps.replace(/^/gm, '  ')}`), 'test', ws);
    expect(plan.steps[0]).toMatchObject({ skipped: expect.stringContaining(reason) });
  });

  it('skips run: steps of a job without a container, and keeps its docker steps', () => {
    const plan = readWorkflowJob(job('steps:\n  - run: make\n  - uses: docker://img:1'), 'test', ws);
    expect(plan.steps[0]).toMatchObject({ skipped: expect.stringContaining('runs on the host') });
    expect(plan.steps[1]).toMatchObject({ spec: { kind: 'container', image: 'img:1' } });
  });

  it.each([
    [
      job('strategy:\n  matrix:\n    v: [1, 2]\ncontainer: img:${{ matrix.v }}\nsteps: []'),
      'is a matrix job',
    ],
    [
      job('container:\n  image: img:1\n  credentials:\n    username: ${{ secrets.USER }}\nsteps: []'),
      'uses ${{ secrets.USER }}',
    ],
    [job('env:\n  A: ${{ vars.A }}\nsteps: []'), 'env uses ${{ vars.A }}'],
    [job('steps: []').replace('test:', 'build:'), "no job 'test' in this workflow; its jobs are: build"],
    ['name: x\n', 'no jobs:'],
    ['jobs: [', 'not valid YAML'],
  ])('refuses what it cannot play, saying what to do (%#)', (text, message) => {
    expect(() => readWorkflowJob(text, 'test', ws)).toThrow(WorkflowError);
    expect(() => readWorkflowJob(text, 'test', ws)).toThrow(message);
  });
});
