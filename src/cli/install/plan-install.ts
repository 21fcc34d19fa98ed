// What `dockhand install` changes, computed from the current files without touching them.
import path from 'node:path';
import { UsageError } from '../context';
import {
  credHelpersOf,
  describeCredHelperChanges,
  formatDockerConfig,
  parseDockerConfig,
  withCredHelpers,
} from '../docker-config';
import {
  describeEnvChanges,
  formatEnvLines,
  getEnvLine,
  getEnvValue,
  lineEndingOf,
  parseEnvText,
  setEnvLine,
  type EnvLines,
} from '../env-file';
import type { RegistryHelper } from '../registries';
import type { RunnerLayout } from '../runner-folder';
import { dockerConfigChange, effective, type FileChange } from './changes';
import type { FileState } from './files';
import { backupOf, BUNDLES, ENV_KEYS, formatManifest, sha256, type Manifest } from './manifest';

/** systemd's PATH for services: what a runner service has when its folder has no `.path`. */
export const SERVICE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Everything install reads, gathered up front. */
export interface InstallState {
  env: FileState | null;
  /** The runner's `.path` (its first line), null when there is none. */
  runnerPath: string | null;
  dockerConfig: FileState | null;
  backup: FileState | null;
  manifest: Manifest | null;
  /** Each file dockhand installs, by path; null when missing. */
  installedFiles: Record<string, FileState | null>;
}

export interface InstallRequest {
  layout: RunnerLayout;
  dockerConfigDir: string;
  registries: RegistryHelper[];
  /** The bundles to install, by file name (see BUNDLES). */
  bundles: Record<string, string>;
  /** The release the bundles are from. */
  version: string;
  /** The runner's Node the helper launcher is pinned to. */
  helperNode: string;
  /** Replace credHelpers entries that name another helper. */
  force: boolean;
}

