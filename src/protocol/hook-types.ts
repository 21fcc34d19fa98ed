// The container-hook protocol as the runner really speaks it (runner 2.336; see
// docs/runner-protocol.md). The input's types are what its schemas (hook-input.ts) let through;
// checks of responses live with the replayer.
import type * as v from 'valibot';
import type {
  cleanupJobArgsSchema,
  containerSchema,
  hookCallSchema,
  jobContainerSchema,
  mountSchema,
  prepareJobArgsSchema,
  registrySchema,
  runContainerStepArgsSchema,
  runScriptStepArgsSchema,
} from './hook-input';

export type HookCommand = 'prepare_job' | 'cleanup_job' | 'run_script_step' | 'run_container_step';

export const HOOK_COMMANDS: readonly HookCommand[] = [
  'prepare_job',
  'cleanup_job',
  'run_script_step',
  'run_container_step',
];

export type Mount = v.InferOutput<typeof mountSchema>;
export type RegistryCredentials = v.InferOutput<typeof registrySchema>;
/** A container as the runner describes it: the job container, a service, or a container step. */
export type HookContainer = v.InferOutput<typeof containerSchema>;
/** The job container or a service: one with an image. */
export type JobContainer = v.InferOutput<typeof jobContainerSchema>;
export type PrepareJobArgs = v.InferOutput<typeof prepareJobArgsSchema>;
export type RunScriptStepArgs = v.InferOutput<typeof runScriptStepArgsSchema>;
export type RunContainerStepArgs = v.InferOutput<typeof runContainerStepArgsSchema>;
export type CleanupJobArgs = v.InferOutput<typeof cleanupJobArgsSchema>;

/** One runner call, as validated: `command` decides the type of `args`. */
type HookCall = v.InferOutput<typeof hookCallSchema>;

export type HookArgsByCommand = { [Call in HookCall as Call['command']]: Call['args'] };

/** What the runner writes on the hook's stdin, as one compact JSON line with nulls included. */
export type HookInput<C extends HookCommand = HookCommand> = {
  [K in C]: { command: K; responseFile: string; args: HookArgsByCommand[K]; state: unknown };
}[C];

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
