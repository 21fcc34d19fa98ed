// Waits for every service's health check at once, bounded in total time; an unhealthy or exited service
// (or a job container that exited at once) fails the job with its logs printed.
import { setTimeout as delay } from 'node:timers/promises';
import { inspectContainer } from '../docker/engine-objects';
import type { ContainerFacts, HealthStatus } from '../docker/inspect';
import type { HookContext } from './context';
import { printServiceLogs } from './service-logs';

export interface WatchedService {
  id: string;
  alias: string;
  image: string;
}

/** The job container is watched too: one that exits at once (no `tail` in the image, say) fails here. */
export interface WatchedContainer extends WatchedService {
  isJob?: boolean;
}

/** Pauses between a starting service's own checks: soon at first, then once a second. */
const EARLY_CHECK_PAUSES_MS = [250, 500, 1000];

function inspectContainers(context: HookContext, ids: string[]): Promise<ContainerFacts[]> {
  return Promise.all(ids.map((id) => inspectContainer(context.engine, id)));
}

/** A service that is still starting, with what its inspect said. */
interface StartingService {
  service: WatchedContainer;
  fact?: ContainerFacts;
}

/** Returns the facts of every container once no service is `starting` any more. */
export async function waitForHealthy(
  context: HookContext,
  ids: string[],
  services: WatchedContainer[],
): Promise<ContainerFacts[]> {
  const deadline = Date.now() + context.config.healthTimeoutMs;
  const change = changeSignal();
  const stop = new AbortController();
  const passedEarly = new Set<string>();
  let watching = false;
  // Once there is something to wait for: the daemon's events about these containers (health changes,
  // exits) wake the wait the moment they happen, the polls being the safety net for an event missed;
  // and each starting service's own health check is run without waiting for Docker's interval.
  const nextChange = (maxMs: number, starting: StartingService[]) => {
    if (!watching) {
      watching = true;
      const stopWatching = context.engine.watchEvents(
        { type: ['container'], container: ids, event: ['health_status', 'die'] },
        change.fire,
      );
      stop.signal.addEventListener('abort', stopWatching);
      if (context.config.features['early-health-checks'])
        checkEarly(context, starting, stop.signal, (service) => {
          passedEarly.add(service.id);
          change.fire();
        });
    }
    return change.wait(maxMs);
  };
  try {
    return await pollUntilHealthy(context, ids, services, deadline, passedEarly, nextChange);
  } finally {
    stop.abort();
  }
}

async function pollUntilHealthy(
  context: HookContext,
  ids: string[],
  services: WatchedContainer[],
  deadline: number,
  passedEarly: ReadonlySet<string>,
  nextChange: (maxMs: number, starting: StartingService[]) => Promise<void>,
): Promise<ContainerFacts[]> {
  for (let poll = 0; ; poll++) {
    const facts = await inspectContainers(context, ids);
    const byId = new Map(facts.map((fact) => [fact.id, fact]));
    const states = services.map((service) => {
      const fact = byId.get(service.id);
      return { service, fact, health: countedHealth(service, fact, passedEarly) };
    });
    const failed = states.find((s) => s.health === 'unhealthy' || s.health === 'exited');
    const timedOut = Date.now() >= deadline;
    const starting = states.filter((s) => s.health === 'starting');
    const culprit = failed ?? (timedOut ? starting[0] : undefined);
    if (culprit) {
      await printServiceLogs(context, [culprit.service]);
      const why = failed
        ? `is ${culprit.health}`
        : `was still starting after ${context.config.healthTimeoutMs / 1000} s (HOOK_HEALTH_TIMEOUT_SECONDS)`;
      const what = culprit.service.isJob ? 'the job container' : `service ${culprit.service.alias}`;
      throw new Error(`${what} (${culprit.service.image}) ${why}; its logs are printed above`);
    }
    if (starting.length === 0) return facts;
    if (poll === 0) {
      const names = starting.map((s) => s.service.alias).join(', ');
      context.log.info(
        `Waiting for the health checks of ${names} (at most ${context.config.healthTimeoutMs / 1000} s)`,
      );
    }
    await nextChange(Math.min(poll < 10 ? 500 : 2000, Math.max(0, deadline - Date.now())), starting);
  }
}

/** What counts of a container's health: a service's as Docker says it (or passed early), the job container's exit. */
function countedHealth(
  container: WatchedContainer,
  fact: ContainerFacts | undefined,
  passedEarly: ReadonlySet<string>,
): HealthStatus {
  const health = fact?.health ?? 'exited';
  // The job container only has to keep running: its image's own health check tests a server that `tail`
  // replaced, and the runner never waits for it either.
  if (container.isJob) return health === 'exited' ? 'exited' : 'none';
  return health === 'starting' && passedEarly.has(container.id) ? 'healthy' : health;
}

function checkEarly(
  context: HookContext,
  starting: StartingService[],
  signal: AbortSignal,
  onPass: (service: WatchedContainer) => void,
): void {
  for (const { service, fact } of starting) {
    if (!fact?.healthCommand) continue;
    void checkUntilPassed(context, service.id, fact.healthCommand, signal).then((passed) => {
      if (!passed) return;
      context.log.info(
        `Service ${service.alias} passed its health check (run by dockhand ahead of Docker's own first check)`,
      );
      onPass(service);
    });
  }
}

/**
 * Runs a starting service's own health check the way Docker runs it (its command, in the container, as
 * its user, with its environment and working directory), from the start of the wait instead of only
 * after Docker's interval (30 s unless the workflow sets one). Docker calls a container healthy at its
 * first passing check, so a check that passes here says the same. Resolves true once one passes, false
 * when stopped. Failures count for nothing here: `unhealthy` is still Docker's verdict alone.
 */
async function checkUntilPassed(
  context: HookContext,
  id: string,
  command: string[],
  signal: AbortSignal,
): Promise<boolean> {
  const discard = { stdout: () => undefined, stderr: () => undefined };
  for (let attempt = 0; !signal.aborted; attempt++) {
    const exitCode = await context.engine.exec(id, { command, env: [] }, discard, signal).catch(() => null);
    if (exitCode === 0 && !signal.aborted) return true;
    const pause = EARLY_CHECK_PAUSES_MS[Math.min(attempt, EARLY_CHECK_PAUSES_MS.length - 1)];
    await delay(pause, undefined, { signal }).catch(() => undefined);
  }
  return false;
}

/** `fire` marks a change; `wait` resolves at the next change (or one already marked), or after maxMs. */
function changeSignal(): { fire: () => void; wait: (maxMs: number) => Promise<void> } {
  let marked = false;
  let wake: (() => void) | undefined;
  return {
    fire: () => {
      marked = true;
      wake?.();
    },
    wait: (maxMs) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wake = undefined;
          marked = false;
          resolve();
        };
        const timer = setTimeout(done, maxMs);
        wake = done;
        if (marked) done();
      }),
  };
}
