// Where the Docker Engine API is, decided as the docker CLI decides it: DOCKER_HOST, then DOCKER_CONTEXT,
// then the config's currentContext, then the default socket. A unix socket is used directly; anything
// else (tcp with TLS, ssh, a named context) is reached through the CLI itself (`docker system dial-stdio`),
// so the hook reaches exactly the daemon its docker commands reach.
import { spawnStream } from '../exec';
import type { EngineConnection } from './engine-http';

export type EngineEndpoint = { socketPath: string } | { viaCli: string };

/** Docker's own socket: the CLI's default, and the source of the runner's socket mount. */
export const DEFAULT_SOCKET = '/var/run/docker.sock';

/** The engine's address as the CLI resolves it, and what chose it. */
export interface EngineHost {
  /** A URL (`unix:///...`, `tcp://...`, `ssh://...`); null when a context's endpoint cannot be read. */
  url: string | null;
  /** What chose it, for messages: `DOCKER_HOST`, `docker context <name>` or `the default`. */
  from: string;
  /** The named context that chose it, when one did. */
  context?: string;
}

/** `contextUrl` reads a named context's docker endpoint (null when it cannot). */
export function engineHostOf(
  cliEnv: Readonly<Record<string, string>>,
  configContext: string | undefined,
  contextUrl: (name: string) => string | null,
): EngineHost {
  const host = cliEnv.DOCKER_HOST;
  if (host) return { url: host, from: 'DOCKER_HOST' };
  const context = cliEnv.DOCKER_CONTEXT || configContext;
  if (context && context !== 'default')
    return { url: contextUrl(context), from: `docker context ${context}`, context };
  return { url: `unix://${DEFAULT_SOCKET}`, from: 'the default' };
}

export function engineEndpointOf(host: EngineHost): EngineEndpoint {
  // A context may carry TLS settings: the CLI, which reads them, is the way to it.
  if (host.context !== undefined) return { viaCli: `docker context ${host.context}` };
  const url = host.url ?? '';
  return url.startsWith('unix://') ? { socketPath: url.slice('unix://'.length) } : { viaCli: url };
}

/** What becomes of the runner's `/var/run/docker.sock` mounts in job and step containers. */
export interface SocketMapping {
  /** The source those mounts get instead: the engine's own socket; null: they stay as they are. */
  source: string | null;
  /** One line for the job log and doctor; null when there is nothing to say (Docker's own socket). */
  note: string | null;
}

/**
 * The runner always mounts /var/run/docker.sock into job and step containers, so that jobs can use
 * docker. On a podman or rootless Docker host that is not the engine's socket (or not there at all): the
 * mount must come from the socket the hook talks to. An engine not on a local socket (tcp, ssh) has no
 * file this host could mount: the mount stays, and the note says so.
 */
export function socketMappingOf(host: EngineHost): SocketMapping {
  const mount = `the runner's ${DEFAULT_SOCKET} mount`;
  if (host.url === null)
    return {
      source: null,
      note: `${mount} is left as it is: the endpoint of ${host.from} could not be read`,
    };
  const socket = host.url.startsWith('unix://') ? host.url.slice('unix://'.length) : null;
  if (socket === DEFAULT_SOCKET) return { source: null, note: null };
  if (socket === null || !socket.startsWith('/'))
    return {
      source: null,
      note: `${mount} is left as it is: the engine is at ${host.url} (${host.from}), not on a socket of this host`,
    };
  return { source: socket, note: `${mount} comes from the engine's socket, ${socket} (${host.from})` };
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
