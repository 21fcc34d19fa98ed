// The real-image benchmark's images: the stack's PostgreSQL 15, Redis and application images
// (`stack.sh images-real`, ~650 MB from Debian packages), made again for the bench so that a cold pull
// downloads and extracts all of them. The stack's own copies cannot serve: each is one layer that its
// local `dockhand-test/*` tag keeps in dockerd's layer store, and a pull of the same layer under another
// name finds it there ("Already exists") and downloads nothing.
//
// So each bench image is the stack's cached Debian tarball with one small file of its own in front (the
// image's name), imported with the same config: a layer with the same files plus one, which no other
// image on the host has. Its bytes are the same every run, so its digest is too: a rerun imports it
// again but pushes no new layer, and the registry does not grow.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Stack } from '../test/support/stack';
import { CONTENDERS, type BenchImage, type BenchImageSet, type Contender } from './bench-images';
import { docker, dockerWithInput, removeImages, removeImagesLabelled, type DockerEnv } from './docker';

/** The job container's image, then the two services', in the order of a set. */
export const REAL_ROLES = ['app', 'postgres', 'redis'] as const;
export type RealRole = (typeof REAL_ROLES)[number];

/** The fields of an image's config that `docker import --change` can set and the real images use. */
export interface ImageConfig {
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, unknown> | null;
  Volumes?: Record<string, unknown> | null;
  Labels?: Record<string, string> | null;
}

/**
 * Every real bench image carries this label, so that copies an interrupted run left behind can be found.
 * Not bench-images' label: the two benches may run at the same time, and must not remove each other's.
 */
const LABEL = 'dockhand.bench-real';
/** The tar entry's mtime and owner are fixed, so that the layer's digest is the same every run. */
const FIXED_MTIME_SECONDS = Date.parse('2024-01-01T00:00:00Z') / 1000;

/** `postgres` and `redis` last, so that the hook names the services as the runner's workflows do. */
function refOf(stack: Stack, role: RealRole, contender: Contender): string {
  return `${stack.registries.ecrUsEast1}/dockhand/bench-real/${role}:${contender}`;
}

export function realBenchRefs(stack: Stack): string[] {
  return CONTENDERS.flatMap((contender) => REAL_ROLES.map((role) => refOf(stack, role, contender)));
}

