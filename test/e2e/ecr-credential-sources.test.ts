// AWS credentials from where runners usually get them: EC2 instance metadata (IMDSv2) and ECS/EKS container
// credentials, each served by a small local endpoint. The identity they hand out is what the emulator sees
// and what names the cache entry: a second `get` calls the metadata endpoint again, not the ECR API.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import { helperEnv, helperGet } from '../support/ecr-login';
import { loadSecrets, loadStack } from '../support/stack';
import { removeTempDirs } from '../support/temp';

afterAll(removeTempDirs);

const stack = loadStack();
let emulator: EcrEmulator;
let metadata: Server;
let metadataUrl = '';
const metadataRequests: string[] = [];

const credentials = (accessKeyId: string) => ({
  Code: 'Success',
  AccessKeyId: accessKeyId,
  SecretAccessKey: 'metadata-secret',
  Token: 'metadata-session-token',
  Expiration: new Date(Date.now() + 3600e3).toISOString(),
});

beforeAll(async () => {
  emulator = await startEcrEmulator({ password: loadSecrets(stack).ecrPassword });
  // IMDSv2 (token, role name, role credentials) and a container credentials path, on one listener.
  metadata = createServer((req, res) => {
    metadataRequests.push(`${req.method} ${req.url}`);
    const send = (body: string | object): void => {
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method === 'PUT' && req.url === '/latest/api/token') return send('imds-token');
    if (req.url === '/latest/meta-data/iam/security-credentials/') return send('runner-role');
    if (req.url === '/latest/meta-data/iam/security-credentials/runner-role')
      return send(credentials('ASIAINSTANCEROLE'));
    if (req.url === '/container/credentials') return send(credentials('ASIACONTAINERROLE'));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve));
  metadataUrl = `http://127.0.0.1:${(metadata.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => metadata.close(resolve));
  await emulator.close();
});
beforeEach(() => {
  emulator.reset();
  metadataRequests.length = 0;
});

const withoutKeys = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined };

test('EC2 instance metadata (IMDSv2): the role credentials call the API once, then the cache answers', async () => {
  const env = helperEnv(emulator.url, [], {
    ...withoutKeys,
    AWS_EC2_METADATA_DISABLED: undefined,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: metadataUrl,
  });
  for (let i = 0; i < 2; i++) expect((await helperGet(env, stack.registries.ecrUsEast1)).code).toBe(0);
  expect(emulator.requests.map((r) => r.accessKeyId)).toEqual(['ASIAINSTANCEROLE']);
  expect(metadataRequests).toContain('PUT /latest/api/token');
});

test('ECS/EKS container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI)', async () => {
  const env = helperEnv(emulator.url, [], {
    ...withoutKeys,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${metadataUrl}/container/credentials`,
  });
  for (let i = 0; i < 2; i++) expect((await helperGet(env, stack.registries.ecrEuWest1)).code).toBe(0);
  expect(emulator.requests.map((r) => r.accessKeyId)).toEqual(['ASIACONTAINERROLE']);
  expect(metadataRequests.filter((r) => r === 'GET /container/credentials')).toHaveLength(2);
});
