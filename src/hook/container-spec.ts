// The one place a container's create spec is built from what the runner sent (prepare_job's job
// container and services, run_container_step's action), and the container created with the job's variables.
import { createArgs, type ContainerSpec } from '../docker/args';
import { containerEnvEntries } from '../docker/cli-env';
import { createBodyOf, isPlainSpec, proxyEntriesOf } from '../docker/create-body';
import { readDockerConfig } from '../docker/docker-config';
import { DEFAULT_SOCKET } from '../docker/engine-endpoint';
import type { HookContainer, Mount } from '../protocol/hook-types';
import type { JobLog } from '../protocol/job-log';
import { withActionsDefaults, withContainerEnv } from './container-env';
import type { HookConfig } from './config';
import type { HookContext } from './context';

/** What the hook decides about a container; the rest of its spec is the runner's input. */
export type OwnSettings = Pick<
  ContainerSpec,
  'name' | 'image' | 'labels' | 'network' | 'networkAliases' | 'command' | 'options'
> & {
  /** Replaces the input's entry point (the job container's `tail`). */
  entrypoint?: string;
  /** The engine's socket, for mounts of /var/run/docker.sock (SocketMapping); null: as given. */
  socketSource: string | null;
};

export function containerSpec(input: HookContainer, own: OwnSettings): ContainerSpec {
  const { socketSource, ...settings } = own;
  return {
    ...settings,
    workdir: input.workingDirectory,
    entrypoint: own.entrypoint ?? input.entryPoint,
    ports: input.portMappings,
    mounts: mountsOf(input).map((mount) =>
      socketSource && mount.sourceVolumePath === DEFAULT_SOCKET
        ? { ...mount, sourceVolumePath: socketSource }
        : mount,
    ),
  };
}

function mountsOf(input: HookContainer): Mount[] {
  return [...input.systemMountVolumes, ...input.userMountVolumes];
}

/** Says once in the job log where the docker socket mount of `inputs` comes from, when not from itself. */
export function noteSocketMount(config: HookConfig, log: JobLog, inputs: readonly HookContainer[]): void {
  const { note } = config.socketMapping;
  if (note && inputs.flatMap(mountsOf).some((mount) => mount.sourceVolumePath === DEFAULT_SOCKET))
    log.info(note);
}

/**
 * Creates the container with the input's variables; resolves with its id. A plain spec (no `options:`, no
 * ports: every step the runner sends) is created through the Engine API with the body `docker create`
 * would send; any other through `docker create` and the env proxy, so that options mean what they mean to
 * docker.
 */
export async function createContainer(
  context: Pick<HookContext, 'config' | 'docker' | 'engine'>,
  input: HookContainer,
  spec: ContainerSpec,
  { autoRemove = false } = {},
): Promise<string> {
  const { config } = context;
  const variables = withActionsDefaults(input.environmentVariables);
  if (isPlainSpec(spec)) {
    const env = containerEnvEntries(variables);
    const proxies = proxyEntriesOf(readDockerConfig(config.dockerConfigDir), env);
    return context.engine.create(spec.name, createBodyOf(spec, [...env, ...proxies], { autoRemove }));
  }
  return withContainerEnv(config, variables, async (cliEnv) => {
    const { stdout } = await context.docker.ok(createArgs(spec, { autoRemove }), { env: cliEnv });
    return stdout.trim();
  });
}
