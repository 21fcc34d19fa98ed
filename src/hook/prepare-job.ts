// prepare_job: pull every image at once while pruning this runner's leftovers and creating the job
// network; create and start each container as soon as its image is there; wait for health checks, detect
// Alpine, and answer the runner. Anything created before a failure is removed before the error goes up.
import type { ContainerSpec } from '../docker/args';
import { createArgs, networkCreateArgs } from '../docker/args';
import { execCaptured, startContainer } from '../docker/engine-objects';
import { envValue, isAlpineOsRelease, type ContainerFacts } from '../docker/inspect';
import type { PrepareJobArgs, PrepareJobResponse } from '../protocol/hook-types';
import { withActionsDefaults, withContainerEnv } from './container-env';
import { forEachMaybeParallel, type HookContext } from './context';
import { waitForHealthy } from './health';
import { settlePulls, startPulls, type ImagePulls } from './image-pulls';
import { planJob, type JobPlan, type PlannedContainer } from './job-plan';
import { removeLabelled } from './remove-labelled';
import { labelsFor, signState } from './state';
import { removeStateKeys } from './state-key';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export async function prepareJob(context: HookContext, args: PrepareJobArgs): Promise<PrepareJobResponse> {
  const plan = planJob(context, args);
  const { log } = context;
  // Pulls create nothing to roll back, so they start first and run while the rest is set up.
  const pulls = startPulls(context, plan.containers);
  // Rollback removes by these ids as well as by label: what create returned is removed whatever its labels.
  const created: string[] = [];
  try {
    await log.group('Removing leftovers of earlier jobs of this runner', async () => {
      // A runner runs one job at a time: no earlier job's state may verify from now on.
      removeStateKeys(context.config.privateBase, context.runnerId);
      await removeLabelled(context, `dockhand.runner=${context.runnerId}`, { images: false });
    });
    return await log.group('Starting job containers', () => startJob(context, plan, pulls, created));
  } catch (error) {
    await settlePulls(pulls);
    log.debug('prepare_job failed: removing the containers and network it created');
    await removeLabelled(context, `dockhand.job=${plan.jobId}`, {
      images: false,
      createdIds: created,
    }).catch((cleanupError: unknown) =>
      log.warning(`rollback incomplete (cleanup_job will retry): ${(cleanupError as Error).message}`),
    );
    throw error;
  }
}

async function startJob(
  context: HookContext,
  plan: JobPlan,
  pulls: ImagePulls,
  created: string[],
): Promise<PrepareJobResponse> {
  const { docker, config } = context;
  const labels = labelsFor(context.runnerId, plan.jobId);
  await docker.ok(networkCreateArgs(plan.network, labels, config.networkDriver));
  const pullSeconds = new Map<string, number>();
  // Each service starts as soon as its image is pulled, so that it can get ready (a database initialising)
  // early; dockerd starts containers mostly one at a time, so the job container, which has nothing to get
  // ready, waits for the services' starts rather than delaying one of them.
  const { containers } = plan;
  const servicesStarted = countdown(containers.length - (containers.at(-1)?.role === 'job' ? 1 : 0));
  const ids = await forEachMaybeParallel(context, containers, async (container) => {
    try {
      pullSeconds.set(container.input.image, await (pulls.get(container.input.image) as Promise<number>));
      const id = await createContainer(context, plan, container);
      created.push(id);
      if (container.role === 'job') await servicesStarted.done;
      await startContainer(context.engine, id);
      return id;
    } finally {
      if (container.role === 'service') servicesStarted.tick();
    }
  });
  const services = containers.flatMap((container, index) =>
    container.role === 'service'
      ? [{ id: ids[index] as string, alias: container.alias ?? container.name, image: container.input.image }]
      : [],
  );
  const jobIndex = containers.findIndex((container) => container.role === 'job');
  const jobId = jobIndex >= 0 ? (ids[jobIndex] as string) : null;
  const jobWatch = jobId
    ? [
        {
          id: jobId,
          alias: 'job',
          image: containers[jobIndex]?.input.image ?? '',
          isJob: true,
        },
      ]
    : [];
  const [facts, isAlpine] = await context.events.timed('health', () =>
    Promise.all([
      waitForHealthy(context, ids, [...services, ...jobWatch]),
      jobId ? detectAlpine(context, jobId) : false,
    ]),
  );
  // A job container whose command ends at once can still be running at the first look, a few ms after its
  // start; one more look once the Alpine check has run in it catches it here rather than at the first step.
  await waitForHealthy(
    context,
    jobWatch.map((watch) => watch.id),
    jobWatch,
  );
  printContainers(context, containers, facts, pullSeconds);
  const jobPath =
    (jobId && envValue(facts.find((fact) => fact.id === jobId)?.env ?? [], 'PATH')) || DEFAULT_PATH;
  const state = signState(
    {
      version: 1,
      runnerId: context.runnerId,
      jobId: plan.jobId,
      network: plan.network,
      container: jobId ? { id: jobId, path: jobPath } : null,
      services,
      apiVersion: await context.engine.version(),
    },
    context.config.privateBase,
  );
  const portsOf = (id: string) => facts.find((fact) => fact.id === id)?.ports ?? {};
  return {
    state,
    context: {
      ...(jobId ? { container: { id: jobId, network: plan.network } } : {}),
      services: services.map((service) => ({
        id: service.id,
        network: plan.network,
        ports: portsOf(service.id),
      })),
    },
    ...(jobId ? { isAlpine } : {}),
  };
}

