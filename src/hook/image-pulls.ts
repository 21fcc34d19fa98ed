// Gets each image onto the Docker host: every distinct image's pull starts at once (or one after another
// without the `parallel` feature), so that each container can be created as soon as its own image is
// there. The job log says per image where it came from; the events record it.
import { obtainImage, pullFailureCause, type ImageObtained } from '../docker/pull';
import { registryOf } from '../protocol/image-reference';
import type { JobContainer, RegistryCredentials } from '../protocol/hook-types';
import { pullRequest, type HookContext } from './context';

export interface ImagePulls {
  /** The pull of one of the images, resolving with the seconds it took. */
  of(image: string): Promise<number>;
  /** Waits for every pull to settle. */
  settled(): Promise<void>;
}

function describe(image: string, obtained: ImageObtained, seconds: string): string {
  switch (obtained.source) {
    case 'host':
      return `${image}: found on this Docker host (${obtained.why}), not pulled`;
    case 'mirror':
      return `${image}: pulled from registry mirror ${obtained.pulledFrom} in ${seconds} s`;
    case 'origin':
      return `${image}: pulled from ${obtained.pulledFrom} in ${seconds} s`;
  }
}

/** Gets one image, saying where it came from, and records it; resolves with the seconds it took. */
export async function getImage(
  context: HookContext,
  image: string,
  credentials: RegistryCredentials | null,
): Promise<number> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const registry = registryOf(image);
  try {
    const obtained = await obtainImage(pullRequest(context, image, credentials));
    context.log.info(describe(image, obtained, seconds().toFixed(1)));
    context.events.image({
      image,
      registry,
      source: obtained.source,
      ...(obtained.source === 'mirror' && obtained.pulledFrom ? { mirror: obtained.pulledFrom } : {}),
      seconds: seconds(),
      result: 'ok',
    });
  } catch (error) {
    context.events.image({
      image,
      registry,
      source: 'origin',
      seconds: seconds(),
      result: 'failed',
      cause: pullFailureCause(error),
    });
    throw error;
  }
  return seconds();
}

export function startPulls(
  context: HookContext,
  containers: ReadonlyArray<{ input: JobContainer }>,
): ImagePulls {
  const pulls = new Map<string, Promise<number>>();
  let previous: Promise<unknown> = Promise.resolve();
  for (const { input } of containers) {
    if (pulls.has(input.image)) continue;
    const pull = () => getImage(context, input.image, input.registry);
    const pending = context.config.features.parallel ? pull() : previous.then(pull);
    // Failures are reported where the pull is awaited; this only keeps an early one from going unhandled.
    pending.catch(() => undefined);
    previous = pending.catch(() => undefined);
    pulls.set(input.image, pending);
  }
  // The pulls phase: from the first start to the last pull's end.
  void context.events.timed('pulls', () => Promise.allSettled(pulls.values()));
  return {
    of: (image) => pulls.get(image) ?? Promise.reject(new Error(`no pull of ${image} was started`)),
    settled: async () => {
      await Promise.allSettled(pulls.values());
    },
  };
}
