// Removes what carries one of our labels: containers, then networks (and built images when asked).
// Working from labels, not only from state, makes prune, rollback and cleanup work after partial failures.
import { listByLabelArgs } from '../docker/args';
import type { HookContext } from './context';

export interface RemoveOptions {
  images: boolean;
  /** Ids known from state; removed even if their labels were somehow lost. */
  containerIds?: string[];
  /** Removal waits for this (service logs being read), while the listing already runs. */
  notBefore?: Promise<unknown>;
}

export async function removeLabelled(
  context: HookContext,
  label: string,
  options: RemoveOptions,
): Promise<void> {
  const { docker } = context;
  const [containers, networks, images] = await Promise.all([
    docker.lines(listByLabelArgs('container', label)),
    docker.lines(listByLabelArgs('network', label)),
    options.images ? docker.lines(listByLabelArgs('image', label)) : Promise.resolve([]),
    options.notBefore,
  ]);
  const allContainers = [...new Set([...containers, ...(options.containerIds ?? [])])];
  if (allContainers.length > 0) {
    const removed = await docker.run(['rm', '--force', '--volumes', '--', ...allContainers]);
    // A container from state that is already gone is fine (cleanup is idempotent); anything else is not.
    if (removed.exitCode !== 0 && !/no such container/i.test(removed.stderr)) {
      throw new Error(`could not remove containers ${allContainers.join(' ')}: ${removed.stderr.trim()}`);
    }
  }
  if (networks.length > 0) await docker.ok(['network', 'rm', '--', ...networks]);
  if (images.length > 0) await docker.ok(['image', 'rm', '--force', '--', ...new Set(images)]);
}
