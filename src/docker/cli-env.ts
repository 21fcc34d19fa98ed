// The environments the docker CLI runs with. Two are kept apart: the host's (for the CLI itself and the
// credential helpers it starts) and the job's (which only ever reaches containers through `-e NAME`).

/** Names the docker CLI and credential helpers need, copied from the runner's environment. */
const EXACT = new Set([
  'PATH',
  'HOME',
  'USER',
  'TMPDIR',
  'XDG_RUNTIME_DIR',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'AWS_CA_BUNDLE',
]);
const PREFIXES = ['DOCKER_', 'AWS_'];
const PROXIES = new Set(['http_proxy', 'https_proxy', 'no_proxy', 'all_proxy']);

function isPassedThrough(name: string, extra: readonly string[]): boolean {
  if (EXACT.has(name) || PROXIES.has(name.toLowerCase())) return true;
  if (PREFIXES.some((prefix) => name.startsWith(prefix))) return true;
  // HOOK_ENV_PASSTHROUGH entries ending in '*' are prefixes, the others exact names.
  return extra.some((entry) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : name === entry));
}

/** HOOK_ENV_PASSTHROUGH: comma-separated names; an entry ending in `*` is a prefix. */
export function parseEnvPassthrough(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The docker CLI's environment for pulls, logins and builds: what helpers need, DOCKER_CONFIG resolved. */
export function dockerCliEnv(
  hostEnv: Readonly<Record<string, string | undefined>>,
  passthrough: readonly string[],
  dockerConfigDir: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(hostEnv)) {
    if (value !== undefined && isPassedThrough(name, passthrough)) env[name] = value;
  }
  env.DOCKER_CONFIG = dockerConfigDir;
  return env;
}

/**
 * The lean environment for calls that carry a job's variables (create, run): only what makes the CLI
 * reach the right daemon. No AWS_* or helper variables, so a job's `-e NAME` can never pick up a host value.
 */
export function daemonOnlyEnv(cliEnv: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(cliEnv)) if (name.startsWith('DOCKER_')) env[name] = value;
  return env;
}

export interface ContainerEnvPlan {
  /** The CLI's process environment: the daemon-only env plus the job values passed by name. */
  cliEnv: Record<string, string>;
  /** `-e NAME` flags: values come from cliEnv, so they never show on a command line. */
  flags: string[];
  /** Variables whose names the CLI itself reads (DOCKER_*): they go through a 0600 --env-file. */
  fileEntries: Array<[string, string]>;
}

export class ContainerEnvError extends Error {
  override name = 'ContainerEnvError';
}

function checkContainerVariable(name: string, value: string): void {
  if (!name || name.includes('=') || name.includes('\0') || value.includes('\0')) {
    throw new ContainerEnvError(`environment variable '${name}' cannot be passed to a container; rename it`);
  }
}

/** A job's variables as the Engine API takes them (`NAME=value`), checked as for the CLI. */
export function containerEnvEntries(jobEnv: Readonly<Record<string, string>>): string[] {
  return Object.entries(jobEnv).map(([name, value]) => {
    checkContainerVariable(name, value);
    return `${name}=${value}`;
  });
}

/** Splits a job's variables between `-e NAME` (value in the CLI's env) and an env file, never the command line. */
export function planContainerEnv(
  jobEnv: Readonly<Record<string, string>>,
  daemonEnv: Readonly<Record<string, string>>,
): ContainerEnvPlan {
  const cliEnv = { ...daemonEnv };
  const flags: string[] = [];
  const fileEntries: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(jobEnv)) {
    checkContainerVariable(name, value);
    if (name.startsWith('DOCKER_')) {
      if (/[\r\n]/.test(value)) {
        throw new ContainerEnvError(
          `environment variable ${name} has a line break, which docker's --env-file cannot carry; use a single-line value`,
        );
      }
      fileEntries.push([name, value]);
    } else {
      cliEnv[name] = value;
      flags.push('-e', name);
    }
  }
  return { cliEnv, flags, fileEntries };
}