async function createContainer(
  context: HookContext,
  plan: JobPlan,
  container: PlannedContainer,
): Promise<string> {
  const { input } = container;
  const isJob = container.role === 'job';
  return withContainerEnv(context, withActionsDefaults(input.environmentVariables), async (cliEnv) => {
    const spec: ContainerSpec = {
      name: container.name,
      image: input.image,
      labels: labelsFor(context.runnerId, plan.jobId),
      network: plan.network,
      networkAliases: container.alias ? [container.alias] : [],
      workdir: input.workingDirectory,
      // The job container only has to stay alive for the steps exec'd into it.
      entrypoint: isJob ? 'tail' : input.entryPoint,
      command: container.command,
      ports: input.portMappings,
      mounts: [...input.systemMountVolumes, ...input.userMountVolumes],
      options: container.options,
    };
    const { stdout } = await context.docker.ok(createArgs(spec), { env: cliEnv });
    return stdout.trim();
  });
}

/** os-release is a few hundred bytes; the image decides what is really there (/dev/zero, a FIFO). */
const OS_RELEASE_BOUNDS = { maxBytes: 8192, timeoutMs: 10_000 };

async function detectAlpine(context: HookContext, id: string): Promise<boolean> {
  // A job container that is not running cannot be asked; the health wait beside this reports it, logs and
  // all. Anything odd is "not Alpine", as for the runner, whose own check finds no `ID=...alpine` line.
  try {
    const command = ['head', '-c', String(OS_RELEASE_BOUNDS.maxBytes), '/etc/os-release'];
    const result = await execCaptured(context.engine, id, command, OS_RELEASE_BOUNDS);
    return result.exitCode === 0 && isAlpineOsRelease(result.output);
  } catch (error) {
    context.log.debug(`taking the job container as not Alpine: ${(error as Error).message}`);
    return false;
  }
}

function printContainers(
  context: HookContext,
  containers: PlannedContainer[],
  facts: ContainerFacts[],
  pullSeconds: Map<string, number>,
): void {
  containers.forEach((container, index) => {
    const fact = facts[index];
    const ports = Object.entries(fact?.ports ?? {}).map(([inner, outer]) => `${inner}->${outer}`);
    const names = namesOf(container);
    const what = container.role === 'job' ? 'job container' : `service ${names.join(', ') || container.name}`;
    const pulled = pullSeconds.get(container.input.image)?.toFixed(1) ?? '?';
    context.log.info(
      `${what}: ${container.input.image}${ports.length ? `, ports ${ports.join(' ')}` : ''}, pulled in ${pulled} s`,
    );
  });
  const reachable = [...new Set(containers.flatMap(namesOf))];
  if (reachable.length)
    context.log.info(
      `Services are reachable from the job container and each other as: ${reachable.join(', ')}`,
    );
}

/** A container's network aliases, each once (options may repeat the alias the hook gives). */
function namesOf(container: PlannedContainer): string[] {
  return [...new Set([container.alias, ...container.optionAliases])].filter((name): name is string => !!name);
}

/** A promise that resolves after `count` ticks (at once for 0). */
function countdown(count: number): { done: Promise<void>; tick: () => void } {
  let left = count;
  let resolve: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolve = r));
  if (left <= 0) resolve();
  return { done, tick: () => (--left === 0 ? resolve() : undefined) };
}
