// The real docker CLI pulls from both ECR-shaped registries through the built helper: no docker login,
// the real AWS SDK talks to the ECR emulator, whose token is the registry's real password.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import { helperEnv, run } from '../support/ecr-login';
import { loadSecrets, loadStack } from '../support/stack';
import { removeTempDirs } from '../support/temp';

afterAll(removeTempDirs);

const stack = loadStack();
const hosts = [stack.registries.ecrUsEast1, stack.registries.ecrEuWest1];
let emulator: EcrEmulator;

beforeAll(async () => {
  emulator = await startEcrEmulator({ password: loadSecrets(stack).ecrPassword });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function pull(env: NodeJS.ProcessEnv, host: string) {
  return run('docker', ['pull', '--quiet', `${host}/${stack.images.shell}`], env);
}

describe('docker pull through ecr-login', () => {
  test('pulls from both ECR registries with one API call each, then from the cache', async () => {
    const env = helperEnv(emulator.url, hosts);
    for (const host of hosts) {
      // Forces a real pull (others may pull it back meanwhile: the registry is asked for the manifest anyway).
      await run('docker', ['image', 'rm', '--force', `${host}/${stack.images.shell}`], env);
      const pulled = await pull(env, host);
      expect(pulled.stderr).toBe('');
      expect(pulled.code).toBe(0);
      expect(pulled.stdout).toContain(`${host}/${stack.images.shell}`);
    }
    expect(emulator.requests.map((r) => [r.service, r.region, r.registryIds, r.status])).toEqual([
      ['ecr', 'us-east-1', ['123456789012'], 200],
      ['ecr', 'eu-west-1', ['210987654321'], 200],
    ]);
    for (const host of hosts) expect((await pull(env, host)).code).toBe(0);
    expect(emulator.requests).toHaveLength(2);
  });

  test.each([
    [
      'deny',
      /ecr-login: AccessDeniedException: .*not authorized to perform: ecr:GetAuthorizationToken.*allow ecr:GetAuthorizationToken/,
    ],
    ['throttle', /ecr-login: ThrottlingException: Rate exceeded \(after 3 attempts\)/],
    ['server-error', /ecr-login: ServerException: .*\(after 3 attempts\).*HTTP 500.*retry later/],
  ] as const)('%s: the pull fails and its output says why in one line', async (mode, reason) => {
    const env = helperEnv(emulator.url, hosts);
    emulator.setFaults({ mode });
    const pulled = await pull(env, stack.registries.ecrEuWest1);
    expect(pulled.code).not.toBe(0);
    const lines = pulled.stderr.split('\n').filter((l) => l.startsWith('ecr-login:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(reason);
    expect(pulled.stderr).toContain('no basic auth credentials');
    expect(pulled.stderr).not.toContain(env.AWS_SECRET_ACCESS_KEY);
  });
});

describe('docker login to a registry mapped to ecr-login', () => {
  const login = (env: NodeJS.ProcessEnv) =>
    run(
      'docker',
      ['login', '--username', 'AWS', '--password-stdin', stack.registries.ecrUsEast1],
      env,
      loadSecrets(stack).ecrPassword,
    );

  test('fails to save, as with the Go helper, unless AWS_ECR_IGNORE_CREDS_STORAGE=true', async () => {
    const refused = await login(helperEnv(emulator.url, hosts));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/not implemented: .*set AWS_ECR_IGNORE_CREDS_STORAGE=true/);
    const accepted = await login(helperEnv(emulator.url, hosts, { AWS_ECR_IGNORE_CREDS_STORAGE: 'true' }));
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('Login Succeeded');
  });
});
