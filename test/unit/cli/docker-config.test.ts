import { describe, expect, it } from 'vitest';
import {
  credHelpersOf,
  describeCredHelperChanges,
  DockerConfigError,
  formatDockerConfig,
  parseDockerConfig,
  withCredHelpers,
} from '../../../src/cli/docker-config';

describe('docker config merge', () => {
  const original = {
    auths: { 'x.example': { auth: 'eA==' } },
    credsStore: 'pass',
    credHelpers: { a: 'other' },
  };

  it('adds credHelpers entries and keeps every other key', () => {
    const merged = withCredHelpers(original, { 'b.example': 'ecr-login' });
    expect(merged).toEqual({ ...original, credHelpers: { a: 'other', 'b.example': 'ecr-login' } });
    expect(original.credHelpers).toEqual({ a: 'other' });
  });

  it('removes entries and drops an emptied credHelpers only when asked', () => {
    const config = { credHelpers: { a: 'x' } };
    expect(withCredHelpers(config, { a: null })).toEqual({ credHelpers: {} });
    expect(withCredHelpers(config, { a: null }, true)).toEqual({});
  });

  it('treats a missing or empty file as an empty config', () => {
    expect(parseDockerConfig(null, 'c.json')).toEqual({});
    expect(parseDockerConfig('  \n', 'c.json')).toEqual({});
  });

  it.each([['{oops'], ['[]'], ['{"credHelpers": []}']])('refuses %s with the file name', (text) => {
    expect(() => parseDockerConfig(text, '/h/.docker/config.json')).toThrow(DockerConfigError);
    expect(() => parseDockerConfig(text, '/h/.docker/config.json')).toThrow('/h/.docker/config.json');
  });

  it('lists string helpers only and writes tab-indented JSON', () => {
    expect(credHelpersOf({ credHelpers: { a: 'x', b: 3 } })).toEqual({ a: 'x' });
    expect(formatDockerConfig({ a: 1 })).toBe('{\n\t"a": 1\n}\n');
  });

  it("keeps the file's own indent and final newline", () => {
    expect(formatDockerConfig({ a: 1 }, '{\n    "a": 0\n}\n')).toBe('{\n    "a": 1\n}\n');
    expect(formatDockerConfig({ a: 1 }, '{"a":0}')).toBe('{"a":1}');
  });

  it('describes credHelpers changes by helper name only', () => {
    const before = { auths: { x: { auth: 'c2VjcmV0' } }, credHelpers: { a: 'pass', b: 'x' } };
    const after = { auths: { x: { auth: 'changed' } }, credHelpers: { a: 'ecr-login', c: 'y' } };
    const lines = describeCredHelperChanges(before, after);
    expect(lines).toEqual([
      'credHelpers["a"]: "pass" -> "ecr-login"',
      'credHelpers["b"]: "x" -> (none)',
      'credHelpers["c"]: (none) -> "y"',
    ]);
  });
});
