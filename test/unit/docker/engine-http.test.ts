// The HTTP/1.0 exchange against a scripted unix-socket peer, for what a real daemon will not do on demand
// (split heads, closing early, not being there). Talking to the real daemon is tested end to end.
import { getEventListeners } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exchange, EngineUnreachableError } from '../../../src/docker/engine-http';
import { makeTempDir, removeTempDirs } from '../../support/temp';

afterAll(removeTempDirs);

/** A peer that records the request and answers with `chunks`, one write each, then closes. */
async function peer(
  chunks: string[],
): Promise<{ socketPath: string; received: () => string; close: () => void }> {
  const socketPath = path.join(makeTempDir('dockhand-engine-http-'), 'docker.sock');
  let received = '';
  const server = net.createServer((socket) => {
    socket.on('data', async (data) => {
      received += data.toString('latin1');
      if (!received.includes('\r\n\r\n')) return;
      for (const chunk of chunks) {
        socket.write(chunk);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return { socketPath, received: () => received, close: () => server.close() };
}

describe('engine HTTP exchange', () => {
  it('sends one HTTP/1.0 request with its JSON body and reads an answer split anywhere', async () => {
    const daemon = await peer(['HTTP/1.1 201 Cre', 'ated\r\nApi-Version: 1.41\r', '\n\r\n{"Id":', '"abc"}']);
    const reply = await exchange(
      { socketPath: daemon.socketPath, describe: 'test' },
      { method: 'POST', path: '/v1.41/x', body: { Cmd: ['sh'] }, timeoutMs: 5000 },
    );
    daemon.close();
    expect(reply.status).toBe(201);
    expect(reply.headers['api-version']).toBe('1.41');
    expect(reply.body.toString()).toBe('{"Id":"abc"}');
    expect(daemon.received()).toBe(
      'POST /v1.41/x HTTP/1.0\r\nHost: docker\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{"Cmd":["sh"]}',
    );
  });

  it('streams the body of a 2xx answer as it comes, and collects an error answer', async () => {
    const daemon = await peer(['HTTP/1.1 200 OK\r\n\r\none', 'two']);
    const streamed: string[] = [];
    const ok = await exchange(
      { socketPath: daemon.socketPath, describe: 'test' },
      { method: 'POST', path: '/s', timeoutMs: null, onBody: (chunk) => streamed.push(chunk.toString()) },
    );
    expect(streamed.join('')).toBe('onetwo');
    expect(ok.body.length).toBe(0);
    daemon.close();
    const failing = await peer(['HTTP/1.1 409 Conflict\r\n\r\n{"message":"not running"}']);
    const refused = await exchange(
      { socketPath: failing.socketPath, describe: 'test' },
      { method: 'POST', path: '/s', timeoutMs: null, onBody: () => expect.fail('an error is not streamed') },
    );
    failing.close();
    expect(refused.status).toBe(409);
    expect(refused.body.toString()).toContain('not running');
  });

  it('names the daemon it could not reach, and why', async () => {
    const socketPath = path.join(makeTempDir('dockhand-engine-http-'), 'absent.sock');
    const attempt = exchange(
      { socketPath, describe: `unix://${socketPath}` },
      { method: 'GET', path: '/_ping', timeoutMs: 5000 },
    );
    await expect(attempt).rejects.toThrow(EngineUnreachableError);
    await expect(attempt).rejects.toThrow(
      `cannot reach the docker daemon (unix://${socketPath}): connect ENOENT`,
    );
  });

  it.each([
    ['closes before answering', 'HTTP/1.1 2', 'the connection closed before an answer'],
    [
      'answers shorter than its Content-Length',
      'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n[{"Id"',
      'the answer was cut short (6 of 10 bytes)',
    ],
  ])('fails when the peer %s', async (_, answer, error) => {
    const daemon = await peer([answer]);
    await expect(
      exchange(
        { socketPath: daemon.socketPath, describe: 'test' },
        { method: 'GET', path: '/', timeoutMs: 5000 },
      ),
    ).rejects.toThrow(error);
    daemon.close();
  });

  it('says when a 2xx head has come, and then ends its side when asked (EOF on an attached stdin)', async () => {
    // A peer that sends the head, and the body only once the client's side has ended.
    const socketPath = path.join(makeTempDir('dockhand-engine-http-'), 'docker.sock');
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\n\r\n'));
      socket.on('end', () => socket.end('input ended'));
      socket.resume();
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const seen: string[] = [];
    try {
      const reply = await exchange(
        { socketPath, describe: 'test' },
        {
          method: 'POST',
          path: '/attach',
          timeoutMs: 5000,
          endInput: true,
          onHead: () => seen.push('head'),
          onBody: (chunk) => seen.push(chunk.toString()),
        },
      );
      expect(reply.status).toBe(200);
    } finally {
      server.close();
    }
    expect(seen).toEqual(['head', 'input ended']);
  });

  it('leaves no listener on a signal shared by many requests (the health wait shares one)', async () => {
    const daemon = await peer(['HTTP/1.1 200 OK\r\n\r\n{}']);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const shared = new AbortController();
    try {
      for (let request = 0; request < 12; request++)
        await exchange(
          { socketPath: daemon.socketPath, describe: 'test' },
          { method: 'GET', path: '/', timeoutMs: 5000, signal: shared.signal },
        );
      // Warnings are emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
      daemon.close();
    }
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
