// run_container_step: a Docker action, from an image (pulled with the credentials that apply) or from a
// Dockerfile (built from its folder), run once with output streamed, on the job network if there is one.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { buildArgs, runArgs, type ContainerSpec } from '../docker/args';
import { parseCreateOptions, retokenizeArgs } from '../docker/create-options';
import { removeObject } from '../docker/engine-objects';
import { checkContainerSyntax } from '../docker/input-syntax';
import type { RunContainerStepArgs } from '../protocol/hook-types';
import { withActionsDefaults, withContainerEnv } from './container-env';
import type { HookContext } from './context';
import { getImage } from './image-pulls';
import { labelsFor, type HookState } from './state';
import { runStepProcess } from './step-process';

export async function runContainerStep(
  context: HookContext,
  args: RunContainerStepArgs,
  state: HookState | null,
): Promise<void> {
  // Parse everything first: bad input fails before anything is pulled, built or run.
  const options = parseCreateOptions(args.createOptions, 'args.createOptions');
  const command = retokenizeArgs(args.entryPointArgs, 'args.entryPointArgs');
  checkContainerSyntax(args, 'args');
  const labels = labelsFor(context.runnerId, state?.jobId ?? null);
  const image = args.image ?? (await buildImage(context, args.dockerfile as string, labels));
  if (args.image)
    await context.events.timed('pulls', () => getImage(context, args.image as string, args.registry));
  try {
    await withContainerEnv(context, withActionsDefaults(args.environmentVariables), async (cliEnv) => {
      const spec: ContainerSpec = {
        name: `dockhand-${context.runnerId.slice(0, 8)}-step-${randomBytes(4).toString('hex')}`,
        image,
        labels,
        network: state?.network ?? null,
        networkAliases: [],
        workdir: args.workingDirectory,
        entrypoint: args.entryPoint,
        command,
        ports: args.portMappings,
        mounts: [...args.systemMountVolumes, ...args.userMountVolumes],
        options,
      };
      await runStepProcess(context, runArgs(spec), cliEnv);
    });
  } finally {
    // Without a job (no state, so no cleanup_job will come) a built image is removed right away; in a
    // job, cleanup_job removes it by its label.
    if (!args.image && !state && context.config.features['remove-built-images']) {
      await removeObject(context.engine, 'image', image);
    }
  }
}

async function buildImage(
  context: HookContext,
  dockerfile: string,
  labels: Record<string, string>,
): Promise<string> {
  const tag = `dockhand-built/${context.runnerId.slice(0, 12)}:${randomBytes(6).toString('hex')}`;
  const started = Date.now();
  // The build uses the host-side CLI env, so FROM images come through the same credential helpers.
  await context.log.group(`Building ${dockerfile}`, () =>
    context.docker.ok(buildArgs(tag, dockerfile, path.dirname(dockerfile), labels), { timeoutMs: 1_800_000 }),
  );
  context.log.info(`built ${tag} from ${dockerfile} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return tag;
}
