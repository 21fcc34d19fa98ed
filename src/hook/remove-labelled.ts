// Removes what carries one of our labels: containers, then networks (and built images when asked).
// Working from labels, not only from state, makes prune, rollback and cleanup work after partial failures.
import { idsByLabel, removeObject, type ObjectKind } from '../docker/engine-objects';
import type { HookContext } from './context';

export interface RemoveOptions {
  images: boolean;
  /** Ids known from state; removed even if their labels were somehow lost. */
  containerIds?: string[];
  /** Containers whose removal waits for something (their logs being read), by id. */
  notBefore?: Map<string, Promise<unknown>>;
}

export async function removeLabelled(
  context: HookContext,
  label: string,
  options: RemoveOptions,
): Promise<void> {
  const { engine } = context;
  // Each removal waits only for what it needs: a container for its own listing (and its logs), networks
  // and images for their listing and for the containers that use them to be gone.
  const containersGone = idsByLabel(engine, 'container', label).then((listed) =>
    removeAll(context, 'container', [...listed, ...(options.containerIds ?? [])], options.notBefore),
  );
  const afterContainers = (kind: ObjectKind) =>
    Promise.all([idsByLabel(engine, kind, label), containersGone]).then(([ids]) =>
      removeAll(context, kind, ids),
    );
  await Promise.all([afterContainers('network'), options.images ? afterContainers('image') : undefined]);
  // Said done only when seen done: whatever still carries the label now is reported, not passed over.
  const [containersLeft, networksLeft] = await Promise.all([
    idsByLabel(engine, 'container', label),
    idsByLabel(engine, 'network', label),
  ]);
  const left = [
    ...containersLeft.map((id) => `container ${id}`),
    ...networksLeft.map((id) => `network ${id}`),
  ];
  if (left.length > 0) throw new Error(`still there after removal: ${left.join(', ')}`);
}

/** Removes every one at once, and only then reports the first failure: the rest still goes. */
async function removeAll(
  context: HookContext,
  kind: ObjectKind,
  ids: string[],
  notBefore?: Map<string, Promise<unknown>>,
): Promise<void> {
  const settled = await Promise.allSettled(
    [...new Set(ids)].map(async (id) => {
      await notBefore?.get(id);
      await removeObject(context.engine, kind, id);
    }),
  );
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed)
    throw new Error(`could not remove a ${kind}: ${(failed.reason as Error).message}`, {
      cause: failed.reason,
    });
}
