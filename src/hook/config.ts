// The hook's settings, read once from the runner's environment at the entrypoint. Everything below takes
// this typed config and never reads process.env.
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { dockerCliEnv, parseEnvPassthrough } from '../docker/cli-env';
import { currentContextOf, dockerConfigDirOf } from '../docker/docker-config';
import { engineEndpointOf, type EngineEndpoint } from '../docker/engine-endpoint';
import { jobFeaturesOf, type FeatureSet } from './features';
import { parseServiceAliases, type ServiceAliasRule } from './service-aliases';

export interface HookConfig {
  dockerPath: string;
  dockerConfigDir: string;
  /** The docker CLI's environment for pulls, logins and builds (helpers need PATH, HOME, AWS_* ...). */
  cliEnv: Record<string, string>;
  /** Where the Engine API is: the daemon the CLI's environment and config point at. */
  engineEndpoint: EngineEndpoint;
  /** RUNNER_TEMP, whose hash tells this runner's containers apart from any other runner's. */
  runnerTemp: string | null;
  /** Folder for throw-away secrets; never under _work, which jobs can read. */
  privateBase: string;
  networkDriver: string | null;
  serviceAliases: ServiceAliasRule[];
  features: FeatureSet;
  /** Which feature rule chose `features`, for the job log; null when no rules are set. */
  featuresReason: string | null;
  debug: boolean;
  healthTimeoutMs: number;
  pullAttempts: number;
  retryBaseDelayMs: number;
}

export class HookConfigError extends Error {
  override name = 'HookConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new HookConfigError(`${name}='${raw}' is not a positive number; fix or unset it`);
  return value;
}

function findOnPath(name: string, searchPath: string): string | null {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** The label value that is unique per runner even when two runners share a name and a dockerd. */
export function runnerIdOf(runnerTemp: string): string {
  return createHash('sha256').update(path.resolve(runnerTemp)).digest('hex').slice(0, 16);
}

/** Throw-away secrets must never land in `_work` (mounted into job containers at /__w). */
function privateBaseOf(env: Env, tmpdir: string): string {
  const base = path.resolve(env.HOOK_PRIVATE_DIR || tmpdir);
  const work = env.RUNNER_TEMP ? path.dirname(path.resolve(env.RUNNER_TEMP)) : null;
  if (work && (base === work || base.startsWith(`${work}${path.sep}`))) {
    throw new HookConfigError(
      `${env.HOOK_PRIVATE_DIR ? 'HOOK_PRIVATE_DIR' : 'the temp folder'} ${base} is inside the runner's _work folder, which jobs can read; set HOOK_PRIVATE_DIR to a folder outside it`,
    );
  }
  return base;
}

export function hookConfigFromEnv(env: Env, system: { homedir: string; tmpdir: string }): HookConfig {
  const dockerConfigDir = dockerConfigDirOf(env, system.homedir).dir;
  const passthrough = parseEnvPassthrough(env.HOOK_ENV_PASSTHROUGH);
  const dockerPath = env.HOOK_DOCKER_PATH || findOnPath('docker', env.PATH ?? '');
  if (!dockerPath)
    throw new HookConfigError(
      "docker CLI not found on the runner's PATH; install it or set HOOK_DOCKER_PATH",
    );
  const cliEnv = dockerCliEnv(env, passthrough, dockerConfigDir);
  const { features, reason: featuresReason } = jobFeaturesOf(env);
  return {
    dockerPath,
    dockerConfigDir,
    cliEnv,
    engineEndpoint: engineEndpointOf(cliEnv, currentContextOf(dockerConfigDir)),
    runnerTemp: env.RUNNER_TEMP || null,
    privateBase: privateBaseOf(env, system.tmpdir),
    networkDriver: env.ACTIONS_RUNNER_NETWORK_DRIVER || null,
    serviceAliases: parseServiceAliases(env.HOOK_SERVICE_ALIASES),
    features,
    featuresReason,
    debug: env.RUNNER_DEBUG === '1',
    healthTimeoutMs: positiveNumber(env, 'HOOK_HEALTH_TIMEOUT_SECONDS', 300) * 1000,
    pullAttempts: Math.round(positiveNumber(env, 'HOOK_PULL_ATTEMPTS', 3)),
    retryBaseDelayMs: positiveNumber(env, 'HOOK_RETRY_BASE_MS', 1000),
  };
}
