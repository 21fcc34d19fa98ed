// A forwarding proxy between one docker CLI call (`docker create`, `docker run`) and the daemon, so that a
// job's variables reach the container without ever being in a host process's environment: the CLI parses
// the workflow's `options:` as it always does, and the proxy adds the job's variables to the `Env` of the
// CLI's `POST /containers/create` bodies. Every other byte, both ways, passes unchanged: the answers are
// piped as they come (streams, chunked bodies, a hijacked attach), and the requests are only read far
// enough to know where each one ends, so that a create further down a kept-alive connection is found.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { messageOf } from '../protocol/errors';
import { openEngineConnection, type EngineConnection } from './engine-http';

/** The longest unix socket path Linux takes (sun_path is 108 bytes, with its NUL). */
const MAX_SOCKET_PATH = 107;
const MAX_HEAD = 64 * 1024;
/** A create body is the container's config: far below this even with a large `options:`. */
const MAX_CREATE_BODY = 4 * 1024 * 1024;
/** From a create's head to the end of its body: the CLI writes it in one go. */
const CREATE_BODY_TIMEOUT_MS = 30_000;

const CREATE_PATH = /^\/(v\d+(\.\d+)*\/)?containers\/create(\?|$)/;
const HEAD_END = Buffer.from('\r\n\r\n');
const LINE_END = Buffer.from('\r\n');

export class EnvProxyError extends Error {
  override name = 'EnvProxyError';
}

export interface EnvProxy {
  /** What the CLI's DOCKER_HOST is set to. */
  host: string;
  /** The first thing that went wrong between the CLI and the daemon, if anything did. */
  failure(): EnvProxyError | null;
  close(): Promise<void>;
}

/**
 * Adds `env` (NAME=value entries) to a create body, ahead of the CLI's own entries so that `-e` in the
 * workflow's options still wins, as with the runner (whose options come last). The body is not parsed and
 * re-written, which would round large integers (memory limits, ulimits): the merged list is appended as a
 * second "Env" key, and the daemon's JSON decoder (Go's) keeps the last of duplicate keys.
 */
export function addJobEnv(body: Buffer, env: readonly string[]): Buffer {
  const text = body.toString('utf8');
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw new EnvProxyError('the docker CLI sent a container config that is not JSON');
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new EnvProxyError('the docker CLI sent a container config that is not a JSON object');
  const own = 'Env' in config ? config.Env : undefined;
  // The CLI's own entries go on as they came; the daemon judges them, as without the proxy.
  const merged: unknown[] = [...env, ...(Array.isArray(own) ? own : [])];
  const open = text.trimEnd().slice(0, -1).trimEnd();
  return Buffer.from(`${open}${open.endsWith('{') ? '' : ','}"Env":${JSON.stringify(merged)}}`);
}

interface Head {
  raw: Buffer;
  method: string;
  target: string;
  headers: Array<[string, string]>;
}

function parseRequestHead(raw: Buffer): Head {
  const [requestLine = '', ...lines] = raw.toString('latin1').split('\r\n');
  const [method = '', target = ''] = requestLine.split(' ');
  const headers = lines.flatMap((line): Array<[string, string]> => {
    const colon = line.indexOf(':');
    return colon > 0 ? [[line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]] : [];
  });
  return { raw, method, target, headers };
}

const headerOf = (head: Head, name: string) => head.headers.find(([key]) => key === name)?.[1];

/** The create's head with the body's new length, and without a chunked framing that no longer applies. */
function rewrittenHead(head: Head, length: number): Buffer {
  const lines = head.raw.toString('latin1').split('\r\n');
  const kept = lines.filter((line, index) => {
    const name = line.slice(0, line.indexOf(':')).trim().toLowerCase();
    return index === 0 || (line !== '' && name !== 'content-length' && name !== 'transfer-encoding');
  });
  return Buffer.from([...kept, `Content-Length: ${length}`, '', ''].join('\r\n'), 'latin1');
}

type Body =
  | { framing: 'length'; left: number }
  | { framing: 'chunked'; phase: 'size' | 'data' | 'data-end' | 'trailer'; left: number };

/**
 * The CLI-to-daemon half of one connection: requests go through as they come, creates once their body is
 * complete and rewritten; after a request that upgrades the connection (attach), bytes go as they are.
 */
class RequestRelay {
  private pending: Buffer = Buffer.alloc(0);
  private head: Head | null = null;
  private body: Body | null = null;
  /** The decoded body of a create, while it is being read. */
  private create: Buffer[] | null = null;
  private createSize = 0;
  private createTimer: NodeJS.Timeout | undefined;
  private upgraded = false;

  constructor(
    private readonly env: readonly string[],
    private readonly forward: (bytes: Buffer) => void,
    private readonly fail: (error: EnvProxyError) => void,
  ) {}

  feed(chunk: Buffer): void {
    if (this.upgraded) return this.forward(chunk);
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    try {
      while (this.step());
    } catch (error) {
      this.stop();
      this.fail(
        error instanceof EnvProxyError ? error : new EnvProxyError(messageOf(error), { cause: error }),
      );
    }
  }

  stop(): void {
    clearTimeout(this.createTimer);
  }

  /** Handles what `pending` holds enough of; false when it needs more bytes. */
  private step(): boolean {
    if (this.upgraded) {
      if (this.pending.length) this.forward(this.take(this.pending.length));
      return false;
    }
    if (!this.head) return this.readHead();
    if (this.body?.framing === 'length') return this.readCounted(this.body, () => (this.body = null));
    if (this.body?.framing === 'chunked') return this.readChunked(this.body);
    this.endRequest(this.head);
    return true;
  }

