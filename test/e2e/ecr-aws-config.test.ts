// How the helper reaches AWS: a per-registry profile (DOCKHAND_ECR_PROFILES), and an API endpoint behind
// TLS from a private CA, trusted through AWS_CA_BUNDLE only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import { helperEnv, helperGet } from '../support/ecr-login';
import { FAKE_AWS_KEYS } from '../support/ecr-runner';
import { loadSecrets, loadStack } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';

afterAll(removeTempDirs);

const stack = loadStack();
let emulator: EcrEmulator;

beforeAll(async () => {
  emulator = await startEcrEmulator({ password: loadSecrets(stack).ecrPassword });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe('DOCKHAND_ECR_PROFILES', () => {
  test('a mapped registry is fetched with its profile, the others with the default chain', async () => {
    const env = helperEnv(emulator.url, [], { DOCKHAND_ECR_PROFILES: '210987654321=other' });
    mkdirSync(path.join(env.HOME!, '.aws'));
    writeFileSync(
      path.join(env.HOME!, '.aws', 'credentials'),
      '[other]\naws_access_key_id = AKIAOTHERPROFILE\naws_secret_access_key = other-secret\n',
    );
    const results = [
      await helperGet(env, stack.registries.ecrEuWest1),
      await helperGet(env, stack.registries.ecrUsEast1),
    ];
    expect(results.map((r) => [r.code, r.stderr])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    expect(emulator.requests.map((r) => [r.registryIds[0], r.accessKeyId])).toEqual([
      ['210987654321', 'AKIAOTHERPROFILE'],
      ['123456789012', FAKE_AWS_KEYS.AWS_ACCESS_KEY_ID],
    ]);
  });

  test('a mapping that is not <account or host>=<profile> is refused with an example', async () => {
    const result = await helperGet(
      helperEnv(emulator.url, [], { DOCKHAND_ECR_PROFILES: 'prod' }),
      stack.registries.ecrEuWest1,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^DOCKHAND_ECR_PROFILES: 'prod' is not .* write e\.g\. /);
    expect(emulator.requests).toEqual([]);
  });
});

describe('AWS_CA_BUNDLE', () => {
  let tls: Server;
  let endpoint = '';
  let caFile = '';

  beforeAll(async () => {
    const dir = makeTempDir('ecr-tls-');
    caFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        caFile,
      ],
      { stdio: 'ignore' },
    );
    // TLS in front of the emulator: forwards every request as is.
    tls = createServer({ key: readFileSync(keyFile), cert: readFileSync(caFile) }, (req, res) => {
      const upstream = request(
        `${emulator.url}${req.url ?? '/'}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    endpoint = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => tls.close(() => resolve())));

  test('the endpoint is trusted through the bundle', async () => {
    const result = await helperGet(
      helperEnv(endpoint, [], { AWS_CA_BUNDLE: caFile }),
      stack.registries.ecrUsEast1,
    );
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(emulator.requests).toHaveLength(1);
  });

  test('without the bundle the certificate is refused, and the reason says so', async () => {
    const result = await helperGet(helperEnv(endpoint, []), stack.registries.ecrUsEast1);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^ecr-login: cannot reach the ECR API for 123456789012 \(us-east-1\): .*self[- ]signed/,
    );
    expect(emulator.requests).toEqual([]);
  });

  test('an unreadable bundle is named in the reason', async () => {
    const result = await helperGet(
      helperEnv(endpoint, [], { AWS_CA_BUNDLE: '/nonexistent/ca.pem' }),
      stack.registries.ecrUsEast1,
    );
    expect(result.stderr).toMatch(
      /^ecr-login: AWS_CA_BUNDLE=\/nonexistent\/ca\.pem cannot be read .*: fix or unset it\n$/,
    );
  });
});
