// cleanup_job: print each service's logs, then remove this runner's containers, network and built images
// (found by label: Dockerfile actions label what they build). Works from state and from labels, so it
// is idempotent and also cleans up after a failed prepare_job.
import type { HookContext } from './context';
import { removeLabelled } from './remove-labelled';
import { printServiceLogs } from './service-logs';
import type { HookState } from './state';

export async function cleanupJob(context: HookContext, state: HookState | null): Promise<void> {
  const logs =
    state && state.services.length > 0 && context.config.features['service-logs']
      ? printServiceLogs(context, state.services)
      : undefined;
  // Not in a group of its own: the service log groups print meanwhile, and groups do not nest.
  await removeLabelled(context, `dockhand.runner=${context.runnerId}`, {
    notBefore: logs,
    images: context.config.features['remove-built-images'],
    containerIds: [state?.container?.id, ...(state?.services ?? []).map((s) => s.id)].filter(
      (id): id is string => Boolean(id),
    ),
  });
  context.log.info("Removed this job's containers, network and built images");
}
