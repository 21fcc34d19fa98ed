// HOOK_PULL_POLICY on the stack: `missing` makes no registry request and no credential-helper call for an
// image the Docker host has (the registry's access log and a helper that records its calls prove it),
// `never` fails naming the image it lacks, and an image pinned by digest that is there is never pulled again.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { containerStep, jobContainer, replayJob } from '../../src/replay';
import { makeTempDir, removeTempDirs } from '../support/temp';
import { docker, plain, stack, testRunner, type TestRunner } from './hook-support';
import {
  forget,
  isOnHost,
  pushAs,
  registryRequestsFor,
  removeLater,
  removeTags,
  uniqueTag,
} from './pull-support';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());
afterAll(() => {
  removeTags();
  removeTempDirs();
});

const repository = `dockhand/${uniqueTag('policy')}`;
const image = plain(`${repository}:1`);
const dir = makeTempDir('dockhand-policy-');
const calls = path.join(dir, 'calls');

beforeAll(() => {
  pushAs(stack.localImages.shell, image);
  removeLater(image);
  // The stack's helper, behind one that records each call it gets.
  const helper = path.join(dir, 'docker-credential-recording');
  writeFileSync(
    helper,
    `#!/bin/sh\necho "$1" >> ${calls}\nexec ${path.join(stack.stackHelper.binDir, `docker-credential-${stack.stackHelper.name}`)} "$@"\n`,
    { mode: 0o755 },
  );
  writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ credHelpers: { [stack.registries.plain]: 'recording' } }),
  );
});

const helperCalls = () => (existsSync(calls) ? readFileSync(calls, 'utf8').split('\n').filter(Boolean) : []);

function policyRunner(policy: string): TestRunner {
  return testRunner({
    HOOK_PULL_POLICY: policy,
    HOOK_DOCKER_CONFIG: dir,
    PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  });
}

const job = (ref: string) => ({
  container: { image: ref },
  steps: [{ kind: 'script' as const, script: 'echo up' }],
});