export function installPaths(layout: RunnerLayout) {
  const binDir = path.join(layout.dockhandDir, 'bin');
  const previousDir = path.join(layout.dockhandDir, 'previous');
  return {
    binDir,
    bundle: (name: string) => path.join(layout.dockhandDir, name),
    /** Where install keeps the bundles it replaced, for `dockhand rollback`. */
    previousDir,
    previousBundle: (name: string) => path.join(previousDir, name),
    hook: path.join(layout.dockhandDir, 'hook.js'),
    ecrLogin: path.join(layout.dockhandDir, 'ecr-login.js'),
    launcher: path.join(binDir, 'docker-credential-ecr-login'),
    manifest: path.join(layout.dockhandDir, 'install.json'),
  };
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The helper launcher, pinned to a Node the runner ships so nothing else needs to be installed. */
export function launcherScript(layout: RunnerLayout, node: string): string {
  const { ecrLogin } = installPaths(layout);
  return `#!/bin/sh\nexec ${shellQuote(node)} ${shellQuote(ecrLogin)} "$@"\n`;
}

/**
 * The PATH the runner has without dockhand: the .env PATH from before the first install, else the
 * runner's `.path` (read again on every install, so edits to it are picked up), else a service's PATH.
 */
function pathWithoutDockhand(state: InstallState, envLines: EnvLines): string {
  const recorded = state.manifest?.env.previous.PATH;
  const before =
    recorded === undefined
      ? getEnvValue(envLines, 'PATH')
      : getEnvValue(recorded === null ? [] : [recorded], 'PATH');
  return before ?? state.runnerPath ?? SERVICE_PATH;
}

/** The .env settings install makes, as KEY -> value. */
export function envSettings(request: InstallRequest, basePath: string): Record<string, string> {
  const { binDir, hook } = installPaths(request.layout);
  const alreadyFirst = basePath === binDir || basePath.startsWith(`${binDir}:`);
  return {
    ACTIONS_RUNNER_CONTAINER_HOOKS: hook,
    HOOK_DOCKER_CONFIG: request.dockerConfigDir,
    PATH: alreadyFirst ? basePath : `${binDir}:${basePath}`,
  };
}

/**
 * The version of the installed release this install replaces, when it replaces one (its bundles differ
 * from the new ones); null for a first install or a re-run with the same bundles.
 */
export function replacedVersion(request: InstallRequest, state: InstallState): string | null {
  const paths = installPaths(request.layout);
  const installed = BUNDLES.map((name) => state.installedFiles[paths.bundle(name)] ?? null);
  if (state.manifest === null || installed.every((file) => file === null)) return null;
  const differs = BUNDLES.some((name, index) => installed[index]?.text !== request.bundles[name]);
  return differs ? state.manifest.dockhandVersion : null;
}

/** Keeps what an earlier install recorded as "before"; records the current value of anything new. */
function rememberPrevious<K extends string>(
  recorded: Partial<Record<K, string | null>> | undefined,
  keys: readonly K[],
  current: (key: K) => string | null,
): Partial<Record<K, string | null>> {
  // Safe: only the keys asked for are read back, and each missing one is filled in next.
  const previous = { ...(recorded ?? {}) } as Partial<Record<K, string | null>>;
  for (const key of keys) if (!(key in previous)) previous[key] = current(key);
  return previous;
}

/** Refuses to replace a helper the owner chose for a host unless forced; dockhand's own entries are its to change. */
function checkReplaced(
  helpers: Record<string, string>,
  wanted: Record<string, string>,
  state: InstallState,
  force: boolean,
  configFile: string,
): void {
  if (force) return;
  for (const [host, helper] of Object.entries(wanted)) {
    const current = helpers[host];
    const ours = state.manifest !== null && host in state.manifest.dockerConfig.previous;
    if (current !== undefined && current !== helper && !ours) {
      throw new UsageError(
        `${configFile}: credHelpers already maps ${host} to ${JSON.stringify(current)}: add --force to replace it with ${JSON.stringify(helper)} (uninstall puts it back)`,
      );
    }
  }
}

export function planInstall(request: InstallRequest, state: InstallState): FileChange[] {
  const paths = installPaths(request.layout);
  const configFile = path.join(request.dockerConfigDir, 'config.json');
  const recorded = state.manifest;

  const configText = state.dockerConfig?.text ?? null;
  const config = parseDockerConfig(configText, configFile);
  const helpers = credHelpersOf(config);
  const wanted = Object.fromEntries(request.registries.map((r) => [r.host, r.helper]));
  checkReplaced(helpers, wanted, state, request.force, configFile);
  const merged = withCredHelpers(config, wanted);
  const configAfter = formatDockerConfig(merged, configText);
  const configChanged = configAfter !== configText;
  const makeBackup = configChanged && configText !== null && state.backup === null && recorded === null;

  const envText = state.env?.text ?? null;
  const envLines = parseEnvText(envText ?? '');
  const settings = envSettings(request, pathWithoutDockhand(state, envLines));
  let envAfter = envLines;
  for (const [key, value] of Object.entries(settings))
    envAfter = setEnvLine(envAfter, key, `${key}=${value}`);

  const replaced = replacedVersion(request, state);
  const manifest: Manifest = {
    version: 1,
    bundles: [...BUNDLES],
    dockhandVersion: request.version,
    previousVersion: replaced ?? recorded?.previousVersion ?? null,
    dockerConfig: {
      dir: request.dockerConfigDir,
      existed: recorded?.dockerConfig.existed ?? configText !== null,
      credHelpersExisted: recorded?.dockerConfig.credHelpersExisted ?? config.credHelpers !== undefined,
      backup: recorded?.dockerConfig.backup ?? makeBackup,
      previous: rememberPrevious(
        recorded?.dockerConfig.previous,
        Object.keys(wanted),
        (h) => helpers[h] ?? null,
      ) as Record<string, string | null>, // safe: rememberPrevious fills in every key of `wanted`
      writtenSha256: sha256(configAfter),
    },
    env: {
      existed: recorded?.env.existed ?? envText !== null,
      previous: rememberPrevious(recorded?.env.previous, ENV_KEYS, (k) => getEnvLine(envLines, k)),
    },
  };

  const file = (
    p: string,
    after: string | null,
    mode: number,
    display: FileChange['display'],
  ): FileChange => {
    const kept = state.installedFiles[p] ?? null;
    return { path: p, before: kept?.text ?? null, after, mode, kept, display };
  };
  // The release being replaced is kept whole for `dockhand rollback`; a bundle it did not have goes.
  const keepPrevious = (name: string) =>
    file(
      paths.previousBundle(name),
      state.installedFiles[paths.bundle(name)]?.text ?? null,
      0o644,
      'summary',
    );
  // Order matters: the hook is switched on in .env last, once everything it needs is in place.
  return effective([
    ...(replaced === null ? [] : BUNDLES.map(keepPrevious)),
    ...BUNDLES.map((name) => file(paths.bundle(name), request.bundles[name] ?? '', 0o644, 'summary')),
    file(paths.launcher, launcherScript(request.layout, request.helperNode), 0o755, 'lines'),
    file(paths.manifest, formatManifest(manifest), 0o644, 'summary'),
    ...(makeBackup
      ? [
          {
            path: backupOf(request.dockerConfigDir),
            before: null,
            after: configText,
            mode: 0o600,
            private: true,
            kept: null,
            display: 'summary' as const,
          },
        ]
      : []),
    dockerConfigChange(
      configFile,
      configText,
      configAfter,
      state.dockerConfig,
      describeCredHelperChanges(config, merged),
    ),
    {
      path: request.layout.envFile,
      before: envText,
      after: formatEnvLines(envAfter, lineEndingOf(envText)),
      // A new .env may come to hold AWS keys: only the runner user reads it.
      mode: 0o600,
      kept: state.env,
      display: describeEnvChanges(envLines, envAfter, ENV_KEYS),
    },
  ]);
}
