// The names dockhand gives what it creates: label keys, by which the hook finds (and alone removes) a
// runner's containers, networks and built images, and the prefixes of container, network and image names.
import { randomBytes } from 'node:crypto';

/** Every label key of dockhand's own starts with this; a workflow's options may not set one. */
export const OWN_LABEL_PREFIX = 'dockhand.';
/** This runner's id (a hash of its RUNNER_TEMP): on everything the hook creates. */
export const RUNNER_LABEL = `${OWN_LABEL_PREFIX}runner`;
/** The job's id: on what prepare_job creates, so that its rollback removes only that job's. */
export const JOB_LABEL = `${OWN_LABEL_PREFIX}job`;

export function ownLabels(runnerId: string, jobId: string | null): Record<string, string> {
  return jobId ? { [RUNNER_LABEL]: runnerId, [JOB_LABEL]: jobId } : { [RUNNER_LABEL]: runnerId };
}

/** The `key=value` filter of the Engine API's listings. */
export const labelFilter = (key: string, value: string) => `${key}=${value}`;

const random = (bytes: number) => randomBytes(bytes).toString('hex');

/** A new job's id. */
export const newJobId = () => random(8);

/** What a job's container names start with: `dockhand-<runner>-<job>` (8 characters of each). */
export const jobContainerPrefix = (runnerId: string, jobId: string) =>
  `dockhand-${runnerId.slice(0, 8)}-${jobId.slice(0, 8)}`;

/** A container action's own container. */
export const stepContainerName = (runnerId: string) => `dockhand-${runnerId.slice(0, 8)}-step-${random(4)}`;

/** The short-lived container that gives `_work` back to the runner user at cleanup_job. */
export const ownershipContainerName = (runnerId: string) =>
  `dockhand-${runnerId.slice(0, 8)}-owner-${random(4)}`;

/** A Dockerfile action's image. */
export const builtImageTag = (runnerId: string) => `dockhand-built/${runnerId.slice(0, 12)}:${random(6)}`;

/** The job network, named as the runner's built-in support names it. */
export const jobNetworkName = () => `github_network_${random(16)}`;
