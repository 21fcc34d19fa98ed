// Per-verb argument builders: pure functions from what we want to what docker's CLI takes, as string
// arrays that reach spawn unchanged. Every image or container name goes after `--`, so input that starts
// with `-` can never become a flag.
import type { Mount } from '../protocol/hook-types';

export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  network: string | null;
  networkAliases: string[];
  workdir: string | null;
  entrypoint: string | null;
  command: string[];
  ports: string[];
  mounts: Mount[];
  /** The workflow's options, already shell-split. */
  options: string[];
}

export function labelArgs(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
}

export function mountArg(mount: Mount): string {
  const target = mount.sourceVolumePath
    ? `${mount.sourceVolumePath}:${mount.targetVolumePath}`
    : mount.targetVolumePath;
  return mount.readOnly ? `${target}:ro` : target;
}

/** Flags shared by `docker create` and `docker run`; the workflow's options come last, as the runner does. */
function containerFlags(spec: ContainerSpec): string[] {
  const args = ['--name', spec.name, ...labelArgs(spec.labels)];
  if (spec.network) args.push('--network', spec.network);
  for (const alias of spec.networkAliases) args.push('--network-alias', alias);
  if (spec.workdir) args.push('--workdir', spec.workdir);
  for (const port of spec.ports) args.push('--publish', port);
  for (const mount of spec.mounts) args.push('--volume', mountArg(mount));
  if (spec.entrypoint) args.push('--entrypoint', spec.entrypoint);
  args.push(...spec.options);
  return args;
}

export function createArgs(spec: ContainerSpec): string[] {
  return ['create', ...containerFlags(spec), '--', spec.image, ...spec.command];
}

/** No `--rm`: the caller removes the container (see run-container-step.ts for why). */
export function runArgs(spec: ContainerSpec): string[] {
  return ['run', ...containerFlags(spec), '--', spec.image, ...spec.command];
}

export function pullArgs(image: string): string[] {
  return ['pull', '--quiet', '--', image];
}

export function loginArgs(username: string, server: string): string[] {
  // The password goes on stdin; Docker Hub is the default server when none is named.
  return ['login', '--username', username, '--password-stdin', ...(server ? ['--', server] : [])];
}

export function networkCreateArgs(
  name: string,
  labels: Record<string, string>,
  driver: string | null,
): string[] {
  return ['network', 'create', ...labelArgs(labels), ...(driver ? ['--driver', driver] : []), '--', name];
}

export function buildArgs(
  tag: string,
  dockerfile: string,
  context: string,
  labels: Record<string, string>,
): string[] {
  return ['build', '--quiet', '--tag', tag, ...labelArgs(labels), '--file', dockerfile, '--', context];
}
