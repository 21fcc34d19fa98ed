// API calls through an HTTP proxy (CONNECT), as HTTP_PROXY/HTTPS_PROXY ask; loopback goes direct. The
// API's host name exists only for the proxy, which sends its tunnels to the emulator: a success proves
// the call went through it. Tunnels to any other host are refused, which shows, without any traffic to
// AWS, which endpoint the helper chose for each kind of ECR host.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import { helperEnv, helperGet } from '../support/ecr-login';
import { loadSecrets, loadStack } from '../support/stack';
import { removeTempDirs } from '../support/temp';

afterAll(removeTempDirs);

const stack = loadStack();
const API_HOST = 'ecr-api.dockhand.invalid:8080';
let emulator: EcrEmulator;
let proxy: Server;
let proxyUrl = '';
const tunnels: string[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  emulator = await startEcrEmulator({ password: loadSecrets(stack).ecrPassword });
  proxy = createServer((client) => {
    sockets.push(client);
    client.once('data', (head: Buffer) => {
      const target = /^CONNECT (\S+) HTTP/.exec(head.toString())?.[1];
      if (!target) return client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
      tunnels.push(target);
      if (target !== API_HOST) return client.end('HTTP/1.1 403 Forbidden\r\n\r\n'); // no real AWS here
      const upstream = connect(emulator.port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        client.pipe(upstream).pipe(client);
      });
      sockets.push(upstream);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => proxy.close(resolve));
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  tunnels.length = 0;
});

test('HTTP_PROXY carries the API call to a host only the proxy knows', async () => {
  const env = helperEnv(`http://${API_HOST}`, [], { HTTP_PROXY: proxyUrl });
  const result = await helperGet(env, stack.registries.ecrUsEast1);
  expect([result.code, result.stderr]).toEqual([0, '']);
  expect(tunnels).toEqual([API_HOST]);
  expect(emulator.requests).toHaveLength(1);
});

test('lower-case http_proxy works too; a loopback endpoint goes direct', async () => {
  const viaProxy = await helperGet(
    helperEnv(`http://${API_HOST}`, [], { http_proxy: proxyUrl }),
    stack.registries.ecrEuWest1,
  );
  expect(viaProxy.code).toBe(0);
  const direct = await helperGet(
    helperEnv(emulator.url, [], { HTTP_PROXY: proxyUrl }),
    stack.registries.ecrEuWest1,
  );
  expect(direct.code).toBe(0);
  expect(tunnels).toEqual([API_HOST]);
  expect(emulator.requests).toHaveLength(2);
});

test.each([
  ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', 'api.ecr-fips.us-gov-west-1.amazonaws.com:443'],
  ['123456789012.dkr.ecr.us-east-1.amazonaws.com', 'api.ecr.us-east-1.amazonaws.com:443'],
  ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'api.ecr.cn-north-1.amazonaws.com.cn:443'],
  ['public.ecr.aws', 'api.ecr-public.us-east-1.amazonaws.com:443'],
])('%s is asked at %s', async (registry, apiHost) => {
  const env = helperEnv('', [], {
    AWS_ENDPOINT_URL_ECR: undefined,
    AWS_ENDPOINT_URL_ECR_PUBLIC: undefined,
    HTTPS_PROXY: proxyUrl,
  });
  const result = await helperGet(env, registry);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^ecr-login: [^\n]+\n$/);
  expect(new Set(tunnels)).toEqual(new Set([apiHost]));
});
