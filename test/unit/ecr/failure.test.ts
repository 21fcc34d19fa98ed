import { expect, test } from 'vitest';
import { describeAwsError, NO_CREDENTIALS, redact, SecretValues } from '../../../src/ecr/failure';

const what = '123456789012 (us-east-1)';

test('an API error names the error, the call, the status and what to do', () => {
  const err = Object.assign(new Error('User: arn:aws:iam::1:user/ci is not authorized'), {
    name: 'AccessDeniedException',
    $metadata: { httpStatusCode: 400, attempts: 1 },
  });
  expect(describeAwsError(err, what)).toBe(
    'AccessDeniedException: User: arn:aws:iam::1:user/ci is not authorized [ecr:GetAuthorizationToken for ' +
      '123456789012 (us-east-1), HTTP 400]; allow ecr:GetAuthorizationToken to the AWS identity of the runner',
  );
});

test('retried errors say how often', () => {
  const err = Object.assign(new Error('boom'), {
    name: 'ServerException',
    $metadata: { httpStatusCode: 500, attempts: 3 },
  });
  expect(describeAwsError(err, what)).toMatch(
    /^ServerException: boom \(after 3 attempts\) .*; the ECR API failed: retry later$/,
  );
});

test('the end of the credential chain is the no-credentials line', () => {
  const err = Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
  });
  expect(describeAwsError(err, what)).toBe(NO_CREDENTIALS);
});

test('a network error says the API could not be reached', () => {
  const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
  expect(describeAwsError(err, what)).toBe(
    `cannot reach the ECR API for ${what}: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9`,
  );
});

test.each([
  [
    'https://api.ecr.us-east-1.amazonaws.com/?X-Amz-Signature=abc&x=1 failed',
    'https://api.ecr.us-east-1.amazonaws.com/?<redacted> failed',
  ],
  [
    'Credential=AKIAABCDEFGHIJKLMNOP/20261125/us-east-1/ecr, Signature=deadbeef',
    'Credential=<redacted>, Signature=<redacted>',
  ],
  ['key ASIAABCDEFGHIJKLMNOP used', 'key ASIA<redacted> used'],
  ['proxy http://user:pa55@proxy.corp:3128 refused', 'proxy http://<redacted>@proxy.corp:3128 refused'],
  ['{"authorizationToken":"QVdTOnB3"}', '{"authorizationToken":"<redacted>"}'],
])('redacts %j', (text, redacted) => {
  expect(redact(text)).toBe(redacted);
});

test('a timeout says the API did not answer, how often it was tried and what to check', () => {
  const err = Object.assign(
    new Error(
      '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 4000 ms requestTimeout.',
    ),
    { name: 'TimeoutError', $metadata: { attempts: 3 } },
  );
  expect(describeAwsError(err, what)).toBe(
    `the ECR API for ${what} did not answer in time (after 3 attempts) (a request has exceeded the ` +
      'configured 4000 ms requestTimeout): check the network, the proxy and AWS_ENDPOINT_URL_ECR',
  );
});

test('secret values are redacted wherever they appear, patterns too; short values are not', () => {
  const secrets = new SecretValues();
  secrets.add('session-token-value', 'session-token-value-longer', 'short', undefined);
  expect(
    secrets.redact(
      'bad token session-token-value-longer, again session-token-value; key ASIAABCDEFGHIJKLMNOP',
    ),
  ).toBe('bad token <redacted>, again <redacted>; key ASIA<redacted>');
  expect(secrets.redact('a short word')).toBe('a short word');
});
