// The ECR emulator's own contract, spoken to over HTTP as the AWS SDK would (headers, JSON 1.1 bodies).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { parseScope, startEcrEmulator, type EcrEmulator } from '../../stack/ecr-emulator';
import { makeTempDir, removeTempDirs } from '../../support/temp';

afterAll(removeTempDirs);

const PRIVATE = 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
const PUBLIC = 'SpencerFrontendService.GetAuthorizationToken';
const requestLog = path.join(makeTempDir('emulator-'), 'requests.jsonl');
let emulator: EcrEmulator;

interface TokenData {
  authorizationToken: string;
  expiresAt: number;
  proxyEndpoint?: string;
}
/** What the emulator answers: private data is a list, public data one object, errors have __type. */
interface Answer {
  authorizationData: TokenData[] & TokenData;
  __type?: string;
}

beforeAll(async () => {
  emulator = await startEcrEmulator({ password: 'pw', publicPassword: 'pub', requestLog });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

async function call(
  target: string,
  region: string,
  service: string,
  body: unknown = {},
  extraHeaders: Record<string, string> = {},
) {
  const response = await fetch(emulator.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
      authorization: `AWS4-HMAC-SHA256 Credential=AKIATEST/20261125/${region}/${service}/aws4_request, Signature=x`,
      ...extraHeaders,
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    type: response.headers.get('x-amzn-errortype'),
    body: (await response.json()) as Answer,
  };
}

const decode = (token: string): string => Buffer.from(token, 'base64').toString();

describe('ECR emulator', () => {
  test('private: a token per registry id decoding to AWS:<password>, with its proxy endpoint', async () => {
    const { status, body } = await call(PRIVATE, 'eu-west-1', 'ecr', { registryIds: ['210987654321'] });
    expect(status).toBe(200);
    expect(body.authorizationData).toHaveLength(1);
    expect(decode(body.authorizationData[0]!.authorizationToken)).toBe('AWS:pw');
    expect(body.authorizationData[0]!.proxyEndpoint).toBe(
      'https://210987654321.dkr.ecr.eu-west-1.amazonaws.com',
    );
    expect(body.authorizationData[0]!.expiresAt * 1000).toBeGreaterThan(Date.now() + 11 * 3600e3);
  });

  test('public: one object (not a list), only in us-east-1 and for service ecr-public', async () => {
    const ok = await call(PUBLIC, 'us-east-1', 'ecr-public');
    expect(decode(ok.body.authorizationData.authorizationToken)).toBe('AWS:pub');
    expect((await call(PUBLIC, 'eu-west-1', 'ecr-public')).body.__type).toBe('InvalidSignatureException');
    expect((await call(PUBLIC, 'us-east-1', 'ecr')).body.__type).toBe('InvalidSignatureException');
  });

  test.each([
    ['deny', 400, 'AccessDeniedException'],
    ['throttle', 400, 'ThrottlingException'],
    ['server-error', 500, 'ServerException'],
  ] as const)('fault %s answers %i %s, for `count` requests only', async (mode, status, type) => {
    emulator.setFaults({ mode, count: 1 });
    const failed = await call(PRIVATE, 'us-east-1', 'ecr');
    expect([failed.status, failed.type, failed.body.__type]).toEqual([status, type, type]);
    expect((await call(PRIVATE, 'us-east-1', 'ecr')).status).toBe(200);
  });

  test('hostile: the session token echoed in an error; a token for another registry', async () => {
    emulator.setFaults({ mode: 'reflect-token', count: 1 });
    const echoed = await call(PRIVATE, 'us-east-1', 'ecr', {}, { 'x-amz-security-token': 'sess-token' });
    expect([echoed.status, echoed.body.__type]).toEqual([400, 'UnrecognizedClientException']);
    expect(JSON.stringify(echoed.body)).toContain('sess-token');
    emulator.setFaults({ mode: 'wrong-endpoint', count: 1 });
    const wrong = await call(PRIVATE, 'us-east-1', 'ecr', { registryIds: ['123456789012'] });
    expect(wrong.body.authorizationData[0]!.proxyEndpoint).toBe(
      'https://999999999999.dkr.ecr.us-east-1.amazonaws.com',
    );
  });

  test('hostile: a stalled body sends the status and part of the body, then nothing', async () => {
    emulator.setFaults({ mode: 'stall-body', count: 1 });
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'x-amz-target': PRIVATE, authorization: 'Credential=A/20261125/us-east-1/ecr/aws4_request' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"authorizationData":[');
    await reader.cancel();
  });

  test('bad input: unknown operation, invalid registry id, non-JSON body', async () => {
    expect((await call('Nope.Op', 'us-east-1', 'ecr')).body.__type).toBe('UnknownOperationException');
    expect((await call(PRIVATE, 'us-east-1', 'ecr', { registryIds: ['123'] })).body.__type).toBe(
      'InvalidParameterException',
    );
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'x-amz-target': PRIVATE },
      body: '{',
    });
    expect(((await response.json()) as { __type: string }).__type).toBe('SerializationException');
  });

  test('token lifetime is switchable', async () => {
    emulator.setFaults({ mode: 'none', tokenLifetimeSeconds: 10 });
    const { body } = await call(PRIVATE, 'us-east-1', 'ecr');
    expect(body.authorizationData[0]!.expiresAt * 1000).toBeLessThan(Date.now() + 11_000);
  });

  test('every request is recorded, in memory, over the control API and in the request log', async () => {
    await call(PRIVATE, 'us-east-1', 'ecr', { registryIds: ['123456789012'] });
    const expected = {
      target: PRIVATE,
      service: 'ecr',
      region: 'us-east-1',
      accessKeyId: 'AKIATEST',
      registryIds: ['123456789012'],
      status: 200,
    };
    expect(emulator.requests).toEqual([expect.objectContaining(expected)]);
    expect(await (await fetch(`${emulator.url}/_emulator/requests`)).json()).toEqual(emulator.requests);
    const logged = readFileSync(requestLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(logged.at(-1)).toEqual(emulator.requests[0]);
  });

  test('faults can be set over the control API', async () => {
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ mode: 'deny' }),
    });
    expect((await call(PRIVATE, 'us-east-1', 'ecr')).status).toBe(400);
    await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
    expect(emulator.requests).toEqual([]);
    expect((await call(PRIVATE, 'us-east-1', 'ecr')).status).toBe(200);
  });
});

test('parseScope reads the SigV4 credential scope', () => {
  expect(
    parseScope('AWS4-HMAC-SHA256 Credential=AKID/20261125/eu-west-1/ecr/aws4_request, SignedHeaders=host'),
  ).toEqual({
    accessKeyId: 'AKID',
    region: 'eu-west-1',
    service: 'ecr',
  });
  expect(parseScope('')).toEqual({ accessKeyId: '', region: '', service: '' });
});
