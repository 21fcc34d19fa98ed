// The engine floor: what a hook call's engine work alone costs, done the fastest way a hook could do it
// with the docker CLI: the runner's bare `node -e 0` for the call, then the docker calls that no hook can
// skip, at once where they can be, with no pull, no check and no backoff of its own. A hook does at least
// this much, so its ratio cannot go under the floor's. Its containers, network and label are its own
// (the images are the baseline's, which a container only reads); it removes what it made, untimed.
import { randomBytes } from 'node:crypto';
import type { HookContainer } from '../src/protocol/hook-types';
import { runProcess } from '../src/exec';
import { docker, type DockerEnv } from './docker';
import { bareNode, containerStepRunOptions, createArgs } from './hook-baseline';

/** How long the floor waits for Docker to call every service healthy before it gives up. */
const HEALTH_TIMEOUT_MS = 120_000;

export interface FloorJob {
  /** On everything the floor makes (containers, network), so that removeFloor finds it all. */
  label: string;
  network: string;
}

export function newFloorJob(): FloorJob {
  const id = randomBytes(8).toString('hex');
  return { label: `dockhand.bench-floor=${id}`, network: `bench-floor-${id}` };
}

/**
 * prepare_job's floor, in ms: `node -e 0`, the network, then every container created (as the baseline
 * creates it) and started, all at once; with `waitHealthy` (every service has a health check), until
 * Docker reports every service healthy.
 */
export async function floorPrepare(
  env: DockerEnv,
  floor: FloorJob,
  job: HookContainer,
  services: HookContainer[],
  aliases: string[],
  waitHealthy: boolean,
): Promise<number> {
  const started = performance.now();
  await bareNode(env);
  await docker(env, ['network', 'create', '--label', floor.label, floor.network]);
  // The daemon keeps recent events: a watch started after the starts still sees what happened since.
  const since = (Date.now() / 1000).toFixed(3);
  const ids = await Promise.all(
    [job, ...services].map(async (container, index) => {
      const alias = index === 0 ? null : (aliases[index - 1] ?? null);
      const id = await docker(env, createArgs(floor.label, floor.network, container, index === 0, alias));
      await docker(env, ['start', id]);
      return id;
    }),
  );
  if (!waitHealthy) return performance.now() - started;
  return untilHealthy(env, floor.label, ids.slice(1), since, started);
}

/**
 * Watches the daemon's events from `since` until each service is `healthy`: the ms from `started` to the
 * event that made the last one so. Fails at once when one turns unhealthy or exits.
 */
async function untilHealthy(
  env: DockerEnv,
  label: string,
  serviceIds: string[],
  since: string,
  started: number,
): Promise<number> {
  const waiting = new Set(serviceIds);
  let healthyAt = NaN;
  let failure = '';
  let partial = '';
  const stop = new AbortController();
  const watch = runProcess(
    [
      'docker',
      'events',
      '--since',
      since,
      ...['--filter', 'type=container', '--filter', `label=${label}`],
      ...['--filter', 'event=health_status', '--filter', 'event=die'],
      ...['--format', '{{.Actor.ID}} {{.Action}}'],
    ],
    {
      env,
      timeoutMs: HEALTH_TIMEOUT_MS,
      cancel: { signal: stop.signal, escalation: [[0, 'SIGTERM']] },
      onStdout: (chunk) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          const [id = '', ...action] = line.split(' ');
          if (!waiting.has(id)) continue;
          const what = action.join(' ');
          if (what === 'health_status: healthy') waiting.delete(id);
          else if (what !== 'health_status: starting')
            failure = `service ${id.slice(0, 12)} ${what === 'die' ? 'exited' : 'turned unhealthy'}`;
          if (waiting.size === 0 && Number.isNaN(healthyAt)) healthyAt = performance.now();
          if (failure || waiting.size === 0) stop.abort();
        }
      },
    },
  );
  const result = await watch;
  if (failure) throw new Error(`engine floor: ${failure} before it was healthy`);
  if (!Number.isNaN(healthyAt)) return healthyAt - started;
  throw new Error(
    result.timedOut
      ? `engine floor: services still not healthy after ${HEALTH_TIMEOUT_MS / 1000} s`
      : `engine floor: docker events ended early: ${result.stderr.trim() || `exit status ${result.exitCode}`}`,
  );
}

/**
 * A container step's floor, in ms: `node -e 0`, then the step's container created and run to its end
 * with the baseline's options (no pull, no `--rm` wait), on the floor's network. Removed afterwards.
 */
export async function floorContainerStep(
  env: DockerEnv,
  floor: FloorJob,
  step: HookContainer,
): Promise<number> {
  const name = `bench-floor-step-${randomBytes(3).toString('hex')}`;
  const node = await bareNode(env);
  const options = containerStepRunOptions(floor.label, floor.network, name, step);
  const started = performance.now();
  await docker({ ...env, ...step.environmentVariables }, ['run', ...options]);
  const ms = node + performance.now() - started;
  await docker(env, ['rm', '--volumes', name]);
  return ms;
}

/** Removes all the floor made, with the containers' anonymous volumes; what is not there is no failure. */
export async function removeFloor(env: DockerEnv, floor: FloorJob): Promise<void> {
  const filter = ['--quiet', '--filter', `label=${floor.label}`];
  const lines = (output: string) => output.split('\n').filter(Boolean);
  const containers = lines(await docker(env, ['ps', '--all', ...filter]));
  if (containers.length > 0) await docker(env, ['rm', '--force', '--volumes', ...containers]);
  const networks = lines(await docker(env, ['network', 'ls', ...filter]));
  if (networks.length > 0) await docker(env, ['network', 'rm', ...networks]);
}
