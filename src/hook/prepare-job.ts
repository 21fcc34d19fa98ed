// prepare_job: pull every image at once while pruning this runner's leftovers and creating the job
// network; create and start each container as soon as its image is there; wait for health checks, detect
// Alpine, and answer the runner. Anything created before a failure is removed before the error goes up.
import { networkCreateArgs } from '../docker/args';
import { execCaptured, type ContainerEngine } from '../docker/engine-objects';
import { envValue, isAlpineOsRelease, type ContainerFacts } from '../docker/inspect';
import { JOB_LABEL, labelFilter, ownLabels, RUNNER_LABEL } from '../docker/own-names';
import type { PrepareJobArgs, PrepareJobResponse } from '../protocol/hook-types';
import type { JobLog } from '../protocol/job-log';
import { containerSpec, createContainer, noteSocketMount } from './container-spec';
import { forEachMaybeParallel, serviceLogSource, type HookContext } from './context';
import type { HookEvents } from './events';
import { waitForHealthy, type HealthWait, type WatchedContainer } from './health';
import { startPulls, type GotImage, type ImagePulls } from './image-pulls';
import { planJob, type JobPlan, type PlannedContainer } from './job-plan';
import { removeLabelled } from './remove-labelled';
import { fetchServiceLogs, printServiceLogs } from './service-logs';
import { MAX_JOB_IMAGES, signState } from './state';
import { removeStateKeys } from './state-key';
import { messageOf } from '../protocol/errors';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export async function prepareJob(context: HookContext, args: PrepareJobArgs): Promise<PrepareJobResponse> {
  const plan = planJob(args, {
    runnerId: context.runnerId,
    aliasRules: context.config.features['service-aliases'] ? context.config.serviceAliases : null,
  });
  const { log, engine } = context;
  const started = performance.now();
  // Pulls create nothing to roll back, so they start first and run while the rest is set up.
  const pulls = startPulls(context, plan.containers);
  const response = await withRollback(engine, log, plan.jobId, async (created) => {
    try {
      await log.group('Removing leftovers of earlier jobs of this runner', async () => {
        // A runner runs one job at a time: no earlier job's state may verify from now on.
        removeStateKeys(context.config.privateBase, context.runnerId);
        await removeLabelled(engine, labelFilter(RUNNER_LABEL, context.runnerId), { images: false });
      });
      return await log.group('Starting job containers', () => startJob(context, plan, pulls, created));
    } finally {
      // Nothing still pulls when the rollback starts, nor when the hook exits.
      await pulls.settled();
    }
  });
  log.info(timingLine((performance.now() - started) / 1000, context.events));
  return response;
}

/**
 * Where prepare_job's time went: `prepare_job 8.4 s: pulls 6.1 s, create/start 1.2 s, health checks 1.0 s`.
 * The phases overlap (a service starts while another image still pulls), so they need not add up.
 */
export function timingLine(total: number, events: Pick<HookEvents, 'seconds'>): string {
  const phases = [
    ['pulls', 'pulls'],
    ['create/start', 'create-start'],
    ['health checks', 'health'],
  ].map(([label, phase]) => `${label} ${events.seconds(phase ?? '').toFixed(1)} s`);
  return `prepare_job ${total.toFixed(1)} s: ${phases.join(', ')}`;
}

/**
 * Runs `work`, which adds the id of each container it creates to `created`; when it fails, removes what
 * carries the job's label and what was created (whatever its labels), then rethrows its error. A
 * rollback that fails is a warning: cleanup_job retries by label.
 */
export async function withRollback<T>(
  engine: ContainerEngine,
  log: JobLog,
  jobId: string,
  work: (created: string[]) => Promise<T>,
): Promise<T> {
  // Removed by id as well as by label: what create returned is removed whatever its labels.
  const created: string[] = [];
  try {
    return await work(created);
  } catch (error) {
    log.debug('prepare_job failed: removing the containers and network it created');
    await removeLabelled(engine, labelFilter(JOB_LABEL, jobId), {
      images: false,
      createdIds: created,
    }).catch((cleanupError: unknown) =>
      log.warning(`rollback incomplete (cleanup_job will retry): ${messageOf(cleanupError)}`),
    );
    throw error;
  }
}

/** A container of the plan, created and started. */
type StartedContainer = PlannedContainer & { id: string };

