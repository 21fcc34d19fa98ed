// What the hook will see on this runner, worked out from the runner folder, its .env and the
// environment doctor runs in: the hook's environment, the docker config it picks, the env docker gets.
import path from 'node:path';
import { credHelpersOf, type JsonObject } from '../docker-config';
import { parseEnvText, type EnvLines } from '../env-file';
import type { RunnerLayout } from '../runner-folder';

export interface DoctorSetup {
  layout: RunnerLayout;
  envLines: EnvLines | null;
  /** The runner's environment with its .env applied: what the hook process inherits. */
  hookEnv: Record<string, string>;
  dockerConfigDir: string;
  dockerConfigSource: string;
  /** The environment the hook passes to the docker CLI (and so to credential helpers). */
  dockerEnv: Record<string, string>;
}

/** Applies .env the way the runner does: in order, later lines win, `KEY=` unsets. */
export function applyEnvFile(
  base: Readonly<Record<string, string>>,
  lines: EnvLines,
): Record<string, string> {
  const env = { ...base };
  for (const line of lines) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const key = line.slice(0, at);
    const value = line.slice(at + 1);
    if (value === '') delete env[key];
    else env[key] = value;
  }
  return env;
}

// The hook's rule for docker's environment (the hook branch's src/docker/cli-env.ts, which this mirrors
// until it lands on main): these names, DOCKER_* and AWS_*, proxies in any case, HOOK_ENV_PASSTHROUGH.
const PASSED_NAMES = new Set([
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
const PASSED_PREFIXES = ['DOCKER_', 'AWS_'];
const PROXIES = new Set(['http_proxy', 'https_proxy', 'no_proxy', 'all_proxy']);

/** HOOK_ENV_PASSTHROUGH: comma-separated names; an entry ending in `*` is a prefix. */
function passedThrough(name: string, extra: readonly string[]): boolean {
  if (PASSED_NAMES.has(name) || PROXIES.has(name.toLowerCase())) return true;
  if (PASSED_PREFIXES.some((prefix) => name.startsWith(prefix))) return true;
  return extra.some((entry) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : name === entry));
}

export function dockerEnvOf(
  hookEnv: Record<string, string>,
  dockerConfigDir: string,
): Record<string, string> {
  const extra = (hookEnv.HOOK_ENV_PASSTHROUGH ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const env = Object.fromEntries(Object.entries(hookEnv).filter(([name]) => passedThrough(name, extra)));
  return { ...env, DOCKER_CONFIG: dockerConfigDir };
}

export function doctorSetup(
  layout: RunnerLayout,
  baseEnv: Readonly<Record<string, string>>,
  envText: string | null,
  home: string,
): DoctorSetup {
  const envLines = envText === null ? null : parseEnvText(envText);
  const hookEnv = applyEnvFile(baseEnv, envLines ?? []);
  // Empty values count as unset, as in the hook.
  const [dockerConfigDir, dockerConfigSource] = hookEnv.HOOK_DOCKER_CONFIG
    ? [hookEnv.HOOK_DOCKER_CONFIG, 'HOOK_DOCKER_CONFIG']
    : hookEnv.DOCKER_CONFIG
      ? [hookEnv.DOCKER_CONFIG, 'DOCKER_CONFIG']
      : [path.join(hookEnv.HOME || home, '.docker'), "the runner user's home"];
  return {
    layout,
    envLines,
    hookEnv,
    dockerConfigDir,
    dockerConfigSource,
    dockerEnv: dockerEnvOf(hookEnv, dockerConfigDir),
  };
}

export interface RegistryRoute {
  host: string;
  helper: string;
}

/** Each registry with a credential helper in the config; credsStore applies to the rest and is listed as `*`. */
export function registryRoutes(config: JsonObject): RegistryRoute[] {
  const routes = Object.entries(credHelpersOf(config)).map(([host, helper]) => ({ host, helper }));
  if (typeof config.credsStore === 'string' && config.credsStore !== '') {
    routes.push({ host: '*', helper: config.credsStore });
  }
  return routes;
}
