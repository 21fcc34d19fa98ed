// The hook benchmark's own images. The stack's test images all share one busybox layer that stays on
// the host in the local dockhand-test/* copies, so a "cold" pull of them fetches a manifest and a config
// and no layer. Real jobs pull images with layers of their own (postgres, redis, a toolchain), and
// downloading and extracting those is what pulling in parallel saves. So each bench image is a test image
// plus ONE layer of incompressible bytes of its own; it is built and pushed here and then removed from
// the host, so that its extra layer exists only in the registry until a job pulls it.
//
// The bytes are the same every run (an AES-CTR keystream under a fixed key per image, fixed mode and
// mtime), so the layer's digest is too: a rerun pushes no new layer and the registry does not grow.
//
// The baseline and dockhand each get a set of their own: when one goes second in a cold run, the
// other's containers still hold its images, and a shared image could not be removed from the host.
import { createCipheriv, createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  mkdtempSync,
  openSync,
  rmSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Stack } from '../test/support/stack';
import { docker, removeImages, removeImagesLabelled, type DockerEnv } from './docker';

export const CONTENDERS = ['baseline', 'dockhand'] as const;
export type Contender = (typeof CONTENDERS)[number];

export interface BenchImage {
  ref: string;
  /** The diffID of the image's extra layer. */
  layer: string;
  /** Its chain id: the name of that layer, on top of the image's others, in dockerd's layer store. */
  chainId: string;
}

/** One job's images: the job container's and the three services', in that order. */
export type BenchImageSet = BenchImage[];

export interface BuiltImages {
  sets: Record<Contender, BenchImageSet>;
  /** Layers the registry did not have yet (0 on a rerun with the same layer size). */
  layersPushed: number;
}

/** Every bench image carries this label, so that copies an interrupted run left behind can be found. */
const LABEL = 'dockhand.bench';
const MIB = 1024 * 1024;
/** The layer file's mtime goes into the layer's tar: a fixed one keeps the digest the same every run. */
const FIXED_MTIME = new Date('2024-01-01T00:00:00Z');

interface ImageSpec {
  ref: string;
  base: string;
}

/** The same spread over the registry names as the stack's images: job + one service on us-east-1. */
function imageSpecs(stack: Stack): Record<Contender, ImageSpec[]> {
  const r = stack.registries;
  const { shell, web } = stack.localImages;
  const specs = (tag: Contender): ImageSpec[] => [
    { ref: `${r.ecrUsEast1}/dockhand/bench-job:${tag}`, base: shell },
    { ref: `${r.ecrUsEast1}/dockhand/bench-svc-1:${tag}`, base: web },
    { ref: `${r.ecrEuWest1}/dockhand/bench-svc-2:${tag}`, base: web },
    { ref: `${r.plain}/dockhand/bench-svc-3:${tag}`, base: web },
  ];
  return { baseline: specs('baseline'), dockhand: specs('dockhand') };
}

/** Writes `mib` MiB of bytes that do not compress, the same ones every run for the same `seed`. */
function writeLayerFile(file: string, seed: string, mib: number): void {
  const key = createHash('sha256').update(`dockhand bench layer ${seed}`).digest();
  const keystream = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(MIB);
  const fd = openSync(file, 'w');
  try {
    for (let i = 0; i < mib; i++) writeSync(fd, keystream.update(zeros));
  } finally {
    closeSync(fd);
  }
  chmodSync(file, 0o644);
  utimesSync(file, FIXED_MTIME, FIXED_MTIME);
}

/** The chain id of an image's top layer: its diffID hashed with those of the layers below it. */
function chainId(diffIds: string[]): string {
  return diffIds.reduce(
    (below, diffId) =>
      below === '' ? diffId : `sha256:${createHash('sha256').update(`${below} ${diffId}`).digest('hex')}`,
    '',
  );
}

async function layersOf(env: DockerEnv, ref: string): Promise<string[]> {
  return JSON.parse(
    await docker(env, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref]),
  ) as string[];
}

/** Builds one image with the legacy builder (there is no buildx here) and tells its extra layer. */
async function build(env: DockerEnv, spec: ImageSpec, mib: number): Promise<BenchImage> {
  const context = mkdtempSync(path.join(tmpdir(), 'dockhand-bench-image-'));
  try {
    writeLayerFile(path.join(context, 'layer.bin'), spec.ref, mib);
    writeFileSync(
      path.join(context, 'Dockerfile'),
      `FROM ${spec.base}\nLABEL ${LABEL}=1\nCOPY layer.bin /dockhand-bench-layer.bin\n`,
    );
    await docker({ ...env, DOCKER_BUILDKIT: '0' }, ['build', '--quiet', '--tag', spec.ref, context]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  const layers = await layersOf(env, spec.ref);
  const baseLayers = await layersOf(env, spec.base);
  const layer = layers.at(-1);
  if (!layer || layers.length !== baseLayers.length + 1)
    throw new Error(`bench image ${spec.ref} has ${layers.length} layers, expected its base's + 1`);
  return { ref: spec.ref, layer, chainId: chainId(layers) };
}

/** Pushes one image; returns how many of its layers the registry did not have yet. */
async function push(env: DockerEnv, ref: string): Promise<number> {
  const output = await docker(env, ['push', ref]);
  return output.split('\n').filter((line) => /: Pushed$/.test(line.trim())).length;
}

/**
 * Builds the bench images with a `mib` MiB extra layer each, pushes them, and removes them from the host
 * again. `env` must reach the stack's registries through its credential helper.
 */
export async function buildBenchImages(env: DockerEnv, stack: Stack, mib: number): Promise<BuiltImages> {
  await removeBenchImages(env, stack);
  const specs = imageSpecs(stack);
  const sets = { baseline: [], dockhand: [] } as Record<Contender, BenchImageSet>;
  let layersPushed = 0;
  try {
    for (const contender of CONTENDERS) {
      for (const spec of specs[contender]) {
        const image = await build(env, spec, mib);
        layersPushed += await push(env, image.ref);
        sets[contender].push(image);
      }
    }
  } finally {
    await removeBenchImages(env, stack);
  }
  return { sets, layersPushed };
}

/**
 * Removes every local copy of the bench images: their tags, then any image still carrying the bench
 * label (a copy an interrupted run left untagged). Never touches the dockhand-test/* images they are
 * built from. Returns the ids of bench images that could not be removed (e.g. still used by a container).
 */
export async function removeBenchImages(env: DockerEnv, stack: Stack): Promise<string[]> {
  const specs = imageSpecs(stack);
  const refs = CONTENDERS.flatMap((contender) => specs[contender].map((spec) => spec.ref));
  await removeImages(env, refs);
  return removeImagesLabelled(env, LABEL);
}
