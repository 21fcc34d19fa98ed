// The few Engine API operations on containers, networks and images the hook needs, with what counts as
// success spelled out: removing something already gone is fine, since cleanup must be idempotent.
import type { AttachSpec, EngineApi } from './engine-api';
import { imageOperationsOf, type ImageOperations } from './engine-images';
import { containerFactsOf, type ContainerFacts, type InspectEntry } from './inspect';

export type ObjectKind = 'container' | 'network' | 'image';

const LIST_PATHS: Record<ObjectKind, string> = {
  container: '/containers/json?all=1&',
  network: '/networks?',
  image: '/images/json?',
};

const NOT_FOUND = 404;
/** A forced container removal answers 409 only when another removal of it is already under way. */
const REMOVAL_IN_PROGRESS = 409;

/** A container's inspect answer, as far as the hook reads it. */
export type InspectedContainer = ContainerFacts & {
  tty: boolean;
  labels: Record<string, string>;
  /** The id of its image ('' when the daemon did not say). */
  image: string;
  /** What `docker run` would attach to it. */
  attach: AttachSpec;
};

/**
 * The Engine API's container create body, as far as the hook fills it itself: a container without
 * `options:` or ports (src/docker/create-body.ts: every step the runner sends, a job container or service
 * with neither) and restore-ownership's. Containers with the workflow's
 * `options:` are created by the docker CLI, which parses them. The API never pulls: an image that is not
 * on the host fails the create.
 */
export interface ContainerCreateBody {
  Image: string;
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  User?: string;
  WorkingDir?: string;
  Labels: Record<string, string>;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  /** Anonymous volumes (`-v /path`): the target, mapped to `{}`. */
  Volumes?: Record<string, Record<string, never>>;
  NetworkDisabled?: boolean;
  HostConfig: {
    NetworkMode: string;
    /** `source:target[:ro]`, as `docker create -v` sends them. */
    Binds?: string[];
    Mounts?: Array<{ Type: 'bind'; Source: string; Target: string; ReadOnly: boolean }>;
    AutoRemove?: boolean;
    RestartPolicy?: { Name: 'no' };
    CapDrop?: string[];
    CapAdd?: string[];
    SecurityOpt?: string[];
    ReadonlyRootfs?: boolean;
    UsernsMode?: string;
  };
  NetworkingConfig?: { EndpointsConfig: Record<string, { Aliases: string[] }> };
}

/**
 * What the hook asks of the daemon, and nothing more: so that what it decides from the answers (health,
 * what to remove, what to roll back) can be tested from captured answers, without a daemon.
 */
export interface ContainerEngine extends ImageOperations {
  /** Ids of every object of a kind carrying the label (`name=value`). */
  idsByLabel(kind: ObjectKind, label: string): Promise<string[]>;
  inspect(id: string): Promise<InspectedContainer>;
  /** Creates a container (not started) named `name`; resolves with its id. */
  create(name: string, body: ContainerCreateBody): Promise<string>;
  start(id: string): Promise<void>;
  /** Removes an object; one that is already gone, or a container already being removed, counts as removed. */
  remove(kind: ObjectKind, id: string): Promise<void>;
  /**
   * Stops a container (its stop signal, SIGKILL after `graceSeconds`) and removes it, also waiting for a
   * removal its AutoRemove started; one that is gone already is fine.
   */
  stopAndRemove(id: string, graceSeconds: number): Promise<void>;
  /** Ids of the containers with an endpoint on a network (running ones: a created container has none yet). */
  attachedContainerIds(networkId: string): Promise<string[]>;
  /** Takes a container off a network, running or not. */
  disconnect(networkId: string, containerId: string): Promise<void>;
  exec: EngineApi['exec'];
  runAttached: EngineApi['runAttached'];
  logs: EngineApi['logs'];
  watchEvents: EngineApi['watchEvents'];
  version: EngineApi['version'];
}

