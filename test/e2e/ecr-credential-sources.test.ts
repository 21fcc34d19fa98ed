// AWS credentials from where runners usually get them: EC2 instance metadata (IMDSv2), ECS/EKS container
// credentials and web identity (IRSA/OIDC, through STS), each served by a small local endpoint. The
// identity they hand out is what the emulator sees and what names the cache entry: a second `get` asks
// the credential source again, not the ECR API.
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
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

/** STS AssumeRoleWithWebIdentity's answer (AWS query protocol, XML). */
const assumedRole = (
  accessKeyId: string,
): string => `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>${accessKeyId}</AccessKeyId>
      <SecretAccessKey>sts-secret</SecretAccessKey>
      <SessionToken>sts-session-token</SessionToken>
      <Expiration>${new Date(Date.now() + 3600e3).toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/runner/session</Arn>
      <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>dockhand-test</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`;

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
    if (req.method === 'POST' && req.url === '/sts/') return send(assumedRole('ASIAWEBIDENTITY'));
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

test('web identity (IRSA, OIDC): the token file is exchanged at STS for the role that calls the API', async () => {
  const env = helperEnv(emulator.url, [], {
    ...withoutKeys,
    AWS_REGION: 'us-east-1',
    AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/runner',
    AWS_ROLE_SESSION_NAME: 'dockhand-test',
    AWS_ENDPOINT_URL_STS: `${metadataUrl}/sts/`,
  });
  const tokenFile = path.join(env.HOME!, 'web-identity-token');
  writeFileSync(tokenFile, 'header.payload.signature', { mode: 0o600 });
  const result = await helperGet(
    { ...env, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile },
    stack.registries.ecrUsEast1,
  );
  expect([result.code, result.stderr]).toEqual([0, '']);
  expect(emulator.requests.map((r) => r.accessKeyId)).toEqual(['ASIAWEBIDENTITY']);
  expect(metadataRequests).toEqual(['POST /sts/']);
});
