// Where dockhand's helper and Amazon's (0.12.0, read in awslabs/amazon-ecr-credential-helper) must agree,
// case by case, as real helper processes against the ECR emulator. Each case says what 0.12.0 does.
import { afterAll, expect, test } from 'vitest';
import { HELPER, helperEnv, helperGet, run, profileEnv } from '../support/ecr-login';
import { useEcrEmulator } from '../support/ecr-emulator-fixture';
import { loadStack } from '../support/stack';
import { removeTempDirs } from '../support/temp';

afterAll(removeTempDirs);

const stack = loadStack();
const HOST = stack.registries.ecrUsEast1;
const ecr = useEcrEmulator();

test('-h: usage on stdout, exit 0 (0.12.0: Go flag usage, exit 0)', async () => {
  for (const flag of ['-h', '--help']) {
    const result = await run(HELPER, [flag], helperEnv(ecr.emulator.url, []));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: docker-credential-ecr-login <store\|get\|erase\|list\|version>\n/);
  }
});

test('more than 64 KiB on stdin is refused in one line, not read whole', async () => {
  const result = await run(HELPER, ['get'], helperEnv(ecr.emulator.url, []), HOST.padEnd(1024 * 1024, ' '));
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('the input on stdin is over 65536 bytes; docker sends one server URL\n');
  expect(ecr.emulator.requests).toEqual([]);
});

test('http://<ECR host> is not an ECR registry (0.12.0: only https:// is stripped, so not found)', async () => {
  const result = await helperGet(helperEnv(ecr.emulator.url, []), `http://${HOST}`);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('credentials not found in native keychain\n');
  expect(result.stderr).toMatch(/is not an ECR registry host/);
  expect(ecr.emulator.requests).toEqual([]);
});

test('a proxyEndpoint that is not the registry asked for is refused (0.12.0: "Invalid ProxyEndpoint")', async () => {
  const env = helperEnv(ecr.emulator.url, []);
  ecr.emulator.setFaults({ mode: 'wrong-endpoint', count: 1 });
  const refused = await helperGet(env, HOST);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(
    /^ecr-login: Invalid ProxyEndpoint returned by ECR: https:\/\/999999999999\.dkr\.ecr\.us-east-1\.amazonaws\.com .*\n$/,
  );
  // Nothing was cached: the next get asks again and gets the right registry's token.
  const next = await helperGet(env, HOST);
  expect(next.code).toBe(0);
  expect(ecr.emulator.requests).toHaveLength(2);
});

test('a -fips host with AWS_ENDPOINT_URL_ECR uses that endpoint (0.12.0: the endpoint wins)', async () => {
  const fipsHost = '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com';
  const result = await helperGet(helperEnv(ecr.emulator.url, []), fipsHost);
  expect([result.code, result.stderr]).toEqual([0, '']);
  expect(JSON.parse(result.stdout)).toEqual({ ServerURL: fipsHost, Username: 'AWS', Secret: ecr.password });
  expect(ecr.emulator.requests.map((r) => [r.service, r.region])).toEqual([['ecr', 'us-gov-west-1']]);
});

test('AWS_PROFILE naming a missing profile: the reason says so', async () => {
  const env = profileEnv(ecr.emulator.url, 'nosuchprofile', '[profile other]\nregion = us-east-1\n');
  const result = await helperGet(env, HOST);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(
    /^ecr-login: AWS profile 'nosuchprofile' \(AWS_PROFILE\) is in neither .*config nor .*credentials: [^\n]+\n$/,
  );
});

test('store/erase refused: stdout says why and what to do (0.12.0 logs the same advice)', async () => {
  const env = helperEnv(ecr.emulator.url, []);
  const store = await run(
    HELPER,
    ['store'],
    env,
    JSON.stringify({ ServerURL: HOST, Username: 'AWS', Secret: 'x' }),
  );
  const erase = await run(HELPER, ['erase'], env, HOST);
  for (const result of [store, erase]) {
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^not implemented: .*AWS_ECR_IGNORE_CREDS_STORAGE=true[^\n]*\n$/);
  }
});
