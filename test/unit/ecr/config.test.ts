import { expect, test } from 'vitest';
import { parseProfileMap, profileFor, readConfig } from '../../../src/ecr/config';
import { parseRegistry } from '../../../src/ecr/registry';

test('defaults', () => {
  expect(readConfig({}, '/home/r')).toEqual({
    cacheDir: '/home/r/.ecr',
    cacheDisabled: false,
    ignoreCredsStorage: false,
    envAccessKeyId: undefined,
    envSecrets: [],
    awsProfile: undefined,
    awsFiles: { config: '/home/r/.aws/config', credentials: '/home/r/.aws/credentials' },
    endpoints: { ecr: undefined, ecrPublic: undefined },
    caBundle: undefined,
    proxy: { https: undefined, http: undefined, noProxy: '' },
    profiles: {},
  });
});

test('the environment, read once', () => {
  const config = readConfig(
    {
      AWS_ECR_CACHE_DIR: '~/c',
      AWS_ECR_DISABLE_CACHE: '1',
      AWS_ECR_IGNORE_CREDS_STORAGE: 'true',
      AWS_ACCESS_KEY_ID: 'AKIA1',
      AWS_SECRET_ACCESS_KEY: 's',
      AWS_SESSION_TOKEN: 'token',
      AWS_PROFILE: 'p',
      AWS_CONFIG_FILE: '~/aws.conf',
      AWS_SHARED_CREDENTIALS_FILE: '/etc/aws-creds',
      AWS_ENDPOINT_URL: 'http://all',
      AWS_ENDPOINT_URL_ECR: 'http://ecr',
      AWS_CA_BUNDLE: '/ca.pem',
      https_proxy: 'http://lower:1',
      HTTP_PROXY: 'http://upper:2',
      http_proxy: 'http://lower:2',
      no_proxy: '.corp',
    },
    '/home/r',
  );
  expect(config).toMatchObject({
    cacheDir: '/home/r/c',
    cacheDisabled: true,
    ignoreCredsStorage: true,
    envSecrets: ['s', 'token'],
    awsProfile: 'p',
    awsFiles: { config: '/home/r/aws.conf', credentials: '/etc/aws-creds' },
    endpoints: { ecr: 'http://ecr', ecrPublic: 'http://all' },
    caBundle: '/ca.pem',
    proxy: { https: 'http://lower:1', http: 'http://upper:2', noProxy: '.corp' },
  });
});

test('env keys do not name the cache entry when AWS_PROFILE wins over them (as in the SDK)', () => {
  expect(
    readConfig({ AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 's', AWS_PROFILE: 'p' }, '/h').envAccessKeyId,
  ).toBeUndefined();
  expect(readConfig({ AWS_ACCESS_KEY_ID: 'A' }, '/h').envAccessKeyId).toBeUndefined();
});

test('profile map: by account first, then by host', () => {
  const config = readConfig({ DOCKHAND_ECR_PROFILES: ' 123456789012 = prod , public.ecr.aws=pub' }, '/h');
  expect(profileFor(config, parseRegistry('123456789012.dkr.ecr.eu-west-1.amazonaws.com')!)).toBe('prod');
  expect(profileFor(config, parseRegistry('public.ecr.aws')!)).toBe('pub');
  expect(profileFor(config, parseRegistry('210987654321.dkr.ecr.eu-west-1.amazonaws.com')!)).toBeUndefined();
});

test.each(['123456789012', '=prod', 'a=b=c', 'bad host!=p'])(
  'profile map %j is refused with an example',
  (value) => {
    expect(() => parseProfileMap(value)).toThrow(/^DOCKHAND_ECR_PROFILES: .* write e\.g\. /);
  },
);