export function containerEngineOf(api: EngineApi): ContainerEngine {
  const remove: ContainerEngine['remove'] = async (kind, id) => {
    const target = encodeURIComponent(id);
    const path =
      kind === 'container'
        ? `/containers/${target}?force=1&v=1`
        : kind === 'network'
          ? `/networks/${target}`
          : `/images/${target}?force=1`;
    await api.json(
      'DELETE',
      path,
      undefined,
      kind === 'container' ? [NOT_FOUND, REMOVAL_IN_PROGRESS] : [NOT_FOUND],
    );
  };
  return {
    async idsByLabel(kind, label) {
      const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
      const list = await api.json<Array<{ Id: string }>>('GET', `${LIST_PATHS[kind]}filters=${filters}`);
      return (list ?? []).map((item) => item.Id);
    },
    async inspect(id) {
      const entry = (await api.json<InspectEntry>('GET', `/containers/${encodeURIComponent(id)}/json`)) ?? {};
      return inspectedContainerOf(entry);
    },
    async create(name, body) {
      const created = await api.json<{ Id: string }>(
        'POST',
        `/containers/create?name=${encodeURIComponent(name)}`,
        body,
      );
      if (!created?.Id) throw new Error(`docker engine created container ${name} but gave no id`);
      return created.Id;
    },
    async start(id) {
      // 304: it was already running, which is what was asked for.
      await api.json('POST', `/containers/${encodeURIComponent(id)}/start`, undefined, [304]);
    },
    remove,
    async stopAndRemove(id, graceSeconds) {
      const target = `/containers/${encodeURIComponent(id)}`;
      // 304: it was not running (created only, or ended meanwhile).
      await api.json('POST', `${target}/stop?t=${graceSeconds}`, undefined, [304, NOT_FOUND]);
      await remove('container', id);
      // After a 409 (AutoRemove removing it) the container is still there: wait until it is not.
      await api.json('POST', `${target}/wait?condition=removed`, undefined, [NOT_FOUND]);
    },
    async attachedContainerIds(networkId) {
      const network = await api.json<{ Containers?: Record<string, unknown> | null }>(
        'GET',
        `/networks/${encodeURIComponent(networkId)}`,
      );
      return Object.keys(network?.Containers ?? {});
    },
    async disconnect(networkId, containerId) {
      await api.json('POST', `/networks/${encodeURIComponent(networkId)}/disconnect`, {
        Container: containerId,
        Force: true,
      });
    },
    exec: (...args) => api.exec(...args),
    runAttached: (...args) => api.runAttached(...args),
    logs: (...args) => api.logs(...args),
    watchEvents: (...args) => api.watchEvents(...args),
    version: () => api.version(),
    ...imageOperationsOf(api),
  };
}

export function inspectedContainerOf(entry: InspectEntry): InspectedContainer {
  const config = entry.Config ?? {};
  const tty = config.Tty === true;
  // podman records none of what `docker create` asked to attach: docker run's defaults apply then.
  const recorded =
    config.AttachStdin === true || config.AttachStdout === true || config.AttachStderr === true;
  return {
    ...containerFactsOf(entry),
    tty,
    labels: config.Labels ?? {},
    image: entry.Image ?? '',
    attach: {
      stdin: config.OpenStdin === true && (config.AttachStdin === true || !recorded),
      stdout: config.AttachStdout === true || !recorded,
      stderr: config.AttachStderr === true || !recorded,
      tty,
    },
  };
}

export interface CaptureBounds {
  maxBytes: number;
  timeoutMs: number;
  /** How errors name the command (a script is long): its words by default. */
  name?: string;
}

/**
 * Runs a short command in a container and keeps its output (stdout and stderr, in order). The container
 * is the job's to shape, so both the output kept and the wait are bounded: past either, the exec is left
 * (its process may go on in the container until it is removed) and this rejects.
 */
export async function execCaptured(
  engine: Pick<ContainerEngine, 'exec'>,
  id: string,
  command: string[],
  bounds: CaptureBounds,
): Promise<{ exitCode: number; output: string }> {
  const stop = new AbortController();
  let why = '';
  const abandon = (reason: string) => {
    why = reason;
    stop.abort();
  };
  const chunks: Buffer[] = [];
  let size = 0;
  const keep = (chunk: Buffer) => {
    if (stop.signal.aborted) return;
    chunks.push(Buffer.from(chunk));
    size += chunk.length;
    if (size > bounds.maxBytes) abandon(`more than ${bounds.maxBytes} bytes of output`);
  };
  const timer = setTimeout(() => abandon(`no end in ${bounds.timeoutMs / 1000} s`), bounds.timeoutMs);
  try {
    const exitCode = await engine.exec(id, { command, env: [] }, { stdout: keep, stderr: keep }, stop.signal);
    return { exitCode, output: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    if (!stop.signal.aborted) throw error;
    const name = bounds.name ?? `\`${command.join(' ')}\``;
    throw new Error(`${name} in container ${id} gave ${why}: left unread`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