  private readHead(): boolean {
    const end = this.pending.indexOf(HEAD_END);
    if (end < 0) {
      if (this.pending.length > MAX_HEAD)
        throw new EnvProxyError('a request head from the docker CLI is too long');
      return false;
    }
    const head = parseRequestHead(this.take(end + HEAD_END.length));
    this.head = head;
    const chunked = /chunked/i.test(headerOf(head, 'transfer-encoding') ?? '');
    const length = Number(headerOf(head, 'content-length') ?? 0);
    if (!chunked && !(Number.isSafeInteger(length) && length >= 0))
      throw new EnvProxyError(`a request from the docker CLI has a bad Content-Length`);
    this.body = chunked
      ? { framing: 'chunked', phase: 'size', left: 0 }
      : { framing: 'length', left: length };
    if (head.method === 'POST' && CREATE_PATH.test(head.target)) {
      this.create = [];
      this.createSize = 0;
      this.createTimer = setTimeout(() => {
        this.fail(
          new EnvProxyError(
            `the docker CLI did not send its container config in ${CREATE_BODY_TIMEOUT_MS / 1000} s`,
          ),
        );
      }, CREATE_BODY_TIMEOUT_MS);
    } else {
      this.forward(head.raw);
    }
    return true;
  }

  /** Body data up to `counted.left` bytes; `done` once there is none left. */
  private readCounted(counted: { left: number }, done: () => void): boolean {
    if (counted.left === 0) {
      done();
      return true;
    }
    if (this.pending.length === 0) return false;
    const bytes = this.take(Math.min(counted.left, this.pending.length));
    counted.left -= bytes.length;
    this.passBody(bytes, bytes);
    return true;
  }

  private readChunked(body: Extract<Body, { framing: 'chunked' }>): boolean {
    if (body.phase === 'data') return this.readCounted(body, () => (body.phase = 'data-end'));
    const end = this.pending.indexOf(LINE_END);
    if (end < 0) {
      if (this.pending.length > MAX_HEAD)
        throw new EnvProxyError('a chunk line from the docker CLI is too long');
      return false;
    }
    const line = this.take(end + LINE_END.length);
    this.passBody(line, null);
    if (body.phase === 'data-end') {
      body.phase = 'size';
    } else if (body.phase === 'size') {
      const size = parseInt(line.toString('latin1').split(';')[0] ?? '', 16);
      if (!Number.isSafeInteger(size) || size < 0)
        throw new EnvProxyError('a request from the docker CLI has a bad chunk size');
      body.left = size;
      body.phase = size === 0 ? 'trailer' : 'data';
    } else if (line.length === LINE_END.length) {
      // The empty line after the last chunk (and any trailers) ends the body.
      this.body = null;
    }
    return true;
  }

  /** Body bytes: forwarded as they are, or (a create's) kept, decoded, for the rewrite. */
  private passBody(raw: Buffer, data: Buffer | null): void {
    if (!this.create) return this.forward(raw);
    if (!data) return;
    this.createSize += data.length;
    if (this.createSize > MAX_CREATE_BODY)
      throw new EnvProxyError(`the docker CLI's container config is over ${MAX_CREATE_BODY} bytes`);
    this.create.push(data);
  }

  private endRequest(head: Head): void {
    if (this.create) {
      this.stop();
      const body = addJobEnv(Buffer.concat(this.create), this.env);
      this.forward(Buffer.concat([rewrittenHead(head, body.length), body]));
      this.create = null;
    }
    // A request that asks for an upgrade (attach) hands the connection over to the raw stream.
    this.upgraded = headerOf(head, 'upgrade') !== undefined;
    this.head = null;
  }

  private take(count: number): Buffer {
    const bytes = this.pending.subarray(0, count);
    this.pending = this.pending.subarray(count);
    return bytes;
  }
}

/**
 * Listens on `socketPath` (in a 0700 folder: only the runner's user can connect) and relays each
 * connection to a connection of its own to the daemon, adding `env` to container creates.
 */
export async function startEnvProxy(
  socketPath: string,
  upstream: EngineConnection,
  env: readonly string[],
): Promise<EnvProxy> {
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH)
    throw new EnvProxyError(
      `the socket path ${socketPath} is longer than a unix socket path can be; set HOOK_PRIVATE_DIR to a shorter folder`,
    );
  let failure: EnvProxyError | null = null;
  const open = new Set<Duplex>();
  const track = (stream: Duplex) => {
    open.add(stream);
    stream.on('close', () => open.delete(stream));
  };
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    track(client);
    const daemon = openEngineConnection(upstream, { allowHalfOpen: true });
    track(daemon.socket);
    const broken = (error: EnvProxyError) => {
      failure ??= error;
      relay.stop();
      client.destroy();
      daemon.socket.destroy();
    };
    const relay = new RequestRelay(
      env,
      (bytes) => {
        if (!daemon.socket.write(bytes)) client.pause();
      },
      broken,
    );
    daemon.socket.on('drain', () => client.resume());
    client.on('data', (chunk: Buffer) => relay.feed(chunk));
    client.on('end', () => daemon.socket.end());
    client.on('error', () => daemon.socket.destroy());
    client.on('close', () => relay.stop());
    daemon.socket.pipe(client);
    daemon.socket.on('error', (error: Error) =>
      broken(
        new EnvProxyError(
          `cannot reach the docker daemon (${upstream.describe}): ${daemon.stderr() || error.message}`,
          { cause: error },
        ),
      ),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    host: `unix://${socketPath}`,
    failure: () => failure,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of open) stream.destroy();
        server.close(() => resolve());
      }),
  };
}
