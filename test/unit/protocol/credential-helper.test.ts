import { describe, expect, test } from 'vitest';
import { readFixture } from '../../support/fixtures';
import {
  CredentialsNotFoundError,
  goJson,
  handleCommand,
  type CredentialHelper,
} from '../../../src/protocol/credential-helper';

const fixture = (name: string): string => readFixture(`ecr/${name}`);

function helper(overrides: Partial<CredentialHelper> = {}): CredentialHelper {
  return {
    get: (serverUrl) => Promise.resolve({ ServerURL: serverUrl, Username: 'AWS', Secret: 'pa:ss<&>\u2028' }),
    list: () => Promise.resolve({}),
    store: () => Promise.reject(new Error('not implemented')),
    erase: () => Promise.reject(new Error('not implemented')),
    ...overrides,
  };
}

describe('handleCommand', () => {
  test('get prints what the Go helper prints, byte for byte (trimmed URL, Go escaping, newline)', async () => {
    const out = await handleCommand(
      helper(),
      'get',
      ' https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/x \n',
      'v',
    );
    expect(out).toEqual({ stdout: fixture('go-get-output.txt'), stderr: '', exitCode: 0 });
  });

  test('list sorts keys like Go', async () => {
    const list = {
      'https://public.ecr.aws': 'AWS',
      'https://123456789012.dkr.ecr.us-east-1.amazonaws.com': 'AWS',
    };
    const out = await handleCommand(helper({ list: () => Promise.resolve(list) }), 'list', '', 'v');
    expect(out.stdout).toBe(fixture('go-list-output.txt'));
  });

  test('not found: the exact text on stdout, the reason on stderr, exit 1', async () => {
    const get = (): Promise<never> =>
      Promise.reject(new CredentialsNotFoundError('ecr-login: why and what to do'));
    expect(await handleCommand(helper({ get }), 'get', 'x', 'v')).toEqual({
      stdout: 'credentials not found in native keychain\n',
      stderr: 'ecr-login: why and what to do\n',
      exitCode: 1,
    });
  });

  // Texts captured from the Go helper (docker-credential-helpers framing).
  test.each([
    ['get', '  \n', 'no credentials server URL\n'],
    ['erase', '', 'no credentials server URL\n'],
    ['store', '{"ServerURL":"a"}', 'no credentials username\n'],
    ['store', '{"Username":"a"}', 'no credentials server URL\n'],
    ['store', '{"ServerURL":"a","Username":"b","Secret":"c"}', 'not implemented\n'],
    ['erase', 'a', 'not implemented\n'],
    ['bogus', '', 'Unknown credential action `bogus`\n'],
  ])('%s with %j fails with %j', async (action, input, stdout) => {
    expect(await handleCommand(helper(), action, input, 'v')).toEqual({ stdout, stderr: '', exitCode: 1 });
  });

  test('store passes the parsed credentials; version prints its line', async () => {
    const stored: unknown[] = [];
    const store = (c: unknown): Promise<void> => {
      stored.push(c);
      return Promise.resolve();
    };
    const input = '{"ServerURL":"h","Username":"u","Secret":"s"}';
    expect(await handleCommand(helper({ store }), 'store', input, 'v')).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 0,
    });
    expect(stored).toEqual([{ ServerURL: 'h', Username: 'u', Secret: 's' }]);
    expect((await handleCommand(helper(), 'version', '', 'name 1.2.3')).stdout).toBe('name 1.2.3\n');
  });

  test('store with invalid JSON says so', async () => {
    const out = await handleCommand(helper(), 'store', 'x', 'v');
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toMatch(/^invalid credentials JSON on stdin: .*\n$/);
  });
});

describe('goJson', () => {
  test.each([
    [{ a: '<b>&' }, '{"a":"\\u003cb\\u003e\\u0026"}'],
    [{ a: '\u2028\u2029' }, '{"a":"\\u2028\\u2029"}'],
    [{ a: '\n\t"\\\u0001\u007f' }, '{"a":"\\n\\t\\"\\\\\\u0001\u007f"}'],
  ])('%j -> %s', (value, json) => {
    expect(goJson(value)).toBe(json);
  });
});
