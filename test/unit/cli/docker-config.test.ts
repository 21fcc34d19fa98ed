import { describe, expect, it } from 'vitest';
import {
  credHelpersOf,
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
});
