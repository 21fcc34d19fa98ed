// The Docker Engine API. The hook uses it where starting a docker CLI process would cost more than the
// work itself (creates without `options:`, a step's exec, a container step's attach, start and wait,
// inspects, logs, listings, removals) and for pulls (whose progress only the API's stream gives); builds
// and the creates of containers with `options:` stay with the CLI, which owns `docker create`'s options.
import { isJsonObject } from '../protocol/json';
import type { JobLog } from '../protocol/job-log';
import { exchange, type EngineConnection, type EngineReply, type EngineRequest } from './engine-http';
import { frameReader, type StreamName } from './stream-frames';

/**
 * The newest API version whose requests and answers this module is written against; older daemons get
 * their own version (all of this exists since 1.24), newer ones are asked for this one.
 */
const NEWEST_KNOWN_VERSION = '1.47';
/** As for the CLI calls: a daemon that does not answer fails the call instead of hanging the job. */
const REQUEST_TIMEOUT_MS = 120_000;
/** An attach asked for as an upgrade is answered with this, then the raw stream. */
const SWITCHING_PROTOCOLS = 101;
/** After an exec's output ends, its exit code is polled this often, for at most EXEC_EXIT_WAIT_MS. */
const EXEC_EXIT_POLL_MS = 10;
const EXEC_EXIT_WAIT_MS = 2000;
/** The first API version whose wait takes a condition (Docker 17.06): an older one would not wait at all. */
const WAIT_CONDITION_VERSION = '1.30';
/** A wait's answer is one small JSON object; more than this is not the daemon's. */
const MAX_WAIT_ANSWER = 64 * 1024;

export class EngineError extends Error {
  override name = 'EngineError';
}

export interface ExecSpec {
  command: string[];
  env: string[];
  workdir?: string;
}

export type OutputSink = Record<StreamName, (chunk: Buffer) => void>;

/** What `docker run` attaches to a container it created (its config's Attach*, OpenStdin and Tty). */
export interface AttachSpec {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** One raw stream (to stdout) instead of multiplexed frames. */
  tty: boolean;
}

/** A request whose answer streams; `head` settles once its head has come (or the request failed). */
interface OpenStream {
  head: Promise<void>;
  done: Promise<EngineReply>;
}

type Method = EngineRequest['method'];

export class EngineApi {
  private negotiated: Promise<string> | undefined;
  /** Seen on any answer so far: the daemon is podman (its answers carry Libpod-Api-Version). */
  private answersAsLibpod = false;

  /** `knownVersion`: one negotiated earlier with the same daemon (saved in the job's state), so no ping. */
  constructor(
    private readonly connection: EngineConnection,
    private readonly log: JobLog,
    knownVersion?: string,
  ) {
    if (knownVersion) this.negotiated = Promise.resolve(knownVersion);
  }

  /** Parsed JSON of a 2xx answer; `allow` lists other statuses that are fine (e.g. 404 on a removal). */
  async json<T>(method: Method, path: string, body?: object, allow: number[] = []): Promise<T | null> {
    const reply = await this.request(method, path, body, allow);
    if (reply.status >= 300 || reply.body.length === 0) return null;
    // Safe as far as the daemon keeps its API: each caller names the documented shape of its endpoint.
    return JSON.parse(reply.body.toString('utf8')) as T;
  }

  /** Runs a command in a running container, its output to `output` as it comes; resolves with its exit code. */
  async exec(containerId: string, spec: ExecSpec, output: OutputSink, signal?: AbortSignal): Promise<number> {
    const created = await this.json<{ Id: string }>(
      'POST',
      `/containers/${encodeURIComponent(containerId)}/exec`,
      {
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        Env: spec.env,
        WorkingDir: spec.workdir ?? '',
        Cmd: spec.command,
      },
    );
    const execId = created?.Id ?? '';
    const feed = frameReader((name, payload) => output[name](payload));
    await this.request('POST', `/exec/${execId}/start`, { Detach: false, Tty: false }, [], feed, signal);
    // Stopped from here: the process may still run, and its exit code is not waited for.
    if (signal?.aborted)
      throw new EngineError(`the exec in container ${containerId} was stopped before it ended`);
    return this.execExitCode(execId).catch((error: Error) => {
      // The output ended but the daemon no longer knows the exec: it stopped or restarted meanwhile.
      throw new Error(`the exec in container ${containerId} ended without an exit code: ${error.message}`, {
        cause: error,
      });
    });
  }

