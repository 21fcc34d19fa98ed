import { expect, test } from 'vitest';
import { bypassesProxy, normalizeProxyUrl } from '../../../src/ecr/proxy';

test.each([
  ['api.ecr.us-east-1.amazonaws.com', 443, '', false],
  ['localhost', 443, '', true],
  ['127.0.0.1', 80, '', true],
  ['[::1]', 80, '', true],
  ['api.ecr.us-east-1.amazonaws.com', 443, '*', true],
  ['api.ecr.us-east-1.amazonaws.com', 443, 'amazonaws.com', true],
  ['amazonaws.com', 443, 'amazonaws.com', true],
  ['amazonaws.com', 443, '.amazonaws.com', false],
  ['api.ecr.us-east-1.amazonaws.com', 443, '.amazonaws.com', true],
  ['api.ecr.us-east-1.amazonaws.com', 443, '*.amazonaws.com', true],
  ['notamazonaws.com', 443, 'amazonaws.com', false],
  ['api.ecr.us-east-1.amazonaws.com', 443, 'foo.example, AMAZONAWS.COM:443', true],
  ['api.ecr.us-east-1.amazonaws.com', 443, 'amazonaws.com:8443', false],
  ['10.1.2.3', 443, '10.0.0.0/8', true],
  ['11.1.2.3', 443, '10.0.0.0/8', false],
  ['10.1.2.3', 443, '10.1.2.3', true],
  ['10.1.2.3', 443, '10.1.2.3:80', false],
  ['fd00::5', 443, 'fd00::/8', true],
  ['fd00::5', 443, '[fd00::5]:443', true],
  ['api.ecr.us-east-1.amazonaws.com', 443, '10.0.0.0/8', false],
])('%s:%i with NO_PROXY=%j bypasses=%s', (host, port, noProxy, bypass) => {
  expect(bypassesProxy(host, port, noProxy)).toBe(bypass);
});

test.each([
  ['proxy.corp:3128', 'http://proxy.corp:3128'],
  ['http://proxy.corp:3128', 'http://proxy.corp:3128'],
  ['https://u:p@proxy.corp', 'https://u:p@proxy.corp'],
])('proxy %j means %j', (value, url) => {
  expect(normalizeProxyUrl(value)).toBe(url);
});
