// Removes what carries one of our labels: containers, networks, and built images when asked. Working from
// labels, not only from state, makes prune, rollback and cleanup work after partial failures.
import type { ContainerEngine, ObjectKind } from '../docker/engine-objects';
import { messageOf } from '../protocol/errors';

export interface RemoveOptions {
  images: boolean;
  /** Containers whose removal waits for something (their logs being read), by id. */
  notBefore?: Map<string, Promise<unknown>>;
  /** Full ids this very hook call created (prepare_job's rollback): removed whatever their labels say. */
  createdIds?: string[];
}

/** Rounds of removal at most, and the pause before the next: see removeLabelled. */
const REMOVAL_ROUNDS = 4;
const ROUND_PAUSE_MS = 500;

/**
 * Removes everything that carries `label`, and checks that it is gone. A container step's container
 * removes itself (AutoRemove) after the step, so a cleanup that follows at once can find it still going,
 * still on the job's network: what is left after a round goes in the next one, a moment later.
 */
export async function removeLabelled(
  engine: ContainerEngine,
  label: string,
  options: RemoveOptions,
): Promise<void> {
  for (let round = 1; ; round++) {
    const failure = await removeLabelledOnce(engine, label, options).then(
      () => null,
      (error: unknown) => error,
    );
    // Said done only when seen done: whatever still carries the label now is reported, not passed over.
    const [containersLeft, networksLeft] = await Promise.all([
      engine.idsByLabel('container', label),
      engine.idsByLabel('network', label),
    ]);
    const left = [
      ...containersLeft.map((id) => `container ${id}`),
      ...networksLeft.map((id) => `network ${id}`),
    ];
    if (left.length === 0 && failure === null) return;
    if (round >= REMOVAL_ROUNDS) {
      if (failure !== null) throw failure;
      throw new Error(`still there after removal: ${left.join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, ROUND_PAUSE_MS * round));
  }
}

async function removeLabelledOnce(
  engine: ContainerEngine,
  label: string,
  options: RemoveOptions,
): Promise<void> {
  const [listedContainers, networks] = await Promise.all([
    engine.idsByLabel('container', label),
    engine.idsByLabel('network', label),
  ]);
  const ready = (id: string) => options.notBefore?.get(id);
  // A network can only go once nothing is attached to it. Taking the containers off it first lets it go
  // while they are being removed rather than after them (~0.13 s of a ~0.73 s cleanup on the stack); each
  // container is removed once it is off (both at once, dockerd refuses one of the two).
  const detached = new Map(networks.map((network) => [network, detachAll(engine, network, ready)]));
  // What carries the label, by the full ids dockerd lists, and what this call created: never an id from
  // the job's state, which could name another runner's container, or name one of ours twice.
  const containerIds = [...new Set([...listedContainers, ...(options.createdIds ?? [])])];
  const containersGone = removeAll('container', containerIds, async (id) => {
    await ready(id);
    await Promise.allSettled(detached.values());
    await engine.remove('container', id);
  });
  const networksGone = removeAll('network', networks, async (network) => {
    const off = await succeeded(detached.get(network));
    if (off && (await succeeded(engine.remove('network', network)))) return;
    // Not everything came off, or something was attached meanwhile: it goes after the containers.
    await containersGone.catch(() => undefined);
    await engine.remove('network', network);
  });
  const imagesGone = options.images
    ? Promise.all([engine.idsByLabel('image', label), containersGone]).then(([images]) =>
        removeAll('image', images, (image) => engine.remove('image', image)),
      )
    : undefined;
  await Promise.all([containersGone, networksGone, imagesGone]);
}

const succeeded = (promise: Promise<unknown> | undefined): Promise<boolean> =>
  Promise.resolve(promise).then(
    () => true,
    () => false,
  );

/** Takes every container off a network, each once it is ready to go; rejects if any could not be. */
async function detachAll(
  engine: ContainerEngine,
  network: string,
  ready: (id: string) => Promise<unknown> | undefined,
): Promise<void> {
  const attached = await engine.attachedContainerIds(network);
  await Promise.all(
    attached.map(async (container) => {
      await ready(container);
      await engine.disconnect(network, container);
    }),
  );
}

/** Removes every one at once, and only then reports the first failure: the rest still goes. */
async function removeAll(
  kind: ObjectKind,
  ids: string[],
  remove: (id: string) => Promise<void>,
): Promise<void> {
  const settled = await Promise.allSettled([...new Set(ids)].map(remove));
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed)
    throw new Error(`could not remove a ${kind}: ${messageOf(failed.reason)}`, {
      cause: failed.reason,
    });
}
