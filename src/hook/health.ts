// Waits for every service's health check at once, bounded in total time; an unhealthy or exited service
// (or a job container that exited at once) fails the job with its logs printed.
import { inspectContainer } from '../docker/engine-objects';
import type { ContainerFacts } from '../docker/inspect';
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

function inspectContainers(context: HookContext, ids: string[]): Promise<ContainerFacts[]> {
  return Promise.all(ids.map((id) => inspectContainer(context.engine, id)));
}

/** Returns the facts of every container once no service is `starting` any more. */
export async function waitForHealthy(
  context: HookContext,
  ids: string[],
  services: WatchedContainer[],
): Promise<ContainerFacts[]> {
  const deadline = Date.now() + context.config.healthTimeoutMs;
  // Woken by the daemon's events about these containers (health changes, exits) the moment they happen,
  // once there is something to wait for; the polls are the safety net for an event missed.
  const change = changeSignal();
  let stopWatching: (() => void) | undefined;
  const nextChange = (maxMs: number) => {
    stopWatching ??= context.engine.watchEvents(
      { type: ['container'], container: ids, event: ['health_status', 'die'] },
      change.fire,
    );
    return change.wait(maxMs);
  };
  try {
    return await pollUntilHealthy(context, ids, services, deadline, nextChange);
  } finally {
    stopWatching?.();
  }
}

async function pollUntilHealthy(
  context: HookContext,
  ids: string[],
  services: WatchedContainer[],
  deadline: number,
  nextChange: (maxMs: number) => Promise<void>,
): Promise<ContainerFacts[]> {
  for (let poll = 0; ; poll++) {
    const facts = await inspectContainers(context, ids);
    const byId = new Map(facts.map((fact) => [fact.id, fact]));
    const states = services.map((service) => ({ service, health: byId.get(service.id)?.health ?? 'exited' }));
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
    await nextChange(Math.min(poll < 10 ? 500 : 2000, Math.max(0, deadline - Date.now())));
  }
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
