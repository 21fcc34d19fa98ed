// Images pushed for one test file under names no other test uses, removed from the Docker host after.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { docker, stack } from './hook-support';

/** docker with the stack's own config, whose helper can push to every registry of the stack. */
function stackDocker(...args: string[]): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DOCKER_CONFIG: stack.stackHelper.dockerConfig,
      PATH: `${stack.stackHelper.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    },
  }).trim();
}

const tags: string[] = [];

/** A tag unique to this run, e.g. for `redis:<tag>`. */
export const uniqueTag = (what: string) => `dockhand-e2e-${what}-${randomBytes(4).toString('hex')}`;

/**
 * Pushes the stack's local image `local` as `reference`, then removes every local name it was given;
 * returns the reference pinned by the digest the registry gave it.
 */
export function pushAs(local: string, reference: string): string {
  stackDocker('tag', local, reference);
  stackDocker('push', '--quiet', reference);
  const repository = reference.slice(0, reference.lastIndexOf(':'));
  const digests = JSON.parse(
    docker('image', 'inspect', '--format', '{{json .RepoDigests}}', reference),
  ) as string[];
  forget(reference);
  const pinned = digests.find((digest) => digest.startsWith(`${repository}@`));
  if (!pinned) throw new Error(`the push of ${reference} recorded no digest`);
  return pinned;
}

/**
 * Pushes `reference` as a new image: a local image of the stack (the shell by default) plus a layer of
 * `megabytes` of random bytes (nothing compresses it, no host has it), and removes it from the Docker
 * host: a pull downloads that layer whole.
 */
export function pushFreshImage(reference: string, megabytes: number, base = stack.localImages.shell): void {
  execFileSync('docker', ['build', '--quiet', '--tag', reference, '-'], {
    input: `FROM ${base}\nRUN head -c ${megabytes * 1_000_000} /dev/urandom > /fresh\n`,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  stackDocker('push', '--quiet', reference);
  forget(reference);
}

/** Removes a local name this file created (not the image under other names), now or at the end. */
export function forget(reference: string): void {
  execFileSync('docker', ['image', 'rm', reference], { stdio: 'ignore' });
}

/** Names a test's job gave images (the original references a mirror pull tags): removed at the end. */
export function removeLater(reference: string): void {
  tags.push(reference);
}

export function removeTags(): void {
  for (const tag of tags.splice(0)) {
    try {
      forget(tag);
    } catch {
      // Not there: the test failed before it was created.
    }
  }
}

export function isOnHost(reference: string): boolean {
  try {
    docker('image', 'inspect', '--format', '{{.Id}}', reference);
    return true;
  } catch {
    return false;
  }
}

/** The registry's access log lines that name `repository` (the registry of the stack logs every request). */
export function registryRequestsFor(repository: string): string[] {
  return readFileSync(path.join(stack.dir, 'registry.log'), 'utf8')
    .split('\n')
    .filter((line) => line.includes(`/v2/${repository}/`));
}
