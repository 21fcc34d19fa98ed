// Where the Docker Engine API is, decided as the docker CLI decides it: DOCKER_HOST, then DOCKER_CONTEXT,
// then the config's currentContext, then the default socket. A unix socket is used directly; anything
// else (tcp with TLS, ssh, a named context) is reached through the CLI itself (`docker system dial-stdio`),
// so the hook reaches exactly the daemon its docker commands reach.
import { spawnStream } from '../exec';
import type { EngineConnection } from './engine-http';

export type EngineEndpoint = { socketPath: string } | { viaCli: string };

const DEFAULT_SOCKET = '/var/run/docker.sock';

export function engineEndpointOf(
  cliEnv: Readonly<Record<string, string>>,
  configContext: string | undefined,
): EngineEndpoint {
  const host = cliEnv.DOCKER_HOST;
  if (host)
    return host.startsWith('unix://') ? { socketPath: host.slice('unix://'.length) } : { viaCli: host };
  const context = cliEnv.DOCKER_CONTEXT || configContext;
  if (context && context !== 'default') return { viaCli: `docker context ${context}` };
  return { socketPath: DEFAULT_SOCKET };
}

/** How to open connections to the endpoint: the socket itself, or one `docker system dial-stdio` each. */
export function engineConnectionOf(
  endpoint: EngineEndpoint,
  dockerPath: string,
  cliEnv: Record<string, string>,
): EngineConnection {
  if ('socketPath' in endpoint)
    return { socketPath: endpoint.socketPath, describe: `unix://${endpoint.socketPath}` };
  return {
    open: () => spawnStream([dockerPath, 'system', 'dial-stdio'], cliEnv),
    describe: `${endpoint.viaCli}, through docker system dial-stdio`,
  };
}
