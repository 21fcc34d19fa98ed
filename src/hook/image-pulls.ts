// Starts every distinct image's pull at once (or one after another without the `parallel` feature), so
// that each container can be created as soon as its own image is there.
import { pullOrUseLocal } from '../docker/pull';
import type { JobContainer } from '../protocol/hook-types';
import { pullRequest, type HookContext } from './context';

export interface ImagePulls {
  /** The pull of one of the images, resolving with the seconds it took. */
  of(image: string): Promise<number>;
  /** Waits for every pull to settle. */
  settled(): Promise<void>;
}

export function startPulls(
  context: HookContext,
  containers: ReadonlyArray<{ input: JobContainer }>,
): ImagePulls {
  const pulls = new Map<string, Promise<number>>();
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
  return {
    of: (image) => pulls.get(image) ?? Promise.reject(new Error(`no pull of ${image} was started`)),
    settled: async () => {
      await Promise.allSettled(pulls.values());
    },
  };
}
