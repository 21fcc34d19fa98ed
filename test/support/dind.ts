// The dind sidecar of the test stack (test/stack/dind.sh: `test/stack/stack.sh dind up`), as tests see it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stackDir } from './stack';

export interface Sidecar {
  /** The host path of the sidecar dockerd's socket. */
  socket: string;
  bridge: string;
  pool: string;
}

export function loadSidecar(): Sidecar {
  const file = path.join(stackDir(), 'dind.json');
  if (!existsSync(file))
    throw new Error(
      `the dind sidecar is not up (${file} missing): run 'test/stack/stack.sh dind up' as root`,
    );
  return JSON.parse(readFileSync(file, 'utf8')) as Sidecar;
}

/** The real docker CLI on the given daemon's socket. */
export function dockerOn(socket: string, args: string[]): string {
  return execFileSync('docker', ['-H', `unix://${socket}`, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  }).trim();
}

export interface DockerEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
}

/** What the daemon on `socket` reported between two times (seconds since the epoch), oldest first. */
export function eventsOn(
  socket: string,
  since: number,
  until: number,
  filters: string[] = [],
): DockerEvent[] {
  const args = ['events', '--since', String(since), '--until', String(until), '--format', '{{json .}}'];
  for (const filter of filters) args.push('--filter', filter);
  return dockerOn(socket, args)
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as DockerEvent);
}
