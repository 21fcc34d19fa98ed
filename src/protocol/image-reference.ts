// Which registry an image reference names, as the docker CLI (and so the runner) decides it. Shared by
// the hook, which pulls, and the replayer, which fills `registry.serverUrl` as the runner does.

export const DOCKER_HUB = 'docker.io';

/** The registry host an image reference names itself, or null when it names none (Docker Hub). */
export function namedRegistryOf(image: string): string | null {
  const slash = image.indexOf('/');
  if (slash < 0) return null;
  const first = image.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  return isHost ? first : null;
}

/** The registry host an image is pulled from (docker.io when none is named). */
export function registryOf(image: string): string {
  return namedRegistryOf(image) ?? DOCKER_HUB;
}

/** Docker Hub's other names, which docker reads as docker.io. */
const DOCKER_HUB_ALIASES = new Set(['index.docker.io', 'registry-1.docker.io']);

/** A registry host as docker compares them: Docker Hub under one name, lower case. */
export function canonicalRegistry(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

/**
 * The repository path and what follows it, as docker normalises a reference: `postgres:16` is
 * `library/postgres:16` on docker.io (the path pull-through caches use for official images);
 * `bitnami/redis` keeps its namespace; a tag and a digest are kept as written.
 */
export function pathAndTagOf(image: string): string {
  const named = namedRegistryOf(image);
  const rest = named === null ? image : image.slice(named.length + 1);
  const isHub = canonicalRegistry(named ?? DOCKER_HUB) === DOCKER_HUB;
  return isHub && !rest.split(/[:@]/)[0]?.includes('/') ? `library/${rest}` : rest;
}

/** `target` (a host with an optional path prefix) serving `image`: `m.example/hub` + `redis:7` -> `m.example/hub/library/redis:7`. */
export function mirroredReference(image: string, target: string): string {
  return `${target}/${pathAndTagOf(image)}`;
}

/** Pinned by digest (`name@sha256:...`): the same content wherever it comes from. */
export function isDigestPinned(image: string): boolean {
  return image.includes('@');
}
