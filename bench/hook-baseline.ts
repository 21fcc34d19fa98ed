// The baseline: the same docker operations issued one after another, the way the runner's built-in
// container support does them (prune, network, pull each image, create+start each container, job
// container checks, health checks with the runner's 2 s, 4 s ... backoff, Alpine check, then per step a
// `docker exec`, and at the end logs, rm and network rm, each in turn).
import { randomBytes } from 'node:crypto';
import type { HookContainer } from '../src/protocol/hook-types';
import { docker } from './docker';

export interface BaselineJob {
  jobId: string;
  network: string;
  ids: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function createArgs(
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
  for (const m of [...container.systemMountVolumes, ...container.userMountVolumes]) {
    args.push(
      '-v',
      `${m.sourceVolumePath ? `${m.sourceVolumePath}:` : ''}${m.targetVolumePath}${m.readOnly ? ':ro' : ''}`,
    );
  }
  if (isJob) args.push('--entrypoint', 'tail');
  args.push(container.image as string);
  if (isJob) args.push('-f', '/dev/null');
  return args;
}

export async function baselinePrepare(
  env: Record<string, string>,
  job: HookContainer,
  services: HookContainer[],
  aliases: string[],
): Promise<BaselineJob> {
  const jobId = randomBytes(8).toString('hex');
  const label = `dockhand.bench=${jobId}`;
  await docker(env, ['container', 'prune', '--force', '--filter', `label=${label}`]);
  await docker(env, ['network', 'prune', '--force', '--filter', `label=${label}`]);
  const network = `github_network_${randomBytes(16).toString('hex')}`;
  await docker(env, ['network', 'create', '--label', label, network]);
  for (const container of [job, ...services]) await docker(env, ['pull', container.image as string]);
  const ids: string[] = [];
  for (const [index, container] of [job, ...services].entries()) {
    const id = await docker(
      env,
      createArgs(label, network, container, index === 0, index === 0 ? null : (aliases[index - 1] ?? null)),
    );
    await docker(env, ['start', id]);
    ids.push(id);
  }
  const jobContainerId = ids[0] as string;
  await docker(env, [
    'ps',
    '--all',
    '--filter',
    `id=${jobContainerId}`,
    '--filter',
    'status=running',
    '--no-trunc',
    '--format',
    '{{.ID}} {{.Status}}',
  ]);
  await docker(env, ['inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', jobContainerId]);
  for (const [index, service] of services.entries()) {
    const id = ids[index + 1] as string;
    if (service.portMappings.length > 0) await docker(env, ['port', id]);
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
  await docker(env, ['exec', jobContainerId, 'sh', '-c', 'cat /etc/*release | grep ^ID']);
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

export async function baselineCleanup(env: Record<string, string>, job: BaselineJob): Promise<void> {
  for (const id of job.ids.slice(1)) await docker(env, ['logs', '--details', id]);
  for (const id of job.ids) await docker(env, ['rm', '--force', id]);
  await docker(env, ['network', 'rm', job.network]);
}
