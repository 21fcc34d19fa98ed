// With no AWS credentials anywhere and an instance-metadata endpoint that accepts connections but never
// answers, `get` gives up by itself (bounded metadata timeouts) and says what is missing.
import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { helperEnv, helperGet } from '../support/ecr-login';
import { loadStack } from '../support/stack';

let silent: Server;
const sockets: Socket[] = [];
let port = 0;

beforeAll(async () => {
  silent = createServer((socket) => sockets.push(socket)); // accepts, never answers
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  port = (silent.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

test('no credentials: not found on stdout, one reason line on stderr, the metadata endpoint was tried', async () => {
  const env = helperEnv('http://127.0.0.1:9', [], {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_EC2_METADATA_DISABLED: undefined,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${port}`,
  });
  // Empty shared config and credentials files: the profile providers find nothing either.
  mkdirSync(path.join(env.HOME!, '.aws'));
  const result = await helperGet(env, loadStack().registries.ecrUsEast1);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('credentials not found in native keychain\n');
  expect(result.stderr).toMatch(
    /^ecr-login: no AWS credentials found \(tried env, profile, web identity, container, instance metadata\): [^\n]*\n$/,
  );
  expect(sockets.length).toBeGreaterThan(0);
});
