// The environments the docker CLI runs with. A job's variables are in none of them: they reach containers
// only in the Engine API's request bodies (through the env proxy for creates, directly for a step's exec).

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

/** The docker CLI's environment for builds, and credential helpers': what helpers need, DOCKER_CONFIG resolved. */
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
 * The environment of a CLI call that creates a container (create, run): DOCKER_HOST is the hook's env
 * proxy (src/docker/env-proxy.ts), which adds the job's variables on the way to the daemon. Besides, only
 * the runner's PATH and HOME and the docker config, so that `--pull` in the workflow's options finds the
 * same credential helpers as the hook's pulls. Nothing else: `-e NAME` in options copies NAME from this
 * environment into the container, so it holds no secret (no AWS_*, no HOOK_ENV_PASSTHROUGH names).
 */
export function proxiedCliEnv(
  cliEnv: Readonly<Record<string, string>>,
  proxyHost: string,
): Record<string, string> {
  const env: Record<string, string> = { DOCKER_HOST: proxyHost };
  for (const name of ['PATH', 'HOME', 'DOCKER_CONFIG']) {
    const value = cliEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export class ContainerEnvError extends Error {
  override name = 'ContainerEnvError';
}

function checkContainerVariable(name: string, value: string): void {
  if (!name || name.includes('=') || name.includes('\0'))
    throw new ContainerEnvError(`environment variable '${name}' cannot be passed to a container; rename it`);
  if (value.includes('\0'))
    throw new ContainerEnvError(
      `the value of environment variable ${name} has a NUL character, which no environment can hold; remove it`,
    );
}

/** A job's variables as the Engine API takes them (`NAME=value`): a name the daemon would misread is refused. */
export function containerEnvEntries(jobEnv: Readonly<Record<string, string>>): string[] {
  return Object.entries(jobEnv).map(([name, value]) => {
    checkContainerVariable(name, value);
    return `${name}=${value}`;
  });
}
