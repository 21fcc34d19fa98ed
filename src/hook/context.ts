// What every command works with: settings, the docker CLI and the job log.
import type { DockerCli } from '../docker/docker-cli';
import type { OutputSink } from '../docker/engine-api';
import type { ContainerEngine } from '../docker/engine-objects';
import type { PullRequest } from '../docker/pull';
import type { PullProgress } from '../docker/pull-progress';
import type { RegistryCredentials } from '../protocol/hook-types';
import type { JobLog } from '../protocol/job-log';
import type { HookConfig } from './config';
import type { ServiceLogSource } from './service-logs';
import type { HookEvents } from './events';

export interface HookContext {
  config: HookConfig;
  /** The docker CLI: creates and builds (what needs its options). */
  docker: DockerCli;
  /** The Engine API: pulls, exec, inspect, logs, listings and removals (no process to start for each). */
  engine: ContainerEngine;
  /** Where a step's own output goes: the hook's stdout and stderr, byte for byte. */
  stepOutput: OutputSink;
  log: JobLog;
  /** This runner's label value (a hash of its RUNNER_TEMP). */
  runnerId: string;
  /** What this call records for HOOK_EVENTS_FILE: phases and images. */
  events: HookEvents;
}

/** What a pull of `image` needs, with the settings of this hook call. */
export function pullRequest(
  context: HookContext,
  image: string,
  credentials: RegistryCredentials | null,
  progress: PullProgress,
): PullRequest {
  const { config } = context;
  return {
    engine: context.engine,
    helperEnv: config.cliEnv,
    image,
    credentials,
    log: context.log,
    progress,
    settings: {
      dockerConfigDir: config.dockerConfigDir,
      attempts: config.pullAttempts,
      baseDelayMs: config.retryBaseDelayMs,
      timeoutMs: config.pullTimeoutMs,
      helperFallback: config.features['helper-fallback'],
      localFallback: config.features['local-fallback'],
      mirrors: config.features['registry-mirrors'] ? config.registryMirrors : new Map(),
      policy: config.pullPolicy,
    },
  };
}

/** Where services' logs are read from, with the settings of this hook call. */
export function serviceLogSource(context: HookContext): ServiceLogSource {
  return { engine: context.engine, runnerId: context.runnerId, maxBytes: context.config.serviceLogMaxBytes };
}

/** Runs tasks all at once, or one after another when the `parallel` feature is off. */
export async function forEachMaybeParallel<T, R>(
  parallel: boolean,
  items: readonly T[],
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (parallel) {
    // Wait for every task, even after one failed, so that a rollback never races a create still running.
    const settled = await Promise.allSettled(items.map(task));
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  }
  const results: R[] = [];
  for (const [index, item] of items.entries()) results.push(await task(item, index));
  return results;
}