  /**
   * Runs a created container as `docker run` does once it has created it: attaches to it (output to
   * `output` as it comes, demultiplexed unless it has a TTY; an attached stdin gets EOF at once, as from a
   * closed stdin), waits for its next exit from before it starts, starts it. Resolves with its exit code
   * once its output has ended too; removal is left to the container's AutoRemove.
   */
  async runAttached(containerId: string, attach: AttachSpec, output: OutputSink): Promise<number> {
    const version = await this.version();
    if (version !== WAIT_CONDITION_VERSION && olderVersion(version, WAIT_CONDITION_VERSION) === version)
      throw new EngineError(
        `the docker daemon speaks API ${version}; a container step needs ${WAIT_CONDITION_VERSION} (Docker 17.06) or newer: upgrade Docker on this runner`,
      );
    const target = `/containers/${encodeURIComponent(containerId)}`;
    const flags = `stdin=${+attach.stdin}&stdout=${+attach.stdout}&stderr=${+attach.stderr}`;
    // Ends both streams when anything fails: a container that never starts would never end them.
    const stop = new AbortController();
    const answer: Buffer[] = [];
    let answerSize = 0;
    // The wait first: it must be in place before the container can end.
    const waited = this.openStream(
      `${target}/wait?condition=next-exit`,
      (chunk) => {
        answerSize += chunk.length;
        if (answerSize <= MAX_WAIT_ANSWER) answer.push(chunk);
      },
      { signal: stop.signal },
    );
    const attached = this.openStream(
      `${target}/attach?stream=1&${flags}`,
      attach.tty ? output.stdout : frameReader((name, payload) => output[name](payload)),
      { endInput: attach.stdin, signal: stop.signal, upgrade: true },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new EngineError(
              `the docker daemon did not attach to container ${containerId} in ${REQUEST_TIMEOUT_MS / 1000} s`,
            ),
          ),
        REQUEST_TIMEOUT_MS,
      );
    });
    try {
      // Bounded: the container's run is not, but the daemon's answers that it attached and waits are.
      // podman answers a wait only once the container has ended: waiting for that answer before the
      // start would wait forever, so there the attach's answer (the wait was sent before it) must do.
      const heads = Promise.all([attached.head, ...(this.answersAsLibpod ? [] : [waited.head])]);
      heads.catch(() => undefined); // a failure also ends `done`, awaited below
      await Promise.race([heads, late]).finally(() => clearTimeout(timer));
      await this.json('POST', `${target}/start`);
      await Promise.all([attached.done, waited.done]);
    } catch (error) {
      stop.abort();
      await Promise.allSettled([attached.done, waited.done]);
      throw error;
    }
    return exitCodeOf(containerId, Buffer.concat(answer));
  }

  /**
   * A container's logs (both streams, as `docker logs --details` shows them), demultiplexed unless it has a
   * TTY, to `onChunk` as they come: a service can log gigabytes, so nothing here keeps them.
   */
  async logs(containerId: string, tty: boolean, onChunk: (chunk: Buffer) => void): Promise<void> {
    await this.request(
      'GET',
      `/containers/${encodeURIComponent(containerId)}/logs?stdout=1&stderr=1&details=1`,
      undefined,
      [],
      tty ? onChunk : frameReader((_, payload) => onChunk(payload)),
    );
  }

  /**
   * Calls `onEvent` for each event matching `filters` (the /events filter syntax) from now on, until the
   * returned function is called. A watch that breaks only stops calling: callers poll as well.
   */
  watchEvents(filters: Record<string, string[]>, onEvent: () => void): () => void {
    const stop = new AbortController();
    const query = encodeURIComponent(JSON.stringify(filters));
    this.request('GET', `/events?filters=${query}`, undefined, [], () => onEvent(), stop.signal).catch(
      (error: Error) => this.log.debug(`docker engine: event watch ended: ${error.message}`),
    );
    return () => stop.abort();
  }

  private async execExitCode(execId: string): Promise<number> {
    // The stream ends when the process's output does; its exit code is recorded a moment later.
    for (let waited = 0; waited < EXEC_EXIT_WAIT_MS; waited += EXEC_EXIT_POLL_MS) {
      const state = await this.json<{ Running: boolean; ExitCode: number | null }>(
        'GET',
        `/exec/${execId}/json`,
      );
      if (state && !state.Running && state.ExitCode !== null) return state.ExitCode;
      await new Promise((resolve) => setTimeout(resolve, EXEC_EXIT_POLL_MS));
    }
    throw new EngineError(
      `exec ${execId} still reports running ${EXEC_EXIT_WAIT_MS / 1000} s after its output ended`,
    );
  }

  /**
   * A POST whose 2xx answer streams to `onBody`, with no time limit (a step runs as long as it runs).
   * `upgrade`: asks for the connection as the docker CLI does for an attach (101 Switching Protocols), which
   * podman answers at once where it answers a plain attach only once the container has started.
   */
  private openStream(
    path: string,
    onBody: (chunk: Buffer) => void,
    options: { endInput?: boolean; signal: AbortSignal; upgrade?: boolean },
  ): OpenStream {
    let headCame: () => void = () => undefined;
    const head = new Promise<void>((resolve) => (headCame = resolve));
    const upgrade = options.upgrade ? { headers: { Connection: 'Upgrade', Upgrade: 'tcp' } } : {};
    const done = this.request('POST', path, undefined, [SWITCHING_PROTOCOLS], onBody, options.signal, {
      onHead: () => headCame(),
      endInput: options.endInput,
      ...upgrade,
    });
    return { head: Promise.race([head, done.then(() => undefined)]), done };
  }

  private async request(
    method: Method,
    path: string,
    body?: object,
    allow: number[] = [],
    onBody?: (chunk: Buffer) => void,
    signal?: AbortSignal,
    stream: Pick<EngineRequest, 'onHead' | 'endInput' | 'headers'> = {},
  ): Promise<EngineReply> {
    const reply = await this.send({
      method,
      path: `/v${await this.version()}${path}`,
      body,
      onBody,
      timeoutMs: onBody ? null : REQUEST_TIMEOUT_MS,
      signal,
      ...stream,
    });
    if ((reply.status >= 200 && reply.status < 300) || allow.includes(reply.status)) return reply;
    throw new EngineError(
      `docker engine ${method} ${path.split('?')[0]}: ${daemonMessageOf(reply)} (HTTP ${reply.status})`,
    );
  }

  /**
   * A request whose answer streams (an image pull's progress): 2xx body chunks go to `onBody` as they
   * come, with no time limit but `signal`; any other answer is returned whole for the caller to read.
   */
  async stream(
    method: Method,
    path: string,
    options: { headers?: Record<string, string>; onBody: (chunk: Buffer) => void; signal?: AbortSignal },
  ): Promise<EngineReply> {
    return this.send({ method, path: `/v${await this.version()}${path}`, timeoutMs: null, ...options });
  }

  /**
   * The API version spoken: the daemon's or ours, whichever is older; asked once per hook call, unless the
   * job's state already carries it.
   */
  version(): Promise<string> {
    this.negotiated ??= this.send({ method: 'GET', path: '/_ping', timeoutMs: REQUEST_TIMEOUT_MS }).then(
      (reply) => olderVersion(reply.headers['api-version'] ?? '1.24', NEWEST_KNOWN_VERSION),
    );
    return this.negotiated;
  }

  private async send(request: EngineRequest): Promise<EngineReply> {
    const started = Date.now();
    const reply = await exchange(this.connection, request);
    if (reply.headers['libpod-api-version']) this.answersAsLibpod = true;
    this.log.debug(
      `docker engine ${request.method} ${request.path} (${reply.status}, ${Date.now() - started} ms)`,
    );
    return reply;
  }
}

