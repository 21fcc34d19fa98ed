// Image references as docker reads them: which registry an image comes from and what to call it.

export const DOCKER_HUB = 'docker.io';

/** The registry host of an image reference, as the docker CLI decides it (docker.io when none is named). */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return DOCKER_HUB;
  const first = image.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  return isHost ? first : DOCKER_HUB;
}

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
