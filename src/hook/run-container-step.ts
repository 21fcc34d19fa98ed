// run_container_step: a Docker action, from an image (pulled with the credentials that apply) or from a
// Dockerfile (built from its folder), run once with output streamed, on the job network if there is one.
// The container is created as `docker create --rm` would (container-spec.ts says how), then the Engine
// API attaches, starts and waits (no `docker run` waiting for the removal).
import path from 'node:path';
import { buildArgs } from '../docker/args';
import { parseCreateOptions, retokenizeArgs } from '../docker/create-options';
import { checkContainerSyntax } from '../docker/input-syntax';
import { EngineError } from '../docker/engine-api';
import { builtImageTag, ownLabels, stepContainerName } from '../docker/own-names';
import { withRetry } from '../docker/retry';
import { messageOf } from '../protocol/errors';
import type { RunContainerStepArgs } from '../protocol/hook-types';
import { containerSpec, createContainer, noteSocketMount } from './container-spec';
import type { HookContext } from './context';
import { getImage } from './image-pulls';
import { whenCancelled } from './cancel';
import { withJobImage, type HookState } from './state';
import { runStepContainer } from './step-process';

/**
 * Runs the step; resolves with the job's state updated when the step's image is one the job had not used
 * yet (so that later steps need not pull it again), else null.
 */
export async function runContainerStep(
  context: HookContext,
  args: RunContainerStepArgs,
  state: HookState | null,
): Promise<HookState | null> {
  // Parse everything first: bad input fails before anything is pulled, built or run.
  const options = parseCreateOptions(args.createOptions, 'args.createOptions');
  const command = retokenizeArgs(args.entryPointArgs, 'args.entryPointArgs');
  checkContainerSyntax(args, 'args');
  // Without a job's state the API version is still to be asked: meanwhile, not after the create. A failure
  // shows where the version is needed.
  context.engine.version().catch(() => undefined);
  const labels = ownLabels(context.runnerId, state?.jobId ?? null);
  const { dockerfile } = args;
  const image = args.image ?? (dockerfile === null ? null : await buildImage(context, dockerfile, labels));
  // The input schema already refused a step with neither; this says so to the type checker too.
  if (image === null) throw new Error('run_container_step needs an image or a dockerfile');
  const { image: named } = args;
  const updatedState = named ? await getStepImage(context, named, args, state) : null;
  noteSocketMount(context.config, context.log, [args]);
  const name = stepContainerName(context.runnerId);
  // By name: a cancel while the create runs does not know the id yet.
  const forgetCancel = whenCancelled((graceSeconds) => context.engine.stopAndRemove(name, graceSeconds));
  try {
    const spec = containerSpec(args, {
      name,
      image,
      labels,
      network: state?.network ?? null,
      networkAliases: [],
      command,
      options,
      socketSource: context.config.socketMapping.source,
    });
    const id = await createContainer(context, args, spec, { autoRemove: true });
    await runStepContainer(context.engine, id, context.stepOutput, context.log);
    return updatedState;
  } finally {
    forgetCancel();
    // Without a job (no state, so no cleanup_job will come) a built image is removed right away; in a
    // job, cleanup_job removes it by its label.
    if (!args.image && !state && context.config.features['remove-built-images']) {
      await removeBuiltImage(context, image);
    }
  }
}

/** Gets a named image, and remembers it in the job's state (a job without containers has none). */
async function getStepImage(
  context: HookContext,
  image: string,
  args: RunContainerStepArgs,
  state: HookState | null,
): Promise<HookState | null> {
  const idInJob = state?.images?.find((used) => used.ref === image)?.id;
  const { imageId } = await context.events.timed('pulls', () =>
    getImage(context, image, args.registry, { idInJob }),
  );
  if (state === null || imageId === null) return null;
  return withJobImage(state, image, imageId, context.config);
}

/**
 * The step's container may still be going (its AutoRemove): Docker removes the image anyway, podman
 * refuses while its container is being removed, so a refusal is tried again shortly, then left as a
 * warning (the step has run; the image is labelled for the next cleanup).
 */
async function removeBuiltImage(context: HookContext, image: string): Promise<void> {
  await withRetry(() => context.engine.remove('image', image), {
    attempts: 5,
    baseDelayMs: 200,
    maxDelayMs: 1000,
    isRetryable: (error) => error instanceof EngineError,
  }).catch((error: unknown) =>
    context.log.warning(`the image built for this step, ${image}, was not removed: ${messageOf(error)}`),
  );
}

async function buildImage(
  context: HookContext,
  dockerfile: string,
  labels: Record<string, string>,
): Promise<string> {
  const tag = builtImageTag(context.runnerId);
  const started = Date.now();
  // The build uses the host-side CLI env, so FROM images come through the same credential helpers.
  await context.log.group(`Building ${dockerfile}`, () =>
    context.docker.ok(buildArgs(tag, dockerfile, path.dirname(dockerfile), labels), { timeoutMs: 1_800_000 }),
  );
  context.log.info(`built ${tag} from ${dockerfile} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return tag;
}
