import { describe, expect, test } from 'vitest';
import { parseRegistry } from '../../../src/ecr/registry';

describe('parseRegistry', () => {
  test.each([
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', '123456789012', 'us-east-1', false],
    ['https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/blah/blah', '123456789012', 'us-east-1', false],
    ['123456789012.dkr-ecr.us-west-2.on.aws', '123456789012', 'us-west-2', false],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', '123456789012', 'cn-north-1', false],
    ['123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn', '123456789012', 'cn-north-1', false],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', '123456789012', 'us-iso-east-1', false],
    ['123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov', '123456789012', 'us-isob-east-1', false],
    ['123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk', '123456789012', 'eu-isoe-west-1', false],
    ['123456789012.dkr.ecr.us-isof-east-1.csp.hci.ic.gov', '123456789012', 'us-isof-east-1', false],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', '123456789012', 'us-gov-west-1', true],
    ['123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu', '123456789012', 'eusc-de-east-1', false],
    ['  210987654321.dkr.ecr.eu-west-1.amazonaws.com:443\n', '210987654321', 'eu-west-1', false],
    [
      'https://user:pw@210987654321.dkr.ecr.eu-west-1.amazonaws.com:8443/v2/',
      '210987654321',
      'eu-west-1',
      false,
    ],
  ])('%j is private ECR', (input, account, region, fips) => {
    expect(parseRegistry(input)).toMatchObject({ kind: 'private', account, region, fips });
  });

  test.each(['public.ecr.aws', 'https://public.ecr.aws/v2/', 'ecr-public.aws.com'])(
    '%j is ECR Public',
    (input) => {
      expect(parseRegistry(input)).toMatchObject({ kind: 'public' });
    },
  );

  test.each([
    '.dkr.ecr.not-real.amazonaws.com',
    'not.ecr.io',
    'public.ecr.aws.fake.example.com',
    '12345678901.dkr.ecr.us-east-1.amazonaws.com',
    '1234567890123.dkr.ecr.us-east-1.amazonaws.com',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example',
    'evil.example/123456789012.dkr.ecr.us-east-1.amazonaws.com',
    '123456789012.dkr.ecr.us-east-1.amazonaws.org',
    '123456789012.dkr.ecr.-bad.amazonaws.com',
    'https://',
    'http://123456789012.dkr.ecr.us-east-1.amazonaws.com',
    'http://public.ecr.aws',
    'ftp://123456789012.dkr.ecr.us-east-1.amazonaws.com',
    'https://http://123456789012.dkr.ecr.us-east-1.amazonaws.com',
    '',
    'registry.dockhand.test',
  ])('%j is not ECR', (input) => {
    expect(parseRegistry(input)).toBeUndefined();
  });
});
