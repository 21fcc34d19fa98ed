// Docker actions: a docker:// image with no job container (no prepare_job, no state, no network), and a
// Dockerfile action in a job, built from its folder through the credential helper, removed at cleanup.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { containerStep, jobContainer, replayJob, serviceContainer } from '../../src/replay';
import { runnerIdOf } from '../../src/hook/config';
import { docker, ecr, testRunner, type TestRunner } from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());

const builtImages = (r: TestRunner) =>
  docker('image', 'ls', '--quiet', '--filter', `label=dockhand.runner=${runnerIdOf(r.replayer.layout.temp)}`)
    .split('\n')
    .filter(Boolean);

describe('hook, container steps', () => {
  it('runs a docker:// action without a job container, with args re-tokenized', async () => {
    runner = testRunner();
    const result = await replayJob(runner.replayer, {
      steps: [
        {
          kind: 'container',
          image: ecr('dockhand/shell:1'),
          entryPoint: 'sh',
          args: `-c 'printf "<%s>" "$0" "$1"; echo' "two words" "and more"`,
          env: { INPUT_WHO: 'the action' },
        },
      ],
    });
    expect(result.prepare).toBeNull();
    expect(result.ok, runner.output()).toBe(true);
    expect(runner.output()).toContain('<two words><and more>');
  });

  it('builds a Dockerfile action from its folder, on the job network, and removes the image at cleanup', async () => {
    runner = testRunner();
    const actionDir = path.join(runner.replayer.layout.actions, 'octo', 'greet');
    mkdirSync(actionDir, { recursive: true });
    writeFileSync(path.join(actionDir, 'greeting.txt'), 'hello from a built action\n');
    writeFileSync(
      path.join(actionDir, 'Dockerfile'),
      `FROM ${ecr('dockhand/shell:1')}\nCOPY greeting.txt /greeting.txt\nENTRYPOINT ["sh", "-c", "cat /greeting.txt && wget -q -O - http://web/"]\n`,
    );
    const { replayer } = runner;
    const prepare = await replayer.prepareJob({
      container: jobContainer({ image: ecr('dockhand/shell:1') }, replayer.layout),
      services: [serviceContainer({ image: ecr('dockhand/web:1') })],
    });
    expect(prepare.exitCode, runner.output()).toBe(0);
    try {
      const step = await replayer.runContainerStep(
        containerStep({ dockerfile: path.join(actionDir, 'Dockerfile') }, replayer.layout),
      );
      expect(step.exitCode, runner.output()).toBe(0);
      expect(builtImages(runner)).toHaveLength(1);
    } finally {
      expect((await replayer.cleanupJob()).exitCode, runner.output()).toBe(0);
    }
    expect(runner.output()).toContain('hello from a built action');
    expect(runner.output()).toContain('hello from the dockhand web service');
    expect(builtImages(runner)).toEqual([]);
  });

  it('runs a services-only job: the docker:// step reaches the service by alias on the job network', async () => {
    runner = testRunner();
    const result = await replayJob(runner.replayer, {
      services: [{ image: ecr('dockhand/web:1'), ports: ['80'] }],
      steps: [
        {
          kind: 'container',
          image: ecr('dockhand/shell:1'),
          entryPoint: 'wget',
          args: '-q -O - http://web/',
        },
      ],
    });
    expect(result.ok, runner.output()).toBe(true);
    expect(result.prepare?.response).not.toHaveProperty('isAlpine');
    expect(runner.output()).toContain('hello from the dockhand web service');
  });

  it('fails the hook when the action exits non-zero', async () => {
    runner = testRunner();
    const result = await replayJob(runner.replayer, {
      steps: [{ kind: 'container', image: ecr('dockhand/shell:1'), entryPoint: 'sh', args: '-c "exit 7"' }],
    });
    expect(result.steps[0]?.exitCode).toBe(7);
  });
});
