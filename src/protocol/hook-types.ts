// The container-hook protocol as the runner really speaks it (runner 2.336; see
// docs/runner-protocol.md). Shapes only: validation lives with the hook, checks of responses with
// the replayer.

export type HookCommand = 'prepare_job' | 'cleanup_job' | 'run_script_step' | 'run_container_step';

export const HOOK_COMMANDS: readonly HookCommand[] = [
  'prepare_job',
  'cleanup_job',
  'run_script_step',
  'run_container_step',
];

export interface Mount {
  userProvidedValue: string | null;
  sourceVolumePath: string | null;
  targetVolumePath: string;
  readOnly: boolean;
}

export interface RegistryCredentials {
  username: string | null;
  password: string | null;
  /** Registry host from the image, no scheme; "" for Docker Hub. */
  serverUrl: string | null;
}

/** A container as the runner describes it: the job container, a service, or a container step. */
export interface HookContainer {
  image: string | null;
  dockerfile: string | null;
  /** Split by the runner on single spaces, quotes left in: must be re-tokenized. */
  entryPointArgs: string[];
  entryPoint: string | null;
  workingDirectory: string | null;
  /** The workflow's `options:`, docker create flags that may contain quotes. */
  createOptions: string | null;
  registry: RegistryCredentials | null;
  environmentVariables: Record<string, string>;
  /** The workflow's `ports:` as written: "5432:5432", "6379", "8080:80/udp". */
  portMappings: string[];
  systemMountVolumes: Mount[];
  userMountVolumes: Mount[];
  /** Not sent by runner 2.336 (see above); a service's YAML key if a future runner sends it. */
  contextName?: string | null;
}

export interface PrepareJobArgs {
  container: HookContainer | null;
  services: HookContainer[];
}

export interface RunScriptStepArgs {
  entryPointArgs: string[];
  entryPoint: string;
  environmentVariables: Record<string, string>;
  /** Newest first; runners up to 2.293 sent a single string. */
  prependPath: string[] | string;
  workingDirectory: string;
}

export type RunContainerStepArgs = HookContainer;

export type CleanupJobArgs = Record<string, never>;

export interface HookArgsByCommand {
  prepare_job: PrepareJobArgs;
  run_script_step: RunScriptStepArgs;
  run_container_step: RunContainerStepArgs;
  cleanup_job: CleanupJobArgs;
}

/** What the runner writes on the hook's stdin, as one compact JSON line with nulls included. */
export interface HookInput<C extends HookCommand = HookCommand> {
  command: C;
  responseFile: string;
  args: HookArgsByCommand[C];
  state: unknown;
}

export interface ContainerContext {
  id: string;
  network: string;
}

export interface ServiceContext extends ContainerContext {
  /** Container port -> host port, as `docker port` reports them. */
  ports: Record<string, string>;
}

/** The prepare_job response, as the runner reads it. */
export interface PrepareJobResponse {
  state?: unknown;
  context?: {
    container?: ContainerContext;
    services?: ServiceContext[];
  };
  /** Required when a job container was passed. */
  isAlpine?: boolean;
}

/** Responses of the other commands: only `state` is read. */
export interface StateResponse {
  state?: unknown;
}
