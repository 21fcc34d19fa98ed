// One HTTP exchange with the Docker daemon over a fresh connection. HTTP/1.0 on purpose: the daemon (Go's
// net/http) then answers without chunked encoding and closes the connection after the answer, so a
// response is simply "head, blank line, body until the end"; a hijacked exec stream looks the same. This
// replaces node:http because the first request through node:http costs ~30 ms in a fresh Node process
// (measured on the CI machines; the raw socket costs ~10 ms), and the hook is a fresh process per step.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { ProcessStream } from '../exec';

/** How to open a connection: a unix socket, or some other stream (e.g. `docker system dial-stdio`). */
export type EngineConnection =
  { socketPath: string; describe: string } | { open: () => ProcessStream; describe: string };

export interface EngineRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: object;
  /** Extra request headers (an image pull's X-Registry-Auth); never logged. */
  headers?: Record<string, string>;
  /** Body chunks of a 2xx answer go here as they arrive instead of being collected (a live stream). */
  onBody?: (chunk: Buffer) => void;
  /**
   * Called when a 2xx answer's head has come: the daemon sends it once what the stream carries is in
   * place (an attach's streams, a wait's waiter), so that the container can be started without a race.
   */
  onHead?: () => void;
  /** Ends the request's side of the connection once the head has come: EOF on an attached stdin. */
  endInput?: boolean;
  /** null = no limit (a step's exec runs as long as it runs). */
  timeoutMs: number | null;
  /** Ends an answer that would not end by itself (an event stream): the exchange resolves with what came. */
  signal?: AbortSignal;
}

export interface EngineReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export class EngineUnreachableError extends Error {
  override name = 'EngineUnreachableError';
}

const HEAD_END = Buffer.from('\r\n\r\n');
/** A head bigger than this is not the daemon talking. */
const MAX_HEAD = 64 * 1024;

export function exchange(connection: EngineConnection, request: EngineRequest): Promise<EngineReply> {
  const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
  const extra = Object.entries(request.headers ?? {}).map(([name, value]) => `${name}: ${value}`);
  // A line break in a header would start another header or the body: refused, never sent.
  if (extra.some((line) => /[\r\n]/.test(line)))
    return Promise.reject(new Error(`a header of ${request.method} ${request.path} has a line break`));
  const head = [
    `${request.method} ${request.path} HTTP/1.0`,
    'Host: docker',
    ...extra,
    ...(payload ? ['Content-Type: application/json', `Content-Length: ${payload.length}`] : []),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const { socket, stderr } = openEngineConnection(connection);
    let pending: Buffer = Buffer.alloc(0);
    let reply: EngineReply | null = null;
    const bodyChunks: Buffer[] = [];
    let settled = false;
    /** Ends the exchange once; false when it had already ended. */
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      // The signal may be shared by many requests (the health wait's early checks): each takes its
      // listener off again, or past ten of them Node prints a MaxListenersExceededWarning into the job log.
      request.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      return true;
    };
    const fail = (error: Error) => {
      if (!settle()) return;
      const detail = stderr() || error.message;
      reject(
        reply
          ? new Error(
              `the answer of the docker daemon to ${request.method} ${request.path} broke off: ${detail}`,
              {
                cause: error,
              },
            )
          : new EngineUnreachableError(`cannot reach the docker daemon (${connection.describe}): ${detail}`, {
              cause: error,
            }),
      );
    };
    const timer =
      request.timeoutMs === null
        ? undefined
        : setTimeout(() => fail(new Error(`no answer in ${request.timeoutMs! / 1000} s`)), request.timeoutMs);
    const takeBody = (chunk: Buffer) => {
      if (chunk.length === 0) return;
      if (request.onBody && reply && reply.status < 300) request.onBody(chunk);
      else bodyChunks.push(chunk);
    };
    socket.on('data', (chunk: Buffer) => {
      if (reply) return takeBody(chunk);
      pending = Buffer.concat([pending, chunk]);
      const end = pending.indexOf(HEAD_END);
      if (end < 0) {
        if (pending.length > MAX_HEAD) fail(new Error('the answer has no end of headers'));
        return;
      }
      reply = parseHead(pending.subarray(0, end).toString('latin1'));
      if (reply.status < 300) {
        if (request.endInput) socket.end();
        request.onHead?.();
      }
      takeBody(pending.subarray(end + HEAD_END.length));
    });
    socket.on('error', (error: Error) => fail(error));
    // The daemon closing its side ends the answer.
    socket.on('end', () => {
      clearTimeout(timer);
      if (!reply) return fail(new Error('the connection closed before an answer'));
      if (settled) return;
      const body = Buffer.concat(bodyChunks);
      // A body shorter than announced is a connection lost midway, never an answer to act on.
      const announced = Number(reply.headers['content-length'] ?? body.length);
      if (body.length < announced)
        return fail(new Error(`the answer was cut short (${body.length} of ${announced} bytes)`));
      settle();
      resolve({ ...reply, body });
    });
    socket.on('close', () => {
      clearTimeout(timer);
      fail(new Error('the connection closed before the answer ended'));
    });
    function onAbort() {
      if (settle()) resolve({ ...(reply ?? { status: 0, headers: {} }), body: Buffer.concat(bodyChunks) });
    }
    request.signal?.addEventListener('abort', onAbort, { once: true });
    // The request goes in one write; the connection stays open for the answer (the daemon closes it).
    socket.write(payload ? Buffer.concat([Buffer.from(head), payload]) : head);
  });
}

/** One new connection to the daemon; `allowHalfOpen` keeps it writable after the daemon's side ended. */
export function openEngineConnection(
  connection: EngineConnection,
  options: { allowHalfOpen?: boolean } = {},
): { socket: Duplex; stderr: () => string } {
  if ('socketPath' in connection)
    return { socket: net.connect({ path: connection.socketPath, ...options }), stderr: () => '' };
  const opened = connection.open();
  return { socket: opened.stream, stderr: opened.stderr };
}

function parseHead(text: string): EngineReply {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number.isInteger(status) ? status : 0, headers, body: Buffer.alloc(0) };
}
