// The one place a container's create spec is built from what the runner sent (prepare_job's job
// container and services, run_container_step's action), and created with the job's variables.
import type { ContainerSpec } from '../docker/args';
import type { HookContainer } from '../protocol/hook-types';
import { withActionsDefaults, withContainerEnv } from './container-env';
import type { HookConfig } from './config';

/** What the hook decides about a container; the rest of its spec is the runner's input. */
export type OwnSettings = Pick<
  ContainerSpec,
  'name' | 'image' | 'labels' | 'network' | 'networkAliases' | 'command' | 'options'
> & {
  /** Replaces the input's entry point (the job container's `tail`). */
  entrypoint?: string;
};

export function containerSpec(input: HookContainer, own: OwnSettings): ContainerSpec {
  return {
    ...own,
    workdir: input.workingDirectory,
    entrypoint: own.entrypoint ?? input.entryPoint,
    ports: input.portMappings,
    mounts: [...input.systemMountVolumes, ...input.userMountVolumes],
  };
}

/** Runs the `docker create` of the container with the input's variables. */
export function withInputEnv<T>(
  config: HookConfig,
  input: HookContainer,
  use: (cliEnv: Record<string, string>) => Promise<T>,
): Promise<T> {
  return withContainerEnv(config, withActionsDefaults(input.environmentVariables), use);
}
