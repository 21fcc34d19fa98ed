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
