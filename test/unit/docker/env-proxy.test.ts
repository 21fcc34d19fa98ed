import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addJobEnv, EnvProxyError, startEnvProxy, type EnvProxy } from '../../../src/docker/env-proxy';

describe('addJobEnv', () => {
  it('puts the job entries before the CLI entries and leaves every other byte as it was', () => {
    const body = Buffer.from('{"Image":"x","Memory":9007199254740993,"Env":["A=cli"]}\n');
    const out = addJobEnv(body, ['A=job', 'CERT=l1\nl2']).toString();
    expect(out).toBe(
      '{"Image":"x","Memory":9007199254740993,"Env":["A=cli"],"Env":["A=job","CERT=l1\\nl2","A=cli"]}',
    );
    expect(JSON.parse(out).Env).toEqual(['A=job', 'CERT=l1\nl2', 'A=cli']);
  });

  it.each([
    ['{}', '{"Env":["A=1"]}'],
    [' { } ', ' {"Env":["A=1"]}'],
    ['{"Env":null}', '{"Env":null,"Env":["A=1"]}'],
  ])('handles %j', (body, expected) => {
    expect(addJobEnv(Buffer.from(body), ['A=1']).toString()).toBe(expected);
  });

  it.each(['[]', 'null', '{"Env":', ''])('refuses a body that is no JSON object (%j)', (body) => {
    expect(() => addJobEnv(Buffer.from(body), ['A=1'])).toThrow(EnvProxyError);
  });
});

describe('the env proxy', () => {
  let dir: string;
  let proxy: EnvProxy | undefined;
  let daemon: net.Server | undefined;
  afterEach(async () => {
    await proxy?.close();
    daemon?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A stand-in daemon that records what it gets and answers `reply` to the first bytes of each connection. */
  async function relayThrough(env: string[], request: Buffer[], reply = 'HTTP/1.1 200 OK\r\n\r\n') {
    dir = mkdtempSync(path.join(tmpdir(), 'env-proxy-'));
    const received: Buffer[] = [];
    daemon = net.createServer((socket) => {
      socket.once('data', () => socket.write(reply));
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('end', () => socket.end());
    });
    const daemonPath = path.join(dir, 'daemon.sock');
    await new Promise<void>((resolve) => daemon!.listen(daemonPath, resolve));
    proxy = await startEnvProxy(
      path.join(dir, 'proxy.sock'),
      { socketPath: daemonPath, describe: 'test' },
      env,
    );
    const client = net.connect(path.join(dir, 'proxy.sock'));
    let answer = '';
    client.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const closed = new Promise((resolve) => client.on('close', resolve));
    for (const part of request) {
      client.write(part);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    client.end();
    await closed;
    return { sent: Buffer.concat(received).toString(), answer };
  }

  it('passes requests through as they are, and rewrites a create further down a kept-alive connection', async () => {
    const ping = 'HEAD /_ping HTTP/1.1\r\nHost: api.moby.localhost\r\n\r\n';
    const post = 'POST /v1.41/images/create?fromImage=x HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd';
    const chunkedCreate =
      'POST /v1.41/containers/create?name=c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5\r\n{"Ima\r\nc;ext=1\r\nge":"x","Env\r\n8\r\n":["B"]}\r\n0\r\n\r\n';
    const { sent, answer } = await relayThrough(
      ['A=job'],
      [ping, Buffer.from(post.slice(0, 60)), post.slice(60), chunkedCreate].map((part) => Buffer.from(part)),
    );
    const body = '{"Image":"x","Env":["B"],"Env":["A=job","B"]}';
    expect(sent).toBe(
      `${ping}${post}POST /v1.41/containers/create?name=c HTTP/1.1\r\nHost: h\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(answer).toBe('HTTP/1.1 200 OK\r\n\r\n');
    expect(proxy!.failure()).toBeNull();
  });

  it('passes a chunked body of another request unchanged, and everything after an upgrade as raw bytes', async () => {
    const chunked = 'POST /v1.41/build HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';
    const attach =
      'POST /containers/1/attach?stream=1 HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n';
    const raw = 'POST /containers/create HTTP/1.1\r\n\r\nnot a request any more';
    const { sent } = await relayThrough(
      ['A=job'],
      [chunked, attach, raw].map((part) => Buffer.from(part)),
    );
    expect(sent).toBe(chunked + attach + raw);
  });

  it('refuses a create body over its bound, and says so', async () => {
    const huge = 'POST /containers/create HTTP/1.1\r\nContent-Length: 5000000\r\n\r\n';
    const { sent } = await relayThrough(['A=job'], [Buffer.from(huge), Buffer.alloc(4_200_000, 32)]);
    expect(sent).toBe('');
    expect(proxy!.failure()?.message).toBe("the docker CLI's container config is over 4194304 bytes");
  });

  it('breaks the connection on a request it cannot frame, and says why', async () => {
    const bad = 'POST /containers/create HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n';
    const { sent } = await relayThrough(['A=job'], [Buffer.from(bad)]);
    expect(sent).toBe('');
    expect(proxy!.failure()?.message).toBe('a request from the docker CLI has a bad chunk size');
  });

  it('refuses a socket path too long for a unix socket, with what to do', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'env-proxy-'));
    await expect(
      startEnvProxy(path.join(dir, 'x'.repeat(120)), { socketPath: '/nowhere', describe: 'test' }, []),
    ).rejects.toThrow(/set HOOK_PRIVATE_DIR to a shorter folder/);
  });
});
