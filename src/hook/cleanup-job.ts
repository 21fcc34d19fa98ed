// cleanup_job: print each service's logs, remove this runner's containers, network and built images (found
// by label: Dockerfile actions label what they build), then give `_work` back to the runner user. Works
// from labels, so it is idempotent and also cleans up after a failed prepare_job; the state only says which
// containers were services, and a container is read only when it carries this runner's label.
import { labelFilter, RUNNER_LABEL } from '../docker/own-names';
import { serviceLogSource, type HookContext } from './context';
import { removeLabelled } from './remove-labelled';
import { jobImages, restoreOwnership, restoresOwnership } from './restore-ownership';
import { fetchServiceLogs, printServiceLogs } from './service-logs';
import type { HookState } from './state';
import { removeStateKeys } from './state-key';

export async function cleanupJob(context: HookContext, state: HookState | null): Promise<void> {
  const { config, engine, log, runnerId } = context;
  const services = state && config.features['service-logs'] ? state.services : [];
  const logs = fetchServiceLogs(serviceLogSource(context), services);
  // Read while the containers are there: their images, on the host already, give `_work` back after.
  const restore = restoresOwnership(config)
    ? { work: config.workDir, images: jobImages(engine, runnerId, state) }
    : null;
  // Not in a group of its own: the service log groups print meanwhile, and groups do not nest.
  const printed = printServiceLogs(log, services, logs);
  const ours = (await logs).flatMap((entry) => (entry.id === null ? [] : [[entry.id, entry.text] as const]));
  const images = await restore?.images;
  try {
    await removeLabelled(engine, labelFilter(RUNNER_LABEL, runnerId), {
      images: config.features['remove-built-images'],
      // A service is removed once its own logs are read; everything else at once.
      notBefore: new Map(ours),
    });
    await printed;
    log.info("Removed this job's containers, network and built images");
  } finally {
    // The job is over: its state's key goes, whatever could not be removed (the next prepare_job retries).
    removeStateKeys(config.privateBase, runnerId);
    // Once the job's containers are gone, so that none of its processes still writes; also when some
    // removal failed. Never fails the cleanup.
    if (restore && images)
      await context.events.timed('ownership', () =>
        restoreOwnership(context, restore.work, images, state?.jobId ?? null),
      );
  }
}
