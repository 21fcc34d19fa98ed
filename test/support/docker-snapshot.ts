// What exists in the daemon and on disk, to prove a job left nothing behind.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

export interface Snapshot {
  containers: Set<string>;
  networks: Set<string>;
  volumes: Set<string>;
  images: Set<string>;
}

function ids(args: string[]): Set<string> {
  return new Set(execFileSync('docker', args, { encoding: 'utf8' }).split('\n').filter(Boolean));
}

export function snapshotDocker(): Snapshot {
  return {
    containers: ids(['ps', '--all', '--quiet', '--no-trunc']),
    // Only user-defined networks: the default ones get new ids when dockerd restarts.
    networks: ids(['network', 'ls', '--quiet', '--no-trunc', '--filter', 'type=custom']),
    volumes: ids(['volume', 'ls', '--quiet']),
    images: ids(['image', 'ls', '--quiet', '--no-trunc']),
  };
}

/** Objects present now that were not in `before`, by kind. */
export function leftOver(before: Snapshot, after = snapshotDocker()): Record<keyof Snapshot, string[]> {
  const diff = (a: Set<string>, b: Set<string>) => [...b].filter((x) => !a.has(x));
  return {
    containers: diff(before.containers, after.containers),
    networks: diff(before.networks, after.networks),
    volumes: diff(before.volumes, after.volumes),
    images: diff(before.images, after.images),
  };
}

/** Containers and networks the hook labelled for one runner (see runnerIdOf in src/hook/config.ts). */
export function labelledFor(runnerId: string): { containers: string[]; networks: string[] } {
  const label = `label=dockhand.runner=${runnerId}`;
  return {
    containers: [...ids(['ps', '--all', '--quiet', '--no-trunc', '--filter', label])],
    networks: [...ids(['network', 'ls', '--quiet', '--no-trunc', '--filter', label])],
  };
}

/** Every file below `dir`, relative to it. */
export function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => `${e.parentPath}/${e.name}`.slice(dir.length + 1));
}
