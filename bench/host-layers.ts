// Puts the bench images on the host or takes them off it, and proves a cold pull will be cold.
//
// Removing an image is not enough to prove that: `docker image rm --force` of an image that a stopped or
// created container still uses deletes the image, yet its layers stay in dockerd's layer store for the
// container, and the next `docker pull` finds them there ("Already exists") and downloads nothing. No
// docker command lists such layers, so the check looks at the layer store itself: a layer is on the host
// exactly when dockerd's layer database has a folder named after its chain id.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BenchImageSet } from './bench-images';
import { docker, removeImages, type DockerEnv } from './docker';

/** dockerd's layer database (per graph driver), where each layer on the host has a folder. */
async function layerDatabase(env: DockerEnv): Promise<string> {
  const info = await docker(env, ['info', '--format', '{{.DockerRootDir}}\t{{.Driver}}']);
  const [root = '', driver = ''] = info.split('\t');
  const dir = path.join(root, 'image', driver, 'layerdb', 'sha256');
  if (!existsSync(dir))
    throw new Error(
      `cannot check that cold pulls are cold: dockerd's layer database ${dir} is not there; ` +
        'run the bench as root on the docker host (a graph driver such as overlay2)',
    );
  return dir;
}

/** Removes a set's images from the host and checks that their extra layers are really gone. */
export async function removeFromHost(env: DockerEnv, set: BenchImageSet): Promise<void> {
  await removeImages(
    env,
    set.map((image) => image.ref),
  );
  const layers = await layerDatabase(env);
  for (const image of set) {
    if (existsSync(path.join(layers, image.chainId.replace(/^sha256:/, ''))))
      throw new Error(
        `cold pulls are not cold: the extra layer of ${image.ref} is still on the host after removing the ` +
          'image; a container or another image still uses it (docker ps -a, docker image ls -a): remove it ' +
          'and run the bench again',
      );
  }
}

/** Pulls a set's images so that they are on the host, as the runner would find them on a warm machine. */
export async function pullToHost(env: DockerEnv, set: BenchImageSet): Promise<void> {
  for (const image of set) await docker(env, ['pull', '--quiet', image.ref]);
}
