// The baseline: the docker CLI calls the runner's built-in container support makes, one after another
// and in its order (its ContainerOperationProvider, and the `##[command]` lines of its job logs): see
// baselinePrepare; per step a `docker exec`, per container step a `docker pull` and a `docker run --rm`;
// at the end each service's logs, each rm, the network rm.
import { randomBytes } from 'node:crypto';
import { splitShellWords } from '../src/docker/shell-words';
import { runProcess } from '../src/exec';
import type { HookContainer } from '../src/protocol/hook-types';
import { docker } from './docker';

export interface BaselineJob {
  jobId: string;
  network: string;
  ids: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `-v` for each of a container's mounts, as the runner writes them. */
function volumeArgs(container: HookContainer): string[] {
  return [...container.systemMountVolumes, ...container.userMountVolumes].flatMap((m) => [
    '-v',
    `${m.sourceVolumePath ? `${m.sourceVolumePath}:` : ''}${m.targetVolumePath}${m.readOnly ? ':ro' : ''}`,
  ]);
}

export function createArgs(
  label: string,
  network: string,
  container: HookContainer,
  isJob: boolean,
  alias: string | null,
): string[] {
  const args = ['create', '--label', label, '--network', network];
  if (alias) args.push('--network-alias', alias);
  if (container.workingDirectory) args.push('--workdir', container.workingDirectory);
  for (const [name, value] of Object.entries(container.environmentVariables))
    args.push('-e', `${name}=${value}`);
  args.push('-e', 'GITHUB_ACTIONS=true', '-e', 'CI=true');
  for (const port of container.portMappings) args.push('-p', port);
  args.push(...volumeArgs(container));
  // The workflow's `options:` (health checks, say), which the runner adds to `docker create` as written.
  if (container.createOptions) args.push(...splitShellWords(container.createOptions));
  if (isJob) args.push('--entrypoint', 'tail');
  args.push(container.image as string);
  if (isJob) args.push('-f', '/dev/null');
  return args;
}

/**
 * The runner's "Initialize containers", call for call: its two docker version checks, the clean-up of
 * earlier jobs' leftovers, the network; then for each container in turn pull, create, start, the running
 * check, and `docker port` (a service) or its env (the job container); then the health checks in turn, and
 * the Alpine check the runner makes at the first step that needs it.
 */
export async function baselinePrepare(
  env: Record<string, string>,
  job: HookContainer,
  services: HookContainer[],
  aliases: string[],
): Promise<BaselineJob> {
  const jobId = randomBytes(8).toString('hex');
  const label = `dockhand.bench=${jobId}`;
  await docker(env, ['version', '--format', '{{.Server.APIVersion}}']);
  await docker(env, ['version', '--format', '{{.Client.APIVersion}}']);
  const stale = await docker(env, ['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${label}`]);
  for (const id of stale.split('\n').filter(Boolean)) await docker(env, ['rm', '--force', id]);
  await docker(env, ['network', 'prune', '--force', '--filter', `label=${label}`]);
  const network = `github_network_${randomBytes(16).toString('hex')}`;
  await docker(env, ['network', 'create', '--label', label, network]);
  const ids: string[] = [];
  for (const [index, container] of [job, ...services].entries()) {
    const isJob = index === 0;
    await docker(env, ['pull', container.image as string]);
    const alias = isJob ? null : (aliases[index - 1] ?? null);
    const id = await docker(env, createArgs(label, network, container, isJob, alias));
    await docker(env, ['start', id]);
    await docker(env, [
      'ps',
      '--all',
      '--filter',
      `id=${id}`,
      '--filter',
      'status=running',
      '--no-trunc',
      '--format',
      '{{.ID}} {{.Status}}',
    ]);
    if (isJob) await docker(env, ['inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', id]);
    else await docker(env, ['port', id]);
    ids.push(id);
  }
  for (const id of ids.slice(1)) {
    for (let attempt = 0; ; attempt++) {
      const status = await docker(env, [
        'inspect',
        '--format',
        '{{if .Config.Healthcheck}}{{print .State.Health.Status}}{{end}}',
        id,
      ]);
      if (status !== 'starting') break;
      if (attempt >= 6) throw new Error('baseline: service never became healthy');
      await sleep(Math.min(32_000, 2000 * 2 ** attempt));
    }
  }
  await docker(env, ['exec', ids[0] as string, 'sh', '-c', 'cat /etc/*release | grep ^ID']);
  return { jobId, network, ids };
}

/** What a script step costs the runner without a hook: its own node process is not involved. */
export async function baselineStep(
  env: Record<string, string>,
  containerId: string,
  workdir: string,
  stepEnv: Record<string, string>,
  script: string[],
): Promise<void> {
  const envArgs = Object.entries(stepEnv).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
  await docker(env, ['exec', '-i', '--workdir', workdir, ...envArgs, containerId, ...script]);
}

/** The runner's own node process for a step or a hook call, bare: its duration in ms. */
export async function bareNode(env: Record<string, string>): Promise<number> {
  return (await runProcess([process.execPath, '-e', '0'], { env })).durationMs;
}

/**
 * What follows `docker run` for a container action, as DockerCommandManager.DockerRun writes it (but its
 * `--rm`): the action's variables named by `-e NAME` (their values go in the CLI's environment), on
 * `network`, with each mount, the entrypoint and the image's arguments.
 */
export function containerStepRunOptions(
  label: string,
  network: string,
  containerName: string,
  step: HookContainer,
): string[] {
  const workdir = step.workingDirectory ?? '/github/workspace';
  const args = ['--name', containerName, '--label', label, '--workdir', workdir];
  for (const name of Object.keys(step.environmentVariables)) args.push('-e', name);
  args.push('-e', 'GITHUB_ACTIONS=true', '-e', 'CI=true');
  if (step.entryPoint) args.push('--entrypoint', step.entryPoint);
  args.push('--network', network);
  args.push(...volumeArgs(step));
  return [...args, step.image as string, ...step.entryPointArgs];
}

/**
 * A container action (`docker://`), as the runner's ContainerActionHandler runs it: the image's
 * `docker pull` (made in "Set up job", once per image: a hook pulls in the step), then DockerCommandManager's
 * `docker run --rm` with the action's variables named by `-e NAME` and their values in the CLI's
 * environment.
 */
export async function baselineContainerStep(
  env: Record<string, string>,
  job: BaselineJob,
  step: HookContainer,
): Promise<void> {
  await docker(env, ['pull', step.image as string]);
  const name = `bench-step-${randomBytes(3).toString('hex')}`;
  const options = containerStepRunOptions(`dockhand.bench=${job.jobId}`, job.network, name, step);
  await docker({ ...env, ...step.environmentVariables }, ['run', '--rm', ...options]);
}

export async function baselineCleanup(env: Record<string, string>, job: BaselineJob): Promise<void> {
  for (const [index, id] of job.ids.entries()) {
    if (index > 0) await docker(env, ['logs', '--details', id]);
    await docker(env, ['rm', '--force', id]);
  }
  await docker(env, ['network', 'rm', job.network]);
}
