// A run step's PATH, as the runner's own container steps build it (ContainerStepHost): with GITHUB_PATH
// entries, those entries then the container's PATH, over any PATH the step sets; with none, the step's own
// `env: PATH` when it sets one, else the container's PATH.
import { afterEach, describe, expect, it } from 'vitest';
import { replayJob } from '../../src/replay';
import { ecr, testRunner, type TestRunner } from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());

const IMAGE_PATH = '/usr/local/bin:/usr/bin:/bin';

describe('hook, a step PATH', () => {
  it("keeps a step's own PATH unless GITHUB_PATH has entries, which go before the container's PATH", async () => {
    runner = testRunner();
    const show = (name: string) => `echo "${name}=$PATH"`;
    const result = await replayJob(runner.replayer, {
      container: { image: ecr('dockhand/shell:1') },
      steps: [
        { kind: 'script', script: show('own'), env: { PATH: '/opt/own/bin:/bin' } },
        { kind: 'script', script: show('image') },
        {
          kind: 'script',
          script: show('prepended'),
          env: { PATH: '/opt/own/bin:/bin' },
          prependPath: ['/opt/tool/bin', '/opt/other/bin'],
        },
      ],
    });
    const log = runner.output();
    expect(result.ok, log).toBe(true);
    expect(log).toContain('own=/opt/own/bin:/bin\n');
    expect(log).toContain(`image=${IMAGE_PATH}\n`);
    expect(log).toContain(`prepended=/opt/tool/bin:/opt/other/bin:${IMAGE_PATH}\n`);
  });

  it("starts from the job container's PATH when its `container.env` sets one", async () => {
    runner = testRunner();
    const result = await replayJob(runner.replayer, {
      container: { image: ecr('dockhand/shell:1'), env: { PATH: '/opt/job/bin:/bin' } },
      steps: [
        { kind: 'script', script: 'echo "plain=$PATH"' },
        { kind: 'script', script: 'echo "prepended=$PATH"', prependPath: ['/opt/tool/bin'] },
      ],
    });
    const log = runner.output();
    expect(result.ok, log).toBe(true);
    expect(log).toContain('plain=/opt/job/bin:/bin\n');
    expect(log).toContain('prepended=/opt/tool/bin:/opt/job/bin:/bin\n');
  });
});
