// Docker actions: a docker:// image with no job container (no prepare_job, no state, no network), and a
// Dockerfile action in a job, built from its folder through the credential helper, removed at cleanup.
// The container is created by `docker create` and attached, started and waited for through the Engine
// API: output streamed as it comes, options as docker reads them, nothing left, also when cancelled.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { containerStep, jobContainer, replayJob, serviceContainer } from '../../src/replay';
import { runnerIdOf } from '../../src/hook/config';
import { containersLabelled, docker, ecr, testRunner, type TestRunner } from './hook-support';

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
    expect(result.steps[0]?.exitCode, result.steps[0]?.stderr).toBe(7);
  });
});

/** Resolves once `seen()` is true; the test's own timeout bounds the wait. */
async function until(seen: () => boolean): Promise<void> {
  while (!seen()) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The runner's containers, once a removal the daemon may still be making (AutoRemove) is done. */
async function containersLeft(r: TestRunner): Promise<string[]> {
  const label = `dockhand.runner=${runnerIdOf(r.replayer.layout.temp)}`;
  for (let look = 0; look < 50 && containersLabelled(label).length > 0; look++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return containersLabelled(label);
}

describe('hook, container steps through the Engine API', () => {
  it('streams each stream to its own as it comes, bytes unchanged, with the job variables, and leaves nothing', async () => {
    runner = testRunner();
    const { replayer } = runner;
    const go = path.join(replayer.layout.workspace, 'go');
    // The action waits for a file the test writes only once it has seen the first line: that line came
    // while the step was still running. Then a long stream (many frames) and multi-byte characters.
    const script = [
      'echo "out-1 $INPUT_WHO $GITHUB_ACTIONS $CI"',
      'echo err-1 >&2',
      'while [ ! -e /github/workspace/go ]; do sleep 0.05; done',
      'echo "é€😀 ::notice::from the action"',
      'head -c 300000 /dev/zero | tr "\\0" x',
      'echo',
      'echo err-2 >&2',
    ].join('; ');
    const step = replayer.runContainerStep({
      ...containerStep(
        { image: ecr('dockhand/shell:1'), entryPoint: 'sh', env: { INPUT_WHO: 'the action' } },
        replayer.layout,
      ),
      entryPointArgs: ['-c', `'${script}'`],
    });
    await until(() => runner!.output().includes('out-1'));
    writeFileSync(go, '');
    const call = await step;
    expect(call.exitCode, runner.output()).toBe(0);
    expect(call.stdout).toContain('out-1 the action true true\n');
    expect(call.stdout).toContain(`é€😀 ::notice::from the action\n${'x'.repeat(300000)}\n`);
    expect(call.stdout.indexOf('out-1')).toBeLessThan(call.stdout.indexOf('é€😀'));
    expect(call.stderr).toMatch(/err-1\n(.|\n)*err-2\n/);
    expect(call.stdout).not.toContain('err-');
    expect(await containersLeft(runner)).toEqual([]);
  });

  it('keeps the options of docker create: --entrypoint, -v, -e, --network-alias, -i (stdin at EOF), -t', async () => {
    runner = testRunner();
    const { replayer } = runner;
    const extra = path.join(runner.root, 'extra');
    mkdirSync(extra);
    writeFileSync(path.join(extra, 'note.txt'), 'mounted by options\n');
    const prepare = await replayer.prepareJob({
      container: jobContainer({ image: ecr('dockhand/shell:1') }, replayer.layout),
      services: [],
    });
    expect(prepare.exitCode, runner.output()).toBe(0);
    const step = (createOptions: string, entryPoint: string, args: string) =>
      replayer.runContainerStep({
        ...containerStep({ image: ecr('dockhand/shell:1'), entryPoint, args }, replayer.layout),
        createOptions,
      });
    try {
      const options = await step(
        `--entrypoint cat -v ${extra}:/extra:ro -e FROM_OPTIONS=yes --network-alias step-alias`,
        'false',
        '/extra/note.txt',
      );
      expect(options.exitCode, runner.output()).toBe(0);
      expect(options.stdout).toContain('mounted by options');
      const alias = await step(
        '--network-alias step-alias -e FROM_OPTIONS=yes',
        'sh',
        // The name resolving is what counts: podman gives containers no NET_RAW, so its ping then fails.
        `-c 'echo $FROM_OPTIONS; ping -c 1 -W 2 step-alias || true'`,
      );
      expect(alias.exitCode, runner.output()).toBe(0);
      expect(alias.stdout).toMatch(/\nyes\nPING step-alias \(/);
      // cat reads stdin: it ends only because stdin is at its end, as with `docker run -i` and no input.
      const stdin = await step('-i', 'sh', `-c 'cat; echo stdin-ended'`);
      expect(stdin.exitCode, runner.output()).toBe(0);
      expect(stdin.stdout).toContain('stdin-ended');
      const tty = await step('-t', 'sh', `-c '[ -t 1 ] && echo on-a-tty'`);
      expect(tty.exitCode, runner.output()).toBe(0);
      expect(tty.stdout).toContain('on-a-tty');
      const both = await step('-i -t', 'true', '');
      expect(both.exitCode).toBe(1);
      expect(both.stdout).toContain('a step has no terminal for input; drop -i or -t');
      // docker run's own flags are not docker create's: the CLI's words say so, in one line.
      const detached = await step('-d', 'true', '');
      expect(detached.exitCode).toBe(1);
      expect(detached.stdout).toMatch(
        /::error::dockhand run_container_step: .*unknown shorthand flag: 'd' in -d/,
      );
    } finally {
      expect((await replayer.cleanupJob()).exitCode, runner.output()).toBe(0);
    }
    expect(await containersLeft(runner)).toEqual([]);
  });

  it('fails the step with the action exit code and its output, and refuses a container that cannot start', async () => {
    runner = testRunner();
    const { replayer } = runner;
    const failing = await replayer.runContainerStep(
      containerStep(
        { image: ecr('dockhand/shell:1'), entryPoint: 'sh', args: `-c 'echo why >&2; exit 3'` },
        replayer.layout,
      ),
    );
    expect(failing.exitCode).toBe(3);
    expect(failing.stderr).toContain('why');
    expect(failing.stdout).toContain('::error::dockhand run_container_step: the step exited with code 3');
    const missing = await replayer.runContainerStep(
      containerStep({ image: ecr('dockhand/shell:1'), entryPoint: 'no-such-program' }, replayer.layout),
    );
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stdout).toMatch(/::error::dockhand run_container_step: .*no-such-program/);
    expect(await containersLeft(runner)).toEqual([]);
  });

  it('runs a Dockerfile action without a job container, then removes its image and leaves no container', async () => {
    runner = testRunner();
    const { replayer } = runner;
    const actionDir = path.join(replayer.layout.actions, 'octo', 'alone');
    mkdirSync(actionDir, { recursive: true });
    writeFileSync(
      path.join(actionDir, 'Dockerfile'),
      `FROM ${ecr('dockhand/shell:1')}\nENTRYPOINT ["sh", "-c", "echo built and run alone"]\n`,
    );
    const step = await replayer.runContainerStep(
      containerStep({ dockerfile: path.join(actionDir, 'Dockerfile') }, replayer.layout),
    );
    expect(step.exitCode, runner.output()).toBe(0);
    expect(step.stdout).toContain('built and run alone');
    // The image goes while the daemon may still be removing the container that ran it.
    expect(builtImages(runner)).toEqual([]);
    expect(await containersLeft(runner)).toEqual([]);
  });

  it('stops and removes the container of a cancelled step, even one that ignores SIGTERM', async () => {
    runner = testRunner();
    const { replayer } = runner;
    const cancel = new AbortController();
    const step = replayer.runContainerStep(
      containerStep(
        {
          image: ecr('dockhand/shell:1'),
          entryPoint: 'sh',
          args: `-c 'trap "" TERM INT; echo started; sleep 600 & wait'`,
        },
        replayer.layout,
      ),
      cancel.signal,
    );
    await until(() => runner!.output().includes('started'));
    cancel.abort();
    const call = await step;
    // 130: the hook ended on its own after the runner's SIGINT (128 + 2), before any SIGTERM or SIGKILL.
    expect(call.exitCode, runner.output()).toBe(130);
    const label = `dockhand.runner=${runnerIdOf(replayer.layout.temp)}`;
    expect(containersLabelled(label)).toEqual([]);
  });
});
