// Removes what carries one of our labels: containers, then networks (and built images when asked).
// Working from labels, not only from state, makes prune, rollback and cleanup work after partial failures.
import { idsByLabel, removeObject, type ObjectKind } from '../docker/engine-objects';
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
  const { engine } = context;
  const [containers, networks, images] = await Promise.all([
    idsByLabel(engine, 'container', label),
    idsByLabel(engine, 'network', label),
    options.images ? idsByLabel(engine, 'image', label) : Promise.resolve([]),
    options.notBefore,
  ]);
  // Networks only empty out once their containers are gone; images once no container uses them.
  await removeAll(context, 'container', [...containers, ...(options.containerIds ?? [])]);
  await removeAll(context, 'network', networks);
  await removeAll(context, 'image', images);
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
async function removeAll(context: HookContext, kind: ObjectKind, ids: string[]): Promise<void> {
  const settled = await Promise.allSettled(
    [...new Set(ids)].map((id) => removeObject(context.engine, kind, id)),
  );
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed)
    throw new Error(`could not remove a ${kind}: ${(failed.reason as Error).message}`, {
      cause: failed.reason,
    });
}
