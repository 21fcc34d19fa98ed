// The Engine API create body of a container without `options:` or ports, with the fields `docker create`
// would send for the same flags (src/docker/args.ts builds those flags): every step's container as the
// runner sends it, and a job container or service with neither, created with no docker CLI process and
// no env proxy.
import { mountArg, type ContainerSpec } from './args';
import type { DockerConfigFile } from './docker-config';
import type { ContainerCreateBody } from './engine-objects';

/** Whether the spec has nothing that only the docker CLI's parsing can turn into a create body. */
export function isPlainSpec(spec: ContainerSpec): boolean {
  return spec.options.length === 0 && spec.ports.length === 0;
}

/**
 * `env`: the container's variables (`NAME=value`), with what the docker config's `proxies` add
 * (proxyEntriesOf). Throws for a spec with options or ports (isPlainSpec).
 */
export function createBodyOf(
  spec: ContainerSpec,
  env: string[],
  { autoRemove = false } = {},
): ContainerCreateBody {
  if (!isPlainSpec(spec)) throw new Error('createBodyOf: options and ports are for the docker CLI to parse');
  const binds = spec.mounts.filter((mount) => mount.sourceVolumePath).map(mountArg);
  const anonymous = spec.mounts.filter((mount) => !mount.sourceVolumePath);
  return {
    Image: spec.image,
    ...(spec.entrypoint ? { Entrypoint: [spec.entrypoint] } : {}),
    ...(spec.command.length > 0 ? { Cmd: spec.command } : {}),
    Env: env,
    WorkingDir: spec.workdir ?? '',
    Labels: spec.labels,
    // What `docker create` attaches when not told otherwise (no -a, -i or -t).
    AttachStdout: true,
    AttachStderr: true,
    ...(anonymous.length > 0
      ? { Volumes: Object.fromEntries(anonymous.map((mount) => [mount.targetVolumePath, {}])) }
      : {}),
    HostConfig: {
      NetworkMode: spec.network ?? 'default',
      Binds: binds,
      AutoRemove: autoRemove,
      RestartPolicy: { Name: 'no' },
    },
    ...(spec.network && spec.networkAliases.length > 0
      ? { NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: spec.networkAliases } } } }
      : {}),
  };
}

/** The docker config's proxy settings, and the variables `docker create` makes of them. */
const PROXY_VARIABLES = [
  ['httpProxy', 'HTTP_PROXY'],
  ['httpsProxy', 'HTTPS_PROXY'],
  ['noProxy', 'NO_PROXY'],
  ['ftpProxy', 'FTP_PROXY'],
  ['allProxy', 'ALL_PROXY'],
] as const;

/**
 * What the docker CLI adds to a container it creates from the config's `proxies` (its `default` entry):
 * each proxy that is set, as NAME and name, unless the container's variables already have that name
 * (the workflow's own value wins, as with the runner's `docker create -e`).
 */
export function proxyEntriesOf(config: DockerConfigFile, env: readonly string[]): string[] {
  const proxies = config.proxies?.default;
  if (!proxies) return [];
  const named = new Set(env.map((entry) => entry.slice(0, entry.indexOf('='))));
  return PROXY_VARIABLES.flatMap(([key, name]) => {
    const value = proxies[key];
    if (typeof value !== 'string' || value === '') return [];
    return [name, name.toLowerCase()].filter((n) => !named.has(n)).map((n) => `${n}=${value}`);
  });
}