/** What the daemon said in a failed answer: its JSON `message`, else the text. */
export function daemonMessageOf(reply: EngineReply): string {
  const text = reply.body.toString('utf8').trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (isJsonObject(parsed) && typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the text is the message
  }
  return text;
}

/** The exit code in a wait's answer (`{"StatusCode": 0, "Error": null}`). */
export function exitCodeOf(containerId: string, answer: Buffer): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.toString('utf8'));
  } catch {
    parsed = null;
  }
  const error = isJsonObject(parsed) && isJsonObject(parsed.Error) ? parsed.Error.Message : undefined;
  if (typeof error === 'string' && error !== '')
    throw new EngineError(`waiting for container ${containerId} failed: ${error}`);
  const code = isJsonObject(parsed) ? parsed.StatusCode : undefined;
  if (typeof code !== 'number' || !Number.isInteger(code))
    throw new EngineError(`container ${containerId} ended without an exit code from the docker daemon`);
  return code;
}

/** The older of two API versions ("1.41" vs "1.47"). */
export function olderVersion(a: string, b: string): string {
  const parts = (version: string) => version.split('.').map(Number);
  const [aMajor = 0, aMinor = 0] = parts(a);
  const [bMajor = 0, bMinor = 0] = parts(b);
  return aMajor < bMajor || (aMajor === bMajor && aMinor < bMinor) ? a : b;
}