/** One regular file as a tar entry (ustar header, content, padding), with no end-of-archive after it. */
export function tarEntry(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;
  header.write(name, 0, 100, 'utf8');
  header.write(octal(0o644, 8), 100);
  header.write(octal(0, 8), 108);
  header.write(octal(0, 8), 116);
  header.write(octal(content.length, 12), 124);
  header.write(octal(FIXED_MTIME_SECONDS, 12), 136);
  header.fill(' ', 148, 156); // the checksum counts its own field as spaces
  header.write('0', 156);
  header.write('ustar\0' + '00', 257, 'latin1');
  const sum = header.reduce((total, byte) => total + byte, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([header, content, Buffer.alloc((512 - (content.length % 512)) % 512)]);
}

/** `docker import --change` lines that give an imported image the config of `config`. */
export function changesFor(config: ImageConfig): string[] {
  const changes = (config.Env ?? []).map((variable) => {
    const at = variable.indexOf('=');
    return `ENV ${variable.slice(0, at)}=${JSON.stringify(variable.slice(at + 1))}`;
  });
  if (config.Entrypoint) changes.push(`ENTRYPOINT ${JSON.stringify(config.Entrypoint)}`);
  if (config.Cmd) changes.push(`CMD ${JSON.stringify(config.Cmd)}`);
  if (config.WorkingDir) changes.push(`WORKDIR ${config.WorkingDir}`);
  if (config.User) changes.push(`USER ${config.User}`);
  for (const port of Object.keys(config.ExposedPorts ?? {})) changes.push(`EXPOSE ${port}`);
  const volumes = Object.keys(config.Volumes ?? {});
  if (volumes.length > 0) changes.push(`VOLUME ${JSON.stringify(volumes)}`);
  changes.push(`LABEL ${LABEL}=1`);
  return changes.flatMap((change) => ['--change', change]);
}

/**
 * The stack's local copy of a real image and the Debian tarball it was imported from (stack.sh names it
 * after the image and the digest of what it is made of, which the image carries as a label).
 */
async function stackSource(env: DockerEnv, stack: Stack, role: RealRole) {
  const stackRef = stack.realImages?.[role];
  if (!stackRef) throw new Error("the stack has no real images: run 'test/stack/stack.sh images-real'");
  const local = stackRef.replace(/^dockhand\//, 'dockhand-test/');
  const config = JSON.parse(
    await docker(env, ['image', 'inspect', '--format', '{{json .Config}}', local]).catch(() => 'null'),
  ) as ImageConfig | null;
  const sum = config?.Labels?.['dockhand.stack.sum'];
  const tarball = path.join(stack.dir, 'real-images', `${role}-${sum}.tar`);
  if (!config || !sum || !existsSync(tarball))
    throw new Error(
      `the stack's real image ${local} or its tarball ${tarball} is missing: run 'test/stack/stack.sh images-real'`,
    );
  return { config, tarball };
}

/** Imports one bench image from `tarball` with `marker` in front of it; its one layer is its own. */
async function importImage(
  env: DockerEnv,
  ref: string,
  config: ImageConfig,
  tarball: string,
): Promise<BenchImage> {
  const marker = tarEntry('./dockhand-bench-image', Buffer.from(`${ref}\n`));
  await dockerWithInput(env, ['import', ...changesFor(config), '-', ref], [marker, tarball]);
  const layers = JSON.parse(
    await docker(env, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref]),
  ) as string[];
  const [layer] = layers;
  if (!layer || layers.length !== 1)
    throw new Error(`bench image ${ref} has ${layers.length} layers, expected the one it was imported as`);
  // One layer: its chain id is its diffID.
  return { ref, layer, chainId: layer };
}

/** Pushes one image; returns how many of its layers the registry did not have yet. */
async function push(env: DockerEnv, ref: string): Promise<number> {
  const output = await docker(env, ['push', ref]);
  return output.split('\n').filter((line) => /: Pushed$/.test(line.trim())).length;
}

export interface RealBenchImages {
  sets: Record<Contender, BenchImageSet>;
  /** Layers the registry did not have yet (0 on a rerun). */
  layersPushed: number;
  /** Each image's size on the host, in bytes, by role. */
  sizes: Record<RealRole, number>;
}

/**
 * Makes and pushes the baseline's and dockhand's sets (app, postgres, redis) and removes them from the
 * host again. `env` must reach the stack's ECR-shaped registry through its credential helper.
 */
export async function buildRealBenchImages(env: DockerEnv, stack: Stack): Promise<RealBenchImages> {
  await removeRealBenchImages(env, stack);
  const sets = { baseline: [], dockhand: [] } as Record<Contender, BenchImageSet>;
  const sizes = {} as Record<RealRole, number>;
  let layersPushed = 0;
  try {
    for (const role of REAL_ROLES) {
      const { config, tarball } = await stackSource(env, stack, role);
      for (const contender of CONTENDERS) {
        const image = await importImage(env, refOf(stack, role, contender), config, tarball);
        sizes[role] = Number(await docker(env, ['image', 'inspect', '--format', '{{.Size}}', image.ref]));
        layersPushed += await push(env, image.ref);
        sets[contender].push(image);
      }
    }
  } finally {
    await removeRealBenchImages(env, stack);
  }
  return { sets, layersPushed, sizes };
}

/**
 * Removes every container made from a real bench image (they inherit its label: what a failed or
 * interrupted run left), with its anonymous volumes.
 */
export async function removeRealBenchContainers(env: DockerEnv): Promise<void> {
  const ids = await docker(env, ['ps', '--all', '--quiet', '--filter', `label=${LABEL}`]);
  if (ids !== '') await docker(env, ['rm', '--force', '--volumes', ...ids.split('\n')]);
}

/** Removes every local copy of the real bench images; returns the ids of those still there. */
export async function removeRealBenchImages(env: DockerEnv, stack: Stack): Promise<string[]> {
  await removeRealBenchContainers(env);
  await removeImages(env, realBenchRefs(stack));
  return removeImagesLabelled(env, LABEL);
}
