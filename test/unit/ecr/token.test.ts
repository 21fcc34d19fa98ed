import { expect, test } from 'vitest';
import { decodeToken } from '../../../src/ecr/token';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

test.each([
  ['AWS:password', 'AWS', 'password'],
  ['AWS:pa:ss:word', 'AWS', 'pa:ss:word'],
  ['AWS:', 'AWS', ''],
])('decodes %j', (plain, username, password) => {
  expect(decodeToken(b64(plain))).toEqual({ username, password });
});

test.each(['no-colon', ':nouser', ''])('rejects %j', (plain) => {
  expect(() => decodeToken(b64(plain))).toThrow(/not base64 of "<user>:<password>"/);
});
