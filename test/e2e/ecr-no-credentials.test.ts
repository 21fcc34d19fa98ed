// With no AWS credentials anywhere and an instance-metadata endpoint that accepts connections but never
// answers, `get` gives up by itself (bounded metadata timeouts) and says what is missing.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { helperGet, noCredentialsEnv, startSilentListener, type SilentListener } from '../support/ecr-login';
import { loadStack } from '../support/stack';
import { removeTempDirs } from '../support/temp';

afterAll(removeTempDirs);

let metadata: SilentListener;

beforeAll(async () => {
  metadata = await startSilentListener();
});
afterAll(() => metadata.close());

test('no credentials: not found on stdout, one reason line on stderr, the metadata endpoint was tried', async () => {
  const result = await helperGet(noCredentialsEnv(metadata.url), loadStack().registries.ecrUsEast1);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('credentials not found in native keychain\n');
  expect(result.stderr).toMatch(
    /^ecr-login: no AWS credentials found \(tried env, profile, web identity, container, instance metadata\): [^\n]*\n$/,
  );
  expect(metadata.accepted()).toBeGreaterThan(0);
});
