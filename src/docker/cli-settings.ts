// The docker CLI's settings, decided in one place for the hook and for `dockhand doctor` (which must see
// what the hook will see): which docker runs, which config folder it reads and why, the environment it
// runs with, and where the Engine API is.
import { findExecutable } from '../exec';
import { dockerCliEnv, parseEnvPassthrough } from './cli-env';
import { contextUrlOf, currentContextOf, dockerConfigDirOf } from './docker-config';
import {
  engineEndpointOf,
  engineHostOf,
  socketMappingOf,
  type EngineEndpoint,
  type SocketMapping,
} from './engine-endpoint';

export interface DockerCliSettings {
  /** HOOK_DOCKER_PATH as given, else the first executable `docker` on PATH; null when there is none. */
  dockerPath: string | null;
  dockerConfigDir: string;
  /** What chose the config folder: HOOK_DOCKER_CONFIG, DOCKER_CONFIG or the runner user's home. */
  dockerConfigSource: string;
  /** The environment of the docker CLI's builds and of credential helpers (PATH, HOME, AWS_* ...). */
  cliEnv: Record<string, string>;
  /** Where the Engine API is: the daemon the CLI's environment and config point at. */
  engineEndpoint: EngineEndpoint;
  /** What the runner's /var/run/docker.sock mounts become: the socket of that daemon, when it has one. */
  socketMapping: SocketMapping;
}

/** `env` is the hook's environment (the runner's, with its .env applied); `homedir` the runner user's. */
export function dockerCliSettingsOf(
  env: Readonly<Record<string, string | undefined>>,
  homedir: string,
): DockerCliSettings {
  const { dir: dockerConfigDir, source: dockerConfigSource } = dockerConfigDirOf(env, homedir);
  const cliEnv = dockerCliEnv(env, parseEnvPassthrough(env.HOOK_ENV_PASSTHROUGH), dockerConfigDir);
  const engineHost = engineHostOf(cliEnv, currentContextOf(dockerConfigDir), (name) =>
    contextUrlOf(dockerConfigDir, name),
  );
  return {
    // Empty counts as unset, like every HOOK_* setting.
    dockerPath: env.HOOK_DOCKER_PATH || findExecutable('docker', env.PATH),
    dockerConfigDir,
    dockerConfigSource,
    cliEnv,
    engineEndpoint: engineEndpointOf(engineHost),
    socketMapping: socketMappingOf(engineHost),
  };
}
