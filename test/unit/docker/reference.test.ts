import { describe, expect, it } from 'vitest';
import { repositoryBasename, repositoryOf, fullRepositoryOf } from '../../../src/docker/reference';
import { registryOf } from '../../../src/protocol/image-reference';

describe('image references', () => {
  it.each([
    ['postgres:16', 'docker.io', 'postgres', 'postgres'],
    ['library/redis', 'docker.io', 'library/redis', 'redis'],
    [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/postgres:16',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/postgres',
      'postgres',
    ],
    ['localhost:5000/app@sha256:abc', 'localhost:5000', 'localhost:5000/app', 'app'],
    ['localhost/app', 'localhost', 'localhost/app', 'app'],
    ['ghcr.io/o/r/tool:v1.2', 'ghcr.io', 'ghcr.io/o/r/tool', 'tool'],
  ])('%s', (image, registry, repository, basename) => {
    expect(registryOf(image)).toBe(registry);
    expect(repositoryOf(image)).toBe(repository);
    expect(repositoryBasename(image)).toBe(basename);
  });
});

describe('fullRepositoryOf', () => {
  it('names a repository as docker does in full, whatever tag or digest follows', () => {
    expect(fullRepositoryOf('redis:7')).toBe('docker.io/library/redis');
    expect(fullRepositoryOf(`redis@sha256:${'a'.repeat(64)}`)).toBe('docker.io/library/redis');
    expect(fullRepositoryOf('index.docker.io/bitnami/redis')).toBe('docker.io/bitnami/redis');
    expect(fullRepositoryOf('localhost:5000/team/app:1')).toBe('localhost:5000/team/app');
    expect(fullRepositoryOf('m.example/hub/library/redis:7')).toBe('m.example/hub/library/redis');
  });
});
