// Starts every distinct image's pull at once (or one after another without the `parallel` feature), so
// that each container can be created as soon as its own image is there.
import { pullOrUseLocal } from '../docker/pull';
import type { HookContainer } from '../protocol/hook-types';
import { pullRequest, type HookContext } from './context';

/** Image -> its pull, resolving with the seconds it took. */
export type ImagePulls = Map<string, Promise<number>>;

export function startPulls(
  context: HookContext,
  containers: ReadonlyArray<{ input: HookContainer & { image: string } }>,
): ImagePulls {
  const pulls: ImagePulls = new Map();
  let previous: Promise<unknown> = Promise.resolve();
  for (const { input } of containers) {
    if (pulls.has(input.image)) continue;
    const pull = async () => {
      const started = Date.now();
      await pullOrUseLocal(pullRequest(context, input.image, input.registry));
      return (Date.now() - started) / 1000;
    };
    const pending = context.config.features.parallel ? pull() : previous.then(pull);
    // Failures are reported where the pull is awaited; this only keeps an early one from going unhandled.
    pending.catch(() => undefined);
    previous = pending.catch(() => undefined);
    pulls.set(input.image, pending);
  }
  return pulls;
}

/** Waits for every pull to settle, so that nothing still runs when the hook exits. */
export async function settlePulls(pulls: ImagePulls): Promise<void> {
  await Promise.allSettled(pulls.values());
}
