// What the hook reads of a container's inspect data (the Engine API's, as `docker container inspect`
// prints it): health, ports and environment.

export type HealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy' | 'exited';

export interface ContainerFacts {
  id: string;
  health: HealthStatus;
  /** Container port -> host port, as the runner expects them ("5432" -> "49153"). */
  ports: Record<string, string>;
  /** The container's environment (image ENV plus -e), as NAME=value entries. */
  env: string[];
  /** The command Docker runs as the container's health check, or null when it has none. */
  healthCommand: string[] | null;
}

export interface InspectEntry {
  Id?: string;
  /** The id of the container's image (`sha256:...`). */
  Image?: string;
  State?: { Status?: string; Health?: { Status?: string } | null };
  Config?: {
    Env?: string[] | null;
    Labels?: Record<string, string> | null;
    Tty?: boolean;
    OpenStdin?: boolean;
    AttachStdin?: boolean;
    AttachStdout?: boolean;
    AttachStderr?: boolean;
    Healthcheck?: { Test?: string[] | null } | null;
    Shell?: string[] | null;
  };
  NetworkSettings?: { Ports?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null };
}

export function containerFactsOf(entry: InspectEntry): ContainerFacts {
  return {
    id: entry.Id ?? '',
    health: healthOf(entry),
    ports: portsOf(entry),
    env: entry.Config?.Env ?? [],
    healthCommand: healthCommandOf(entry),
  };
}

/** As Docker builds it: CMD's words, or CMD-SHELL's through the container's shell (`/bin/sh -c`). */
function healthCommandOf(entry: InspectEntry): string[] | null {
  const [kind, ...words] = entry.Config?.Healthcheck?.Test ?? [];
  if (words.length === 0) return null;
  if (kind === 'CMD') return words;
  if (kind === 'CMD-SHELL')
    return [...(entry.Config?.Shell?.length ? entry.Config.Shell : ['/bin/sh', '-c']), ...words];
  return null;
}

function healthOf(entry: InspectEntry): HealthStatus {
  const state = entry.State?.Status;
  // podman says `stopped` between the end of a container's process and its own clean-up (then `exited`).
  if (state === 'exited' || state === 'dead' || state === 'stopped') return 'exited';
  const health = entry.State?.Health?.Status;
  if (health === 'starting' || health === 'healthy' || health === 'unhealthy') return health;
  return 'none';
}

function portsOf(entry: InspectEntry): Record<string, string> {
  const ports: Record<string, string> = {};
  for (const [key, bindings] of Object.entries(entry.NetworkSettings?.Ports ?? {})) {
    const containerPort = key.split('/')[0] ?? key;
    const hostPort = bindings?.find((binding) => binding.HostPort)?.HostPort;
    if (hostPort && !(containerPort in ports)) ports[containerPort] = hostPort;
  }
  return ports;
}

/** The value of one variable in a container's environment list. */
export function envValue(env: readonly string[], name: string): string | undefined {
  const entry = env.find((item) => item.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

/** Whether /etc/os-release says Alpine (ID=alpine), as the runner checks it. */
export function isAlpineOsRelease(osRelease: string): boolean {
  return /^ID=["']?alpine["']?\s*$/m.test(osRelease);
}
