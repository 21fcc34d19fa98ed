import { describe, expect, it } from 'vitest';
import {
  canonicalRegistry,
  isDigestPinned,
  mirroredReference,
  pathAndTagOf,
} from '../../../src/protocol/image-reference';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('image references as docker normalises them', () => {
  it.each([
    ['postgres:16', 'library/postgres:16'],
    ['redis', 'library/redis'],
    ['docker.io/redis:7', 'library/redis:7'],
    ['index.docker.io/redis:7', 'library/redis:7'],
    ['docker.io/library/redis:7', 'library/redis:7'],
    ['bitnami/redis:7.2', 'bitnami/redis:7.2'],
    [`redis@${DIGEST}`, `library/redis@${DIGEST}`],
    [`redis:7@${DIGEST}`, `library/redis:7@${DIGEST}`],
    ['ghcr.io/owner/app:1', 'owner/app:1'],
    ['quay.io/app:1', 'app:1'],
    ['localhost:5000/app:1', 'app:1'],
  ])('%s is %s below its registry', (image, expected) => {
    expect(pathAndTagOf(image)).toBe(expected);
  });

  it('puts the mirror target, with its path prefix, in front', () => {
    expect(mirroredReference('postgres:16', '123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub')).toBe(
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/postgres:16',
    );
    expect(mirroredReference('bitnami/redis', 'mirror.internal:5000')).toBe(
      'mirror.internal:5000/bitnami/redis',
    );
    expect(mirroredReference('ghcr.io/owner/app:1', 'mirror.internal/ghcr')).toBe(
      'mirror.internal/ghcr/owner/app:1',
    );
  });

  it('knows Docker Hub by its other names and pins by digest', () => {
    expect(canonicalRegistry('Registry-1.Docker.IO')).toBe('docker.io');
    expect(canonicalRegistry('GHCR.io')).toBe('ghcr.io');
    expect(isDigestPinned(`redis@${DIGEST}`)).toBe(true);
    expect(isDigestPinned('redis:7')).toBe(false);
  });
});
