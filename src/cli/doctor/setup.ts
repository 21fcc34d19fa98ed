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

const PASSED_NAMES = new Set([
  'PATH',
  'HOME',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
]);
const PASSED_PREFIXES = ['DOCKER_', 'AWS_'];

/** The hook's rule for docker's environment (see the hook's settings): fixed names plus HOOK_ENV_PASSTHROUGH. */
export function dockerEnvOf(
  hookEnv: Record<string, string>,
  dockerConfigDir: string,
): Record<string, string> {
  const extra = (hookEnv.HOOK_ENV_PASSTHROUGH ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const passes = (key: string): boolean =>
    PASSED_NAMES.has(key) ||
    [...PASSED_PREFIXES, ...extra.filter((n) => n.endsWith('*')).map((n) => n.slice(0, -1))].some((p) =>
      key.startsWith(p),
    ) ||
    extra.includes(key);
  const env = Object.fromEntries(Object.entries(hookEnv).filter(([key]) => passes(key)));
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
  const [dockerConfigDir, dockerConfigSource] =
    hookEnv.HOOK_DOCKER_CONFIG !== undefined
      ? [hookEnv.HOOK_DOCKER_CONFIG, 'HOOK_DOCKER_CONFIG']
      : hookEnv.DOCKER_CONFIG !== undefined
        ? [hookEnv.DOCKER_CONFIG, 'DOCKER_CONFIG']
        : [path.join(hookEnv.HOME ?? home, '.docker'), "the runner user's home"];
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
