import { describe, expect, test } from 'vitest';
import { readFixture } from '../../../support/fixtures';
import {
  cacheKeys,
  formatTime,
  isFresh,
  parseCacheFile,
  prune,
  serializeCacheFile,
  type AuthEntry,
} from '../../../../src/ecr/cache/entry';
import { parseRegistry, type EcrRegistry } from '../../../../src/ecr/registry';

const fixture = (name: string): string => readFixture(`ecr/${name}`);
const useast = parseRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com') as EcrRegistry;

function entry(requestedAt: string, expiresAt: string, proxy = 'https://a'): AuthEntry {
  return {
    AuthorizationToken: 'QVdTOnA=',
    RequestedAt: requestedAt,
    ExpiresAt: expiresAt,
    ProxyEndpoint: proxy,
    Service: 'ecr',
  };
}

describe('cache keys', () => {
  test('the legacy key is the one the Go helper 0.6.0 wrote and read (fixture)', () => {
    const [, legacy] = cacheKeys(useast, 'AKIAEXAMPLE');
    expect(Object.keys(parseCacheFile(fixture('go-legacy-cache.txt'))!.Registries)).toEqual([legacy]);
  });

  test('the new key is region-base64(sha256(access key id))-account; public entries share one key', () => {
    const [newKey] = cacheKeys(useast, 'AKIAEXAMPLE');
    expect(newKey).toBe('us-east-1-yq4V/10ZPsXstJV3R/43CP4/b7z2B7Y9rip7gTzA1RM=-123456789012');
    const pub = cacheKeys(parseRegistry('public.ecr.aws')!, 'AKIAEXAMPLE');
    expect(pub).toEqual(cacheKeys(parseRegistry('ecr-public.aws.com')!, 'AKIAEXAMPLE'));
    expect(pub[0]).toBe('ecr-public-yq4V/10ZPsXstJV3R/43CP4/b7z2B7Y9rip7gTzA1RM=');
  });
});

describe('half-life', () => {
  const e = entry('2026-11-25T00:00:00.123456789Z', '2026-11-25T12:00:00.123Z');
  test.each([
    ['2026-11-25T05:59:59.999Z', true],
    ['2026-11-25T06:00:00.123Z', false],
    ['2026-11-25T11:00:00Z', false],
  ])('at %s fresh=%s', (now, fresh) => {
    expect(isFresh(e, new Date(now))).toBe(fresh);
  });
});

describe('the file', () => {
  test.each([
    ['not JSON', '{"Registries":'],
    ['another version', '{"Registries":{},"Version":"2.0"}'],
    ['no registries', '{"Version":"1.0"}'],
    ['an array', '[]'],
    ['null', 'null'],
  ])('%s reads as no file', (_what, text) => {
    expect(parseCacheFile(text)).toBeUndefined();
  });

  test('malformed entries are dropped, good ones kept', () => {
    const good = entry('2026-11-25T00:00:00Z', '2026-11-25T12:00:00Z');
    const text = JSON.stringify({
      Registries: { good, bad: { AuthorizationToken: 1 }, worse: null },
      Version: '1.0',
    });
    expect(parseCacheFile(text)).toEqual({ Registries: { good }, Version: '1.0' });
  });

  test('is written like Go MarshalIndent: sorted keys, two spaces, HTML escaped', () => {
    const e = { ...entry('2026-11-25T00:00:00Z', '2026-11-25T12:00:00Z'), ProxyEndpoint: 'https://x/<&>' };
    const text = serializeCacheFile({ Registries: { b: e, a: e }, Version: '1.0' });
    expect(text.indexOf('"a"')).toBeLessThan(text.indexOf('"b"'));
    expect(text).toContain('\n    "a": {\n      "AuthorizationToken": "QVdTOnA=",');
    expect(text).toContain('https://x/\\u003c\\u0026\\u003e');
    expect(parseCacheFile(text)?.Registries.a).toEqual(e);
  });

  test.each([
    [new Date('2026-11-25T17:00:26.120Z'), '2026-11-25T17:00:26.12Z'],
    [new Date('2026-11-25T17:00:26.000Z'), '2026-11-25T17:00:26Z'],
    [new Date('2026-11-25T17:00:26.119Z'), '2026-11-25T17:00:26.119Z'],
  ])('time %s is written as Go writes it', (date, text) => {
    expect(formatTime(date)).toBe(text);
  });
});

describe('prune', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  test('drops expired entries and keeps the newest four per registry', () => {
    const registries: Record<string, AuthEntry> = {
      expired: entry('2026-11-24T00:00:00Z', '2026-11-24T12:00:00Z'),
      other: entry('2026-11-25T01:00:00Z', '2026-11-25T13:00:00Z', 'https://b'),
    };
    for (let hour = 0; hour < 6; hour++) {
      registries[`k${hour}`] = entry(`2026-11-25T0${hour}:00:00Z`, `2026-11-25T1${hour + 2}:00:00Z`);
    }
    expect(Object.keys(prune(registries, now)).sort()).toEqual(['k2', 'k3', 'k4', 'k5', 'other']);
  });
});
