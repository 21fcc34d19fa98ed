// What `dockhand install` changes, computed from the current files without touching them.
import path from 'node:path';
import { credHelpersOf, formatDockerConfig, parseDockerConfig, withCredHelpers } from '../docker-config';
import { formatEnvLines, getEnvLine, getEnvValue, parseEnvText, setEnvLine } from '../env-file';
import type { RegistryHelper } from '../registries';
import type { RunnerLayout } from '../runner-folder';
import { effective, type FileChange } from './changes';
import { formatManifest, sha256, type Manifest } from './manifest';

export const BACKUP_SUFFIX = '.dockhand-backup';

/** Everything install reads, gathered up front. */
export interface InstallState {
  envText: string | null;
  dockerConfigText: string | null;
  backupExists: boolean;
  manifest: Manifest | null;
  /** Current content of each file dockhand installs, by path; null when missing. */
  installedFiles: Record<string, string | null>;
}

export interface InstallRequest {
  layout: RunnerLayout;
  dockerConfigDir: string;
  registries: RegistryHelper[];
  /** The bundles to install, by file name: hook.js, ecr-login.js and whatever they load beside them. */
  bundles: Record<string, string>;
  /** PATH to start from when .env has none: the runner otherwise inherits its service's PATH. */
  fallbackPath: string;
}

export function installPaths(layout: RunnerLayout) {
  const binDir = path.join(layout.dockhandDir, 'bin');
  return {
    binDir,
    bundle: (name: string) => path.join(layout.dockhandDir, name),
    hook: path.join(layout.dockhandDir, 'hook.js'),
    ecrLogin: path.join(layout.dockhandDir, 'ecr-login.js'),
    launcher: path.join(binDir, 'docker-credential-ecr-login'),
    manifest: path.join(layout.dockhandDir, 'install.json'),
  };
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The helper launcher, pinned to the runner's own Node 20 so nothing else needs to be installed. */
export function launcherScript(layout: RunnerLayout): string {
  const { ecrLogin } = installPaths(layout);
  return `#!/bin/sh\nexec ${shellQuote(layout.node20)} ${shellQuote(ecrLogin)} "$@"\n`;
}

/** The .env settings install makes, as KEY -> value. */
export function envSettings(
  request: InstallRequest,
  currentPath: string | undefined,
): Record<string, string> {
  const { binDir, hook } = installPaths(request.layout);
  const basePath = currentPath ?? request.fallbackPath;
  const alreadyFirst = basePath === binDir || basePath.startsWith(`${binDir}:`);
  return {
    ACTIONS_RUNNER_CONTAINER_HOOKS: hook,
    HOOK_DOCKER_CONFIG: request.dockerConfigDir,
    PATH: alreadyFirst ? basePath : `${binDir}:${basePath}`,
  };
}

/** Keeps what an earlier install recorded as "before"; records the current value of anything new. */
function rememberPrevious(
  recorded: Record<string, string | null> | undefined,
  keys: string[],
  current: (key: string) => string | null,
): Record<string, string | null> {
  const previous = { ...(recorded ?? {}) };
  for (const key of keys) if (!(key in previous)) previous[key] = current(key);
  return previous;
}

export function planInstall(request: InstallRequest, state: InstallState): FileChange[] {
  const paths = installPaths(request.layout);
  const configFile = path.join(request.dockerConfigDir, 'config.json');
  const recorded = state.manifest;

  const config = parseDockerConfig(state.dockerConfigText, configFile);
  const helpers = credHelpersOf(config);
  const wanted = Object.fromEntries(request.registries.map((r) => [r.host, r.helper]));
  const configAfter = formatDockerConfig(withCredHelpers(config, wanted));
  const configText = state.dockerConfigText;
  const configChanged = configAfter !== configText;
  const makeBackup = configChanged && configText !== null && !state.backupExists && recorded === null;

  const envLines = parseEnvText(state.envText ?? '');
  const settings = envSettings(request, getEnvValue(envLines, 'PATH'));
  let envAfter = envLines;
  for (const [key, value] of Object.entries(settings))
    envAfter = setEnvLine(envAfter, key, `${key}=${value}`);

  const bundleNames = Object.keys(request.bundles).sort();
  const manifest: Manifest = {
    version: 1,
    bundles: bundleNames,
    dockerConfig: {
      dir: request.dockerConfigDir,
      existed: recorded?.dockerConfig.existed ?? configText !== null,
      credHelpersExisted: recorded?.dockerConfig.credHelpersExisted ?? config.credHelpers !== undefined,
      backup: recorded?.dockerConfig.backup ?? (makeBackup ? `${configFile}${BACKUP_SUFFIX}` : null),
      previous: rememberPrevious(
        recorded?.dockerConfig.previous,
        Object.keys(wanted),
        (h) => helpers[h] ?? null,
      ),
      writtenSha256: sha256(configAfter),
    },
    env: {
      existed: recorded?.env.existed ?? state.envText !== null,
      previous: rememberPrevious(recorded?.env.previous, Object.keys(settings), (k) =>
        getEnvLine(envLines, k),
      ),
    },
  };

  const installed = (file: string) => state.installedFiles[file] ?? null;
  const file = (p: string, after: string, mode: number, display: FileChange['display']): FileChange => ({
    path: p,
    before: installed(p),
    after,
    mode,
    display,
  });
  // Order matters: the hook is switched on in .env last, once everything it needs is in place.
  return effective([
    ...bundleNames.map((name) => file(paths.bundle(name), request.bundles[name] ?? '', 0o644, 'summary')),
    // Bundles an earlier version installed and this one no longer has.
    ...(recorded?.bundles ?? [])
      .filter((name) => !(name in request.bundles))
      .map((name) => ({ ...file(paths.bundle(name), '', 0o644, 'summary'), after: null })),
    file(paths.launcher, launcherScript(request.layout), 0o755, 'lines'),
    file(paths.manifest, formatManifest(manifest), 0o644, 'summary'),
    ...(makeBackup
      ? [
          {
            path: `${configFile}${BACKUP_SUFFIX}`,
            before: null,
            after: configText,
            mode: 0o600,
            display: 'summary' as const,
          },
        ]
      : []),
    { path: configFile, before: configText, after: configAfter, mode: 0o600, display: 'lines' },
    {
      path: request.layout.envFile,
      before: state.envText,
      after: formatEnvLines(envAfter),
      mode: 0o644,
      display: 'lines',
    },
  ]);
}
