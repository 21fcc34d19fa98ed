// The Engine API's image operations a pull needs: the pull itself (its JSON-lines progress streamed to the
// caller), the tag a mirror pull adds, and the host's copy of an image: its id and where it was pulled from.
import { daemonMessageOf, type EngineApi } from './engine-api';
import { repositoryOf } from './reference';

/**
 * The daemon refused a pull: `said` is its words (the registry's, often), `status` its HTTP status, 200
 * for an error inside the progress stream.
 */
export class ImagePullError extends Error {
  override name = 'ImagePullError';
  constructor(
    image: string,
    readonly said: string,
    readonly status: number,
  ) {
    super(`pull of ${image} failed: ${said}`);
  }
}

export interface ImageOperations {
  /**
   * Pulls `image`, its progress chunks to `onProgress`; `registryAuth` is the X-Registry-Auth value or
   * null (anonymous). Rejects with ImagePullError when the daemon refuses; an error inside the stream is
   * the caller's to find (it reads the stream).
   */
  pullImage(
    image: string,
    registryAuth: string | null,
    onProgress: (chunk: Buffer) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /** Gives the image `source` names the name `target` as well. */
  tagImage(source: string, target: string): Promise<void>;
  /** The host's copy of `image`: its id and RepoDigests (`repo@sha256:...`), or null when it has none. */
  hostImageOf(image: string): Promise<HostImage | null>;
}

export interface HostImage {
  id: string;
  repoDigests: string[];
}

/** `host/team/app:1` -> fromImage `host/team/app`, tag `1`; a digest is the "tag" too; none -> latest. */
export function pullTarget(image: string): { fromImage: string; tag: string } {
  const at = image.indexOf('@');
  const repository = repositoryOf(image);
  const tag = at >= 0 ? image.slice(at + 1) : image.slice(repository.length + 1);
  return { fromImage: repository, tag: tag || 'latest' };
}

export function imageOperationsOf(api: EngineApi): ImageOperations {
  return {
    async pullImage(image, registryAuth, onProgress, signal) {
      const { fromImage, tag } = pullTarget(image);
      const query = `fromImage=${encodeURIComponent(fromImage)}&tag=${encodeURIComponent(tag)}`;
      const reply = await api.stream('POST', `/images/create?${query}`, {
        headers: registryAuth === null ? {} : { 'X-Registry-Auth': registryAuth },
        onBody: onProgress,
        signal,
      });
      if (reply.status < 200 || reply.status >= 300)
        throw new ImagePullError(image, daemonMessageOf(reply) || `HTTP ${reply.status}`, reply.status);
    },
    async tagImage(source, target) {
      const { fromImage, tag } = pullTarget(target);
      const query = `repo=${encodeURIComponent(fromImage)}&tag=${encodeURIComponent(tag)}`;
      await api.json('POST', `/images/${encodeURIComponent(source)}/tag?${query}`);
    },
    async hostImageOf(image) {
      const found = await api.json<{ Id?: unknown; RepoDigests?: unknown }>(
        'GET',
        `/images/${encodeURIComponent(image)}/json`,
        undefined,
        [404],
      );
      if (found === null) return null;
      const digests = Array.isArray(found.RepoDigests) ? found.RepoDigests : [];
      return {
        id: typeof found.Id === 'string' ? found.Id : '',
        repoDigests: digests.filter((digest): digest is string => typeof digest === 'string'),
      };
    },
  };
}