async function startJob(
  context: HookContext,
  plan: JobPlan,
  pulls: ImagePulls,
  created: string[],
): Promise<PrepareJobResponse> {
  const { docker, config, engine } = context;
  const labels = ownLabels(context.runnerId, plan.jobId);
  await context.events.timed('create-start', () =>
    docker.ok(networkCreateArgs(plan.network, labels, config.networkDriver)),
  );
  const inputs = plan.containers.map((container) => container.input);
  noteSocketMount(config, context.log, inputs);
  const got = new Map<string, GotImage>();
  // Each service starts as soon as its image is pulled, so that it can get ready (a database initialising)
  // early; dockerd starts containers mostly one at a time, so the job container, which has nothing to get
  // ready, waits for the services' starts rather than delaying one of them.
  const { containers } = plan;
  const servicesStarted = countdown(containers.filter((container) => container.role === 'service').length);
  const started = await forEachMaybeParallel(
    config.features.parallel,
    containers,
    async (container): Promise<StartedContainer> => {
      try {
        got.set(container.input.image, await pulls.of(container.input.image));
        const id = await context.events.timed('create-start', () => createPlanned(context, plan, container));
        created.push(id);
        if (container.role === 'job') await servicesStarted.done;
        await context.events.timed('create-start', () => engine.start(id));
        return { ...container, id };
      } finally {
        if (container.role === 'service') servicesStarted.tick();
      }
    },
  );
  const watched = started.map(watchedOf);
  const services = watched.filter((container) => container.role === 'service');
  const job = watched.find((container) => container.role === 'job');
  const health = healthWait(context);
  const [facts, isAlpine] = await context.events.timed('health', () =>
    Promise.all([waitForHealthy(health, watched), job ? detectAlpine(engine, context.log, job.id) : false]),
  );
  // A job container whose command ends at once can still be running at the first look, a few ms after its
  // start; one more look once the Alpine check has run in it catches it here rather than at the first step.
  if (job) await waitForHealthy(health, [job]);
  printContainers(context.log, containers, facts, got);
  const factsOf = (id: string) => facts.find((fact) => fact.id === id);
  const jobPath = (job && envValue(factsOf(job.id)?.env ?? [], 'PATH')) || DEFAULT_PATH;
  const state = signState(
    {
      version: 1,
      runnerId: context.runnerId,
      jobId: plan.jobId,
      network: plan.network,
      container: job ? { id: job.id, path: jobPath } : null,
      services: services.map(({ id, alias, image }) => ({ id, alias, image })),
      apiVersion: await engine.version(),
      images: [...got]
        .flatMap(([ref, { imageId }]) => (imageId === null ? [] : [{ ref, id: imageId }]))
        .slice(0, MAX_JOB_IMAGES),
    },
    config.privateBase,
  );
  return {
    state,
    context: {
      ...(job ? { container: { id: job.id, network: plan.network } } : {}),
      services: services.map((service) => ({
        id: service.id,
        network: plan.network,
        ports: factsOf(service.id)?.ports ?? {},
      })),
    },
    ...(job ? { isAlpine } : {}),
  };
}

function watchedOf(container: StartedContainer): WatchedContainer {
  return {
    id: container.id,
    role: container.role,
    alias: container.role === 'job' ? 'job' : (container.alias ?? container.name),
    image: container.input.image,
  };
}

function healthWait(context: HookContext): HealthWait {
  return {
    engine: context.engine,
    log: context.log,
    timeoutMs: context.config.healthTimeoutMs,
    checkEarly: context.config.features['early-health-checks'],
    printLogs: (container) =>
      printServiceLogs(context.log, [container], fetchServiceLogs(serviceLogSource(context), [container])),
  };
}

async function createPlanned(
  context: HookContext,
  plan: JobPlan,
  container: PlannedContainer,
): Promise<string> {
  const { input } = container;
  const spec = containerSpec(input, {
    name: container.name,
    image: input.image,
    labels: ownLabels(context.runnerId, plan.jobId),
    network: plan.network,
    networkAliases: container.alias ? [container.alias] : [],
    // The job container only has to stay alive for the steps exec'd into it.
    ...(container.role === 'job' ? { entrypoint: 'tail' } : {}),
    command: container.command,
    options: container.options,
    socketSource: context.config.socketMapping.source,
  });
  return createContainer(context, input, spec);
}

/** os-release is a few hundred bytes; the image decides what is really there (/dev/zero, a FIFO). */
const OS_RELEASE_BOUNDS = { maxBytes: 8192, timeoutMs: 10_000 };

async function detectAlpine(
  engine: Pick<ContainerEngine, 'exec'>,
  log: JobLog,
  id: string,
): Promise<boolean> {
  // A job container that is not running cannot be asked; the health wait beside this reports it, logs and
  // all. Anything odd is "not Alpine", as for the runner, whose own check finds no `ID=...alpine` line.
  try {
    const command = ['head', '-c', String(OS_RELEASE_BOUNDS.maxBytes), '/etc/os-release'];
    const result = await execCaptured(engine, id, command, OS_RELEASE_BOUNDS);
    return result.exitCode === 0 && isAlpineOsRelease(result.output);
  } catch (error) {
    log.debug(`taking the job container as not Alpine: ${messageOf(error)}`);
    return false;
  }
}

function printContainers(
  log: JobLog,
  containers: PlannedContainer[],
  facts: ContainerFacts[],
  got: Map<string, GotImage>,
): void {
  containers.forEach((container, index) => {
    const fact = facts[index];
    const ports = Object.entries(fact?.ports ?? {}).map(([inner, outer]) => `${inner}->${outer}`);
    const names = namesOf(container);
    const what = container.role === 'job' ? 'job container' : `service ${names.join(', ') || container.name}`;
    const pulled = got.get(container.input.image)?.seconds.toFixed(1) ?? '?';
    log.info(
      `${what}: ${container.input.image}${ports.length ? `, ports ${ports.join(' ')}` : ''}, pulled in ${pulled} s`,
    );
  });
  const reachable = [...new Set(containers.flatMap(namesOf))];
  if (reachable.length)
    log.info(`Services are reachable from the job container and each other as: ${reachable.join(', ')}`);
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
