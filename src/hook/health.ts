// Waits for every service's health check at once, bounded in total time; an unhealthy or exited service
// (or a job container that exited at once) fails the job with its logs printed. What each look at the
// containers decides (decideHealth) is pure; the wait around it looks again whenever the daemon reports a
// change, a poll comes due, or one of dockhand's own early checks passes.
import { setTimeout as delay } from 'node:timers/promises';
import type { ContainerEngine } from '../docker/engine-objects';
import type { ContainerFacts, HealthStatus } from '../docker/inspect';
import type { JobLog } from '../protocol/job-log';
import type { ContainerRef, ContainerRole } from './container-ref';

/** The job container is watched too: one that exits at once (no `tail` in the image, say) fails here. */
export interface WatchedContainer extends ContainerRef {
  role: ContainerRole;
}

export interface HealthWait {
  engine: Pick<ContainerEngine, 'inspect' | 'exec' | 'watchEvents'>;
  log: JobLog;
  timeoutMs: number;
  /** Runs each starting service's own health check ahead of Docker's (the `early-health-checks` feature). */
  checkEarly: boolean;
  /** Prints the logs of the container that failed the wait. */
  printLogs: (container: WatchedContainer) => Promise<void>;
}

/** What one look at the containers decides. */
export type HealthDecision =
  | { state: 'healthy' }
  | { state: 'unhealthy' | 'exited' | 'timed out'; container: WatchedContainer }
  | { state: 'starting'; starting: StartingService[] };

/** A service that is still starting, with what its inspect said. */
export interface StartingService {
  container: WatchedContainer;
  fact: ContainerFacts | undefined;
}

/** Pauses between a starting service's own checks: soon at first, then once a second. */
const EARLY_CHECK_PAUSES_MS = [250, 500, 1000];
/** Polls, the safety net for a missed event: ten at 0.5 s, then every 2 s. */
const pollPauseMs = (poll: number) => (poll <= 10 ? 500 : 2000);

/**
 * Decides from the containers' facts (as inspected, in any order): the first one unhealthy or exited fails
 * the wait; past the deadline, the first one still starting does; with none starting, all are healthy.
 */
export function decideHealth(
  containers: readonly WatchedContainer[],
  facts: readonly ContainerFacts[],
  passedEarly: ReadonlySet<string>,
  timedOut: boolean,
): HealthDecision {
  const byId = new Map(facts.map((fact) => [fact.id, fact]));
  const looks = containers.map((container) => {
    const fact = byId.get(container.id);
    return { container, fact, health: countedHealth(container, fact, passedEarly) };
  });
  const failed = looks.find((look) => look.health === 'unhealthy' || look.health === 'exited');
  if (failed?.health === 'unhealthy' || failed?.health === 'exited')
    return { state: failed.health, container: failed.container };
  const starting = looks.filter((look) => look.health === 'starting');
  const [first] = starting;
  if (!first) return { state: 'healthy' };
  if (timedOut) return { state: 'timed out', container: first.container };
  return { state: 'starting', starting: starting.map(({ container, fact }) => ({ container, fact })) };
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
  if (container.role === 'job') return health === 'exited' ? 'exited' : 'none';
  return health === 'starting' && passedEarly.has(container.id) ? 'healthy' : health;
}

/** Returns the facts of every container (in their order) once no service is starting any more. */
export async function waitForHealthy(
  wait: HealthWait,
  containers: readonly WatchedContainer[],
): Promise<ContainerFacts[]> {
  const deadline = Date.now() + wait.timeoutMs;
  const passedEarly = new Set<string>();
  const look = async () => {
    const facts = await Promise.all(containers.map((container) => wait.engine.inspect(container.id)));
    return { facts, decision: decideHealth(containers, facts, passedEarly, Date.now() >= deadline) };
  };
  let { facts, decision } = await look();
  if (decision.state === 'starting') {
    const names = decision.starting.map(({ container }) => container.alias).join(', ');
    wait.log.info(`Waiting for the health checks of ${names} (at most ${wait.timeoutMs / 1000} s)`);
    const watch = watchHealth(wait, containers, decision.starting, passedEarly);
    try {
      for (let poll = 1; decision.state === 'starting'; poll++) {
        await watch.nextChange(Math.min(pollPauseMs(poll), Math.max(0, deadline - Date.now())));
        ({ facts, decision } = await look());
      }
    } finally {
      watch.stop();
    }
  }
  if (decision.state === 'healthy') return facts;
  await wait.printLogs(decision.container);
  throw new Error(
    `${describe(decision.container)} ${why(decision.state, wait.timeoutMs)}; its logs are printed above`,
  );
}

const describe = (container: WatchedContainer) =>
  `${container.role === 'job' ? 'the job container' : `service ${container.alias}`} (${container.image})`;

const why = (state: 'unhealthy' | 'exited' | 'timed out', timeoutMs: number) =>
  state === 'timed out'
    ? `was still starting after ${timeoutMs / 1000} s (HOOK_HEALTH_TIMEOUT_SECONDS)`
    : `is ${state}`;

/**
 * Starts what wakes the wait: the daemon's events about these containers (health changes, exits), and
 * each starting service's own health check run without waiting for Docker's interval, a pass recorded in
 * `passedEarly`. `stop` ends both.
 */
function watchHealth(
  wait: HealthWait,
  containers: readonly WatchedContainer[],
  starting: readonly StartingService[],
  passedEarly: Set<string>,
): { nextChange: (maxMs: number) => Promise<void>; stop: () => void } {
  const change = changeSignal();
  const stopChecks = new AbortController();
  const stopEvents = wait.engine.watchEvents(
    {
      type: ['container'],
      container: containers.map((container) => container.id),
      event: ['health_status', 'die'],
    },
    change.fire,
  );
  if (wait.checkEarly)
    for (const { container, fact } of starting) {
      if (!fact?.healthCommand) continue;
      void checkUntilPassed(wait.engine, container.id, fact.healthCommand, stopChecks.signal).then(
        (passed) => {
          if (!passed) return;
          wait.log.info(
            `Service ${container.alias} passed its health check (run by dockhand ahead of Docker's own first check)`,
          );
          passedEarly.add(container.id);
          change.fire();
        },
      );
    }
  return {
    nextChange: change.wait,
    stop: () => {
      stopChecks.abort();
      stopEvents();
    },
  };
}

/**
 * Runs a starting service's own health check the way Docker runs it (its command, in the container, as
 * its user, with its environment and working directory), from the start of the wait instead of only
 * after Docker's interval (30 s unless the workflow sets one). Docker calls a container healthy at its
 * first passing check, so a check that passes here says the same. Resolves true once one passes, false
 * when stopped. Failures count for nothing here: `unhealthy` is still Docker's verdict alone.
 */
async function checkUntilPassed(
  engine: Pick<ContainerEngine, 'exec'>,
  id: string,
  command: string[],
  signal: AbortSignal,
): Promise<boolean> {
  const discard = { stdout: () => undefined, stderr: () => undefined };
  for (let attempt = 0; !signal.aborted; attempt++) {
    const exitCode = await engine.exec(id, { command, env: [] }, discard, signal).catch(() => null);
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
