import { describe, expect, it } from 'vitest';
import { repositoryBasename, repositoryOf } from '../../../src/docker/reference';
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
