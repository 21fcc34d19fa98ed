// What a workflow's `options:` and env may not do to the hook: take its labels (a container that escapes
// rollback and cleanup), make the docker CLI read or write host files, or fail only once things exist;
// and how services are named and listed.
import { afterEach, describe, expect, it } from 'vitest';
import { containerStep, jobContainer, serviceContainer } from '../../src/replay';
import { runnerIdOf } from '../../src/hook/config';
import {
  containersLabelled,
  ecr,
  ecrEu,
  networksLabelled,
  testRunner,
  type SavedState,
  type TestRunner,
} from './hook-support';

let runner: TestRunner;
afterEach(() => runner.dispose());

/** The hook refused in one `::error::` line before doing anything (no group began), leaving nothing behind. */
function expectRefusedUpFront(output: string, why: string): void {
  expect(output.trim()).toBe(`::error::${why}`);
  const label = `dockhand.runner=${runnerIdOf(runner.replayer.layout.temp)}`;
  expect({ containers: containersLabelled(label), networks: networksLabelled(label) }).toEqual({
    containers: [],
    networks: [],
  });
}

describe('hook, options and env of a workflow', () => {
  it.each([
    [
      '--label dockhand.job=another',
      "dockhand prepare_job: args.services.0.createOptions: the label dockhand.job is dockhand's own (it finds and removes the job's containers by it); use another label key",
    ],
    [
      '--env-file /etc/hostname',
      "dockhand prepare_job: args.services.0.createOptions: --env-file reads a file on the runner host; set the variables in the workflow's env: instead",
    ],
  ])('refuses a service with options %j before anything is created', async (options, why) => {
    runner = testRunner();
    const { replayer } = runner;
    const prepare = await replayer.prepareJob({
      container: jobContainer({ image: ecr('dockhand/shell:1') }, replayer.layout),
      services: [serviceContainer({ image: ecr('dockhand/web:1'), options })],
    });
    expect(prepare.exitCode).toBe(1);
    expectRefusedUpFront(runner.output(), why);
  });

  it('refuses a docker:// step with --cidfile before pulling or running anything', async () => {
    runner = testRunner();
    const { replayer } = runner;
    const step = await replayer.runContainerStep({
      ...containerStep({ image: ecr('dockhand/shell:1'), entryPoint: 'true' }, replayer.layout),
      createOptions: `--cidfile ${runner.root}/cid`,
    });
    expect(step.exitCode).toBe(1);
    expectRefusedUpFront(
      runner.output(),
      'dockhand run_container_step: args.createOptions: --cidfile writes a file on the runner host; remove it (the job log names every container)',
    );
  });

  it('refuses a NUL in any container env value before any pull starts, without showing the value', async () => {
    runner = testRunner();
    const { replayer } = runner;
    const prepare = await replayer.prepareJob({
      container: jobContainer({ image: ecr('dockhand/shell:1') }, replayer.layout),
      services: [
        serviceContainer({ image: ecr('dockhand/web:1') }),
        serviceContainer({ image: ecr('dockhand/web:1'), env: { TOKEN: 'hunter2\0' } }),
      ],
    });
    expect(prepare.exitCode).toBe(1);
    expectRefusedUpFront(
      runner.output(),
      'dockhand prepare_job: invalid hook input: args.services.1.environmentVariables.TOKEN holds a NUL character, which no environment can hold; remove it',
    );
  });

  it('gives services distinct aliases and lists each name once', async () => {
    runner = testRunner({ HOOK_SERVICE_ALIASES: `${ecrEu('dockhand/web')}=web-2` });
    const { replayer } = runner;
    const prepare = await replayer.prepareJob({
      container: jobContainer({ image: ecr('dockhand/shell:1') }, replayer.layout),
      services: [
        serviceContainer({ image: ecr('dockhand/web:1'), options: '--network-alias web' }),
        serviceContainer({ image: ecr('dockhand/web:1') }),
        serviceContainer({ image: ecrEu('dockhand/web:1') }),
      ],
    });
    try {
      expect(prepare.exitCode, runner.output()).toBe(0);
      expect((replayer.state as SavedState).services.map((service) => service.alias)).toEqual([
        'web',
        'web-3',
        'web-2',
      ]);
      expect(runner.output()).toMatch(/^service web: /m);
      expect(runner.output()).toContain(
        'Services are reachable from the job container and each other as: web, web-3, web-2\n',
      );
    } finally {
      expect((await replayer.cleanupJob()).exitCode, runner.output()).toBe(0);
    }
  });
});