describe('hook, pull policy', () => {
  it('missing: pulls an image the host lacks, then uses it with no registry request and no helper call', async () => {
    if (isOnHost(image)) forget(image);
    runner = policyRunner('missing');
    expect((await replayJob(runner.replayer, job(image))).ok, runner.output()).toBe(true);
    expect(runner.output()).toContain(`${image}: pulled from ${stack.registries.plain} in`);
    expect(helperCalls().length).toBeGreaterThan(0);
    runner.dispose();

    const requestsBefore = registryRequestsFor(repository).length;
    const callsBefore = helperCalls().length;
    runner = policyRunner('missing');
    expect((await replayJob(runner.replayer, job(image))).ok, runner.output()).toBe(true);
    expect(runner.output()).toContain(
      `${image}: found on this Docker host (HOOK_PULL_POLICY=missing), not pulled`,
    );
    expect(helperCalls().length).toBe(callsBefore);
    expect(registryRequestsFor(repository).length).toBe(requestsBefore);
  });

  it('missing: does not take an image someone tagged on the host with the name, and pulls the real one', async () => {
    // Any job can do this through the docker socket the runner mounts into its container.
    const real = docker('image', 'inspect', '--format', '{{.Id}}', stack.localImages.shell);
    docker('tag', stack.localImages.alpine, image);
    runner = policyRunner('missing');
    expect((await replayJob(runner.replayer, job(image))).ok, runner.output()).toBe(true);
    expect(runner.output()).toContain(
      `${image}: the copy on this Docker host was not pulled from ${stack.registries.plain}/${repository}; pulling it`,
    );
    expect(runner.output()).toContain(`${image}: pulled from ${stack.registries.plain} in`);
    expect(docker('image', 'inspect', '--format', '{{.Id}}', image)).toBe(real);
  });

  it('always (the default): asks the registry every time, as the runner does', async () => {
    const requestsBefore = registryRequestsFor(repository).length;
    const callsBefore = helperCalls().length;
    runner = policyRunner('always');
    expect((await replayJob(runner.replayer, job(image))).ok, runner.output()).toBe(true);
    expect(runner.output()).toContain(`${image}: pulled from ${stack.registries.plain} in`);
    expect(helperCalls().length).toBeGreaterThan(callsBefore);
    expect(registryRequestsFor(repository).length).toBeGreaterThan(requestsBefore);
  });

  it("always: a Docker action's image is pulled once per job, as the runner does, not at every step", async () => {
    const action = plain(`${repository}:action`);
    pushAs(stack.localImages.alpine, action);
    removeLater(action);
    const step = (ref: string, n: number) => ({
      kind: 'container' as const,
      image: ref,
      entryPoint: 'echo',
      args: `action-step-${n}`,
    });
    runner = policyRunner('always');
    const { replayer } = runner;
    const requests = () => registryRequestsFor(repository).length;
    const prepare = await replayer.prepareJob({
      container: jobContainer({ image }, replayer.layout),
      services: [],
    });
    expect(prepare.exitCode, runner.output()).toBe(0);
    // Registry requests and helper calls after prepare_job, then after each step.
    const counts = [[requests(), helperCalls().length]];
    // The job container's image, then a new one twice: one pull in all, at its first step.
    for (const [n, ref] of [image, action, action].entries()) {
      const call = await replayer.runContainerStep(containerStep(step(ref, n), replayer.layout));
      expect(call.exitCode, runner.output()).toBe(0);
      counts.push([requests(), helperCalls().length]);
    }
    const output = runner.output();
    expect(output).toContain(`${image}: found on this Docker host (used earlier in this job), not pulled`);
    expect(output).toContain(`${action}: pulled from ${stack.registries.plain} in`);
    expect(output).toContain(`${action}: found on this Docker host (used earlier in this job), not pulled`);
    expect(output).toContain('action-step-2');
    const [afterPrepare, afterJobImage, afterPull, afterReuse] = counts;
    expect(afterJobImage, output).toEqual(afterPrepare);
    expect(afterPull![0]).toBeGreaterThan(afterJobImage![0]!);
    expect(afterPull![1]).toBeGreaterThan(afterJobImage![1]!);
    expect(afterReuse, output).toEqual(afterPull);

    // A job that puts another image under the name (through the docker socket) gets the real one again.
    docker('tag', stack.localImages.shell, action);
    const retagged = await replayer.runContainerStep(containerStep(step(action, 3), replayer.layout));
    expect(retagged.exitCode, runner.output()).toBe(0);
    expect(runner.output()).toContain(
      `${action}: the copy this job used earlier is no longer on this Docker host under that name`,
    );
    expect(docker('image', 'inspect', '--format', '{{.Id}}', action)).toBe(
      docker('image', 'inspect', '--format', '{{.Id}}', stack.localImages.alpine),
    );
    expect((await replayer.cleanupJob()).exitCode, runner.output()).toBe(0);
  });

  it('never: fails naming the image the host lacks, asking no registry and no helper', async () => {
    const missing = plain(`${repository}:not-here`);
    const requestsBefore = registryRequestsFor(repository).length;
    const callsBefore = helperCalls().length;
    runner = policyRunner('never');
    const result = await replayJob(runner.replayer, job(missing));
    expect(result.prepare?.exitCode).not.toBe(0);
    expect(runner.output()).toContain(
      `::error::dockhand prepare_job: ${missing} is not on this Docker host and HOOK_PULL_POLICY=never;`,
    );
    expect(helperCalls().length).toBe(callsBefore);
    expect(registryRequestsFor(repository).length).toBe(requestsBefore);
  });

  it('a reference pinned by digest that the host has is not pulled again, even with always', async () => {
    if (!isOnHost(image)) docker('pull', '--quiet', image);
    const pinned = docker('image', 'inspect', '--format', '{{index .RepoDigests 0}}', image);
    expect(pinned).toMatch(/@sha256:/);
    const requestsBefore = registryRequestsFor(repository).length;
    const callsBefore = helperCalls().length;
    runner = policyRunner('always');
    expect((await replayJob(runner.replayer, job(pinned))).ok, runner.output()).toBe(true);
    expect(runner.output()).toContain(`${pinned}: found on this Docker host (pinned by digest), not pulled`);
    expect(helperCalls().length).toBe(callsBefore);
    expect(registryRequestsFor(repository).length).toBe(requestsBefore);
  });
});
