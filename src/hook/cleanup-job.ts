// cleanup_job: print each service's logs, then remove this runner's containers, network and built images
// (found by label: Dockerfile actions label what they build). Works from labels, so it is idempotent and
// also cleans up after a failed prepare_job; the state only says which containers were services, and a
// container is read only when it carries this runner's label.
import { labelFilter, RUNNER_LABEL } from '../docker/own-names';
import { serviceLogSource, type HookContext } from './context';
import { removeLabelled } from './remove-labelled';
import { fetchServiceLogs, printServiceLogs } from './service-logs';
import type { HookState } from './state';
import { removeStateKeys } from './state-key';

export async function cleanupJob(context: HookContext, state: HookState | null): Promise<void> {
  const services = state && context.config.features['service-logs'] ? state.services : [];
  const logs = fetchServiceLogs(serviceLogSource(context), services);
  // Not in a group of its own: the service log groups print meanwhile, and groups do not nest.
  const printed = printServiceLogs(context.log, services, logs);
  const ours = (await logs).flatMap((log) => (log.id === null ? [] : [[log.id, log.text] as const]));
  try {
    await removeLabelled(context.engine, labelFilter(RUNNER_LABEL, context.runnerId), {
      images: context.config.features['remove-built-images'],
      // A service is removed once its own logs are read; everything else at once.
      notBefore: new Map(ours),
    });
  } finally {
    // The job is over: its state's key goes, whatever could not be removed (the next prepare_job retries).
    removeStateKeys(context.config.privateBase, context.runnerId);
  }
  await printed;
  context.log.info("Removed this job's containers, network and built images");
}
