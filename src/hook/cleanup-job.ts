// cleanup_job: print each service's logs, then remove this runner's containers, network and built images
// (found by label: Dockerfile actions label what they build). Works from state and from labels, so it is idempotent and also cleans up after a failed prepare_job.
import type { HookContext } from './context';
import { removeLabelled } from './remove-labelled';
import { printServiceLogs } from './service-logs';
import type { HookState } from './state';

export async function cleanupJob(context: HookContext, state: HookState | null): Promise<void> {
  if (state && state.services.length > 0 && context.config.features['service-logs']) {
    await printServiceLogs(context, state.services);
  }
  await context.log.group('Removing job containers and network', async () => {
    await removeLabelled(context, `dockhand.runner=${context.runnerId}`, {
      images: context.config.features['remove-built-images'],
      containerIds: [state?.container?.id, ...(state?.services ?? []).map((s) => s.id)].filter(
        (id): id is string => Boolean(id),
      ),
    });
  });
}
