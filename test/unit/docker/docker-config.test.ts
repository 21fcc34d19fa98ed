import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { authSourceFor, readDockerConfig } from '../../../src/docker/docker-config';

describe('docker config auth sources', () => {
  const config = {
    credHelpers: { '123456789012.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login', 'https://ghcr.io': 'gh' },
    auths: { 'https://index.docker.io/v1/': {} },
  };

  it.each([
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', 'ecr-login', false],
    ['ghcr.io', 'gh', false],
    ['docker.io', null, true],
    ['quay.io', null, false],
  ])('%s', (registry, helper, hasStaticAuth) => {
    expect(authSourceFor(config, registry)).toEqual({ helper, hasStaticAuth });
  });

  it('uses credsStore for registries without their own helper', () => {
    expect(authSourceFor({ credsStore: 'pass', credHelpers: { 'a.io': 'x' } }, 'b.io').helper).toBe('pass');
    expect(authSourceFor({ credsStore: 'pass', credHelpers: { 'a.io': 'x' } }, 'a.io').helper).toBe('x');
  });

  it('reads a missing config as empty and names a broken one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dockhand-config-test-'));
    expect(readDockerConfig(dir)).toEqual({});
    writeFileSync(path.join(dir, 'config.json'), '{broken');
    try {
      expect(() => readDockerConfig(dir)).toThrow(
        `docker config ${dir}/config.json is not valid JSON; fix or remove it`,
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
