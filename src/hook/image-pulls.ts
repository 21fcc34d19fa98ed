// Gets each image onto the Docker host: every distinct image's pull starts at once (or one after another
// without the `parallel` feature), so that each container can be created as soon as its own image is
// there. A pull still running after a few seconds shows its progress, one line for all pulls running;
// the job log says per image where it came from; the events record it, bytes included.
import { obtainImage, type ImageObtained } from '../docker/pull';
import { pullFailureCause } from '../docker/pull-failures';
import { ProgressBoard, PullProgress, type ProgressTiming } from '../docker/pull-progress';
import { registryOf } from '../protocol/image-reference';
import type { JobContainer, RegistryCredentials } from '../protocol/hook-types';
import { pullRequest, type HookContext } from './context';

/** An image on the Docker host: how long getting it took, and its id (null if it is gone already). */
export interface GotImage {
  seconds: number;
  imageId: string | null;
}

export interface ImagePulls {
  /** The pull of one of the images. */
  of(image: string): Promise<GotImage>;
  /** Waits for every pull to settle. */
  settled(): Promise<void>;
}

function describe(image: string, obtained: ImageObtained, seconds: string, bytes: number): string {
  const size = bytes > 0 ? `, ${(bytes / 1_000_000).toFixed(1)} MB` : '';
  switch (obtained.source) {
    case 'host':
      return `${image}: found on this Docker host (${obtained.why}), not pulled`;
    case 'mirror':
      return `${image}: pulled from registry mirror ${obtained.pulledFrom} in ${seconds} s${size}`;
    case 'origin':
      return `${image}: pulled from ${obtained.pulledFrom} in ${seconds} s${size}`;
  }
}

/** The progress line's board of one hook call: its lines go to the job log (feature pull-progress). */
export function progressBoard(context: HookContext, timing?: ProgressTiming): ProgressBoard {
  const print = context.config.features['pull-progress']
    ? (line: string) => context.log.info(line)
    : () => {};
  return new ProgressBoard(print, timing);
}

/**
 * Gets one image, saying where it came from, and records it. `idInJob`: the id this job already used the
 * image as (its state says), so that the host's copy is taken while it is still that one.
 */
export async function getImage(
  context: HookContext,
  image: string,
  credentials: RegistryCredentials | null,
  { board = progressBoard(context), idInJob }: { board?: ProgressBoard; idInJob?: string } = {},
): Promise<GotImage> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const registry = registryOf(image);
  const progress = new PullProgress();
  board.started(image, progress);
  let obtained: ImageObtained;
  try {
    obtained = await obtainImage({ ...pullRequest(context, image, credentials, progress), idInJob });
    const bytes = obtained.source === 'host' ? 0 : progress.bytes().done;
    context.log.info(describe(image, obtained, seconds().toFixed(1), bytes));
    context.events.image({
      image,
      registry,
      source: obtained.source,
      ...(obtained.source === 'mirror' && obtained.pulledFrom ? { mirror: obtained.pulledFrom } : {}),
      ...(obtained.source === 'host' ? {} : { bytes }),
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
  } finally {
    board.finished(image);
  }
  return { seconds: seconds(), imageId: obtained.imageId };
}

export function startPulls(
  context: HookContext,
  containers: ReadonlyArray<{ input: JobContainer }>,
): ImagePulls {
  const pulls = new Map<string, Promise<GotImage>>();
  const board = progressBoard(context);
  let previous: Promise<unknown> = Promise.resolve();
  for (const { input } of containers) {
    if (pulls.has(input.image)) continue;
    const pull = () => getImage(context, input.image, input.registry, { board });
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
