// The hook's settings, read once from the runner's environment at the entrypoint. Everything below takes
// this typed config and never reads process.env.
import { realpathSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { dockerCliSettingsOf } from '../docker/cli-settings';
import type { EngineEndpoint, SocketMapping } from '../docker/engine-endpoint';
import { jobFeaturesOf, type FeatureSet } from './features';
import type { PullPolicy } from '../docker/pull';
import { eventsTargetOf, parsePullPolicy, parseRegistryMirrors, type EventsTarget } from './pull-settings';
import { parseServiceAliases, type ServiceAliasRule } from './service-aliases';
import { errnoCodeOf } from '../protocol/errors';

export interface HookConfig {
  dockerPath: string;
  dockerConfigDir: string;
  /** The docker CLI's environment for pulls, logins and builds (helpers need PATH, HOME, AWS_* ...). */
  cliEnv: Record<string, string>;
  /** Where the Engine API is: the daemon the CLI's environment and config point at. */
  engineEndpoint: EngineEndpoint;
  /** What the runner's /var/run/docker.sock mounts become (the engine's own socket, when it has one). */
  socketMapping: SocketMapping;
  /** RUNNER_TEMP, whose hash tells this runner's containers apart from any other runner's. */
  runnerTemp: string | null;
  /** The runner's _work folder (RUNNER_TEMP's parent, links resolved); null without RUNNER_TEMP. */
  workDir: string | null;
  /** The user and group the hook runs as: the runner's, to whom cleanup_job gives _work back. */
  runnerUser: { uid: number; gid: number };
  /** Folder for throw-away secrets; never under _work, which jobs can read. */
  privateBase: string;
  networkDriver: string | null;
  serviceAliases: ServiceAliasRule[];
  features: FeatureSet;
  /** Which feature rule chose `features`, for the job log; null when no rules are set. */
  featuresReason: string | null;
  debug: boolean;
  healthTimeoutMs: number;
  /** How much of each service's log cleanup_job prints: its end, this many bytes at most. */
  serviceLogMaxBytes: number;
  pullAttempts: number;
  pullTimeoutMs: number;
  retryBaseDelayMs: number;
  /** Source registry -> mirror host and path prefix (HOOK_REGISTRY_MIRRORS). */
  registryMirrors: Map<string, string>;
  pullPolicy: PullPolicy;
  /** Where each hook call appends its JSON line of events (HOOK_EVENTS_FILE); null: nowhere. */
  events: EventsTarget | null;
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

/** The label value that is unique per runner even when two runners share a name and a dockerd. */
export function runnerIdOf(runnerTemp: string): string {
  return createHash('sha256').update(path.resolve(runnerTemp)).digest('hex').slice(0, 16);
}

function realpathOrResolved(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** The runner's _work folder (RUNNER_TEMP's parent), as it really is. */
function workDirOf(env: Env): string | null {
  return env.RUNNER_TEMP ? realpathOrResolved(path.dirname(path.resolve(env.RUNNER_TEMP))) : null;
}

/**
 * Throw-away secrets must never land in `_work` (mounted into job containers at /__w), not even through
 * a link, nor in a folder someone else can write (they could swap in their own entries): the real folder
 * must be the runner user's and closed to others' writes, or a shared sticky one like /tmp (whose owner
 * is root or the runner user), where each throw-away folder is created 0700 by this process.
 */
function privateBaseOf(env: Env, tmpdir: string, uid: number): string {
  const what = env.HOOK_PRIVATE_DIR ? 'HOOK_PRIVATE_DIR' : 'the temp folder';
  const given = path.resolve(env.HOOK_PRIVATE_DIR || tmpdir);
  let base;
  let stat;
  try {
    base = realpathSync(given);
    stat = statSync(base);
  } catch (error) {
    // realpathSync and statSync throw only errno errors, each with a `code`.
    throw new HookConfigError(
      `${what} ${given} cannot be used (${errnoCodeOf(error)}); create it as a folder of the runner user, mode 0700`,
    );
  }
  const named = base === given ? given : `${given} (a link to ${base})`;
  if (!stat.isDirectory())
    throw new HookConfigError(`${what} ${named} is not a folder; set HOOK_PRIVATE_DIR to a folder`);
  const work = workDirOf(env);
  if (work && (base === work || base.startsWith(`${work}${path.sep}`))) {
    throw new HookConfigError(
      `${what} ${named} is inside the runner's _work folder, which jobs can read; set HOOK_PRIVATE_DIR to a folder outside it`,
    );
  }
  const sticky = (stat.mode & 0o1000) !== 0;
  if (stat.uid !== uid && !(sticky && stat.uid === 0)) {
    throw new HookConfigError(
      `${what} ${named} is owned by uid ${stat.uid}, not by the runner user (uid ${uid}); use a folder the runner user owns`,
    );
  }
  if ((stat.mode & 0o022) !== 0 && !sticky) {
    throw new HookConfigError(
      `${what} ${named} can be written by others (mode ${(stat.mode & 0o777).toString(8)}); run chmod go-w on it, or use a folder only the runner user can write`,
    );
  }
  return base;
}

export interface HookSystem {
  homedir: string;
  tmpdir: string;
  /** The user and group the hook runs as; this process's own by default. */
  uid?: number;
  gid?: number;
}

export function hookConfigFromEnv(env: Env, system: HookSystem): HookConfig {
  // The same rules as `dockhand doctor`, from the same module.
  const { dockerPath, dockerConfigDir, cliEnv, engineEndpoint, socketMapping } = dockerCliSettingsOf(
    env,
    system.homedir,
  );
  if (!dockerPath)
    throw new HookConfigError(
      "no executable docker CLI on the runner's PATH; install it or set HOOK_DOCKER_PATH",
    );
  const { features, reason: featuresReason } = jobFeaturesOf(env);
  const uid = system.uid ?? process.getuid?.() ?? 0;
  return {
    dockerPath,
    dockerConfigDir,
    cliEnv,
    engineEndpoint,
    socketMapping,
    runnerTemp: env.RUNNER_TEMP || null,
    workDir: workDirOf(env),
    runnerUser: { uid, gid: system.gid ?? process.getgid?.() ?? 0 },
    privateBase: privateBaseOf(env, system.tmpdir, uid),
    networkDriver: env.ACTIONS_RUNNER_NETWORK_DRIVER || null,
    serviceAliases: parseServiceAliases(env.HOOK_SERVICE_ALIASES),
    features,
    featuresReason,
    debug: env.RUNNER_DEBUG === '1',
    healthTimeoutMs: positiveNumber(env, 'HOOK_HEALTH_TIMEOUT_SECONDS', 300) * 1000,
    serviceLogMaxBytes: Math.round(positiveNumber(env, 'HOOK_SERVICE_LOG_MAX_MB', 4) * 1024 * 1024),
    pullAttempts: Math.round(positiveNumber(env, 'HOOK_PULL_ATTEMPTS', 3)),
    pullTimeoutMs: positiveNumber(env, 'HOOK_PULL_TIMEOUT_SECONDS', 600) * 1000,
    retryBaseDelayMs: positiveNumber(env, 'HOOK_RETRY_BASE_MS', 1000),
    registryMirrors: parseRegistryMirrors(env.HOOK_REGISTRY_MIRRORS),
    pullPolicy: parsePullPolicy(env.HOOK_PULL_POLICY),
    events: eventsTargetOf(env, workDirOf(env)),
  };
}
