// What a runner's jobs can leave behind on the host and in the daemon: containers and networks by label,
// private dirs under the hook's private base, ECR cache locks, processes started in the runner's folders.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { filesBelow, labelledFor } from './docker-snapshot';
import type { EcrRunnerHost } from './ecr-runner';
import { processesUnder, type RunningProcess } from './process-watch';

/** What one runner's jobs can leave behind, looked at now. */
export interface Leftovers {
  containers: string[];
  networks: string[];
  /** Private dirs under the hook's private base (TMPDIR here), each with the files it still holds. */
  privateDirs: string[];
  /** ECR cache files other than the cache itself: locks and stale locks. */
  cacheLocks: string[];
  processes: RunningProcess[];
}

export function runnerLeftovers(
  host: EcrRunnerHost,
  runnerId: string,
  root: string,
  withDocker: boolean,
): Leftovers {
  const privateDirs = readdirSync(host.tmpDir).map((name) => {
    const full = path.join(host.tmpDir, name);
    if (!statSync(full, { throwIfNoEntry: false })?.isDirectory()) return name;
    const files = filesBelow(full).map((f) => `${f} (${modeOf(path.join(full, f))})`);
    return `${name}: ${files.join(', ') || 'empty'}`;
  });
  const cacheLocks = existsSync(host.cacheDir)
    ? readdirSync(host.cacheDir).filter((name) => name !== 'cache.json')
    : [];
  const labelled = withDocker ? labelledFor(runnerId) : { containers: [], networks: [] };
  return { ...labelled, privateDirs, cacheLocks, processes: processesUnder(root) };
}

function modeOf(file: string): string {
  return ((statSync(file, { throwIfNoEntry: false })?.mode ?? 0) & 0o777).toString(8);
}

export function leftoverCount(left: Leftovers): number {
  return (
    left.containers.length +
    left.networks.length +
    left.privateDirs.length +
    left.cacheLocks.length +
    left.processes.length
  );
}

export type DockerKind = 'container' | 'network' | 'volume';

/**
 * Whether an object in the daemon may be one a runner's jobs left: it still exists, and carries that
 * runner's label, or no dockhand label and the name the hook gives (a container `dockhand-<runner>-...`,
 * a `github_network_...`); any unlabelled volume counts. Other runners' objects, on a stack shared with
 * other tests, carry their own label or other names.
 */
export function mayBeLeftBy(runnerId: string, kind: DockerKind, id: string): boolean {
  let label: string;
  let name: string;
  try {
    [label = '', name = ''] = execFileSync(
      'docker',
      ['inspect', '--type', kind, '--format', '{{index .Labels "dockhand.runner"}}\t{{.Name}}', id],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    )
      .trimEnd()
      .split('\t');
  } catch {
    return false; // gone already
  }
  if (label !== '' && label !== '<no value>') return label === runnerId;
  if (kind === 'container') return name.replace(/^\//, '').startsWith(`dockhand-${runnerId.slice(0, 8)}-`);
  if (kind === 'network') return name.startsWith('github_network_');
  return true;
}

/** Processes whose program (or script, for an interpreter) is named `name`, whoever started them. */
export function processesNamed(name: RegExp): string[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .flatMap((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 2);
        const program = argv.map((a) => path.basename(a)).find((a) => name.test(a));
        return program ? [program] : [];
      } catch {
        return []; // it ended between the listing and the read
      }
    });
}

/** The daemon's address pool still gives a bridge network (a soak leaking networks would exhaust it). */
export function networkPoolGivesOne(seed: number): boolean {
  const name = `dockhand-soak-pool-${seed}`;
  try {
    execFileSync('docker', ['network', 'create', '--label', 'dockhand.soak=pool', name], { stdio: 'ignore' });
  } catch {
    return false;
  }
  execFileSync('docker', ['network', 'rm', name], { stdio: 'ignore' });
  return true;
}
