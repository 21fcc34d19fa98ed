// Image references as docker reads them: what to call an image (its registry: protocol/image-reference).
import { canonicalRegistry, pathAndTagOf, registryOf } from '../protocol/image-reference';

/** The reference without its tag or digest: `host/team/postgres:16` -> `host/team/postgres`. */
export function repositoryOf(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** The repository's last path segment: `.../team/postgres:16` -> `postgres`. */
export function repositoryBasename(image: string): string {
  const repository = repositoryOf(image);
  return repository.slice(repository.lastIndexOf('/') + 1);
}

/** The repository as docker names it in full: `redis:7` -> `docker.io/library/redis`. */
export function fullRepositoryOf(image: string): string {
  return `${canonicalRegistry(registryOf(image))}/${repositoryOf(pathAndTagOf(image))}`;
}
