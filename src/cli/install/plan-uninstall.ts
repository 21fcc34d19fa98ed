// What `dockhand uninstall` changes: every setting install made goes back to what it was before.
import path from 'node:path';
import { formatDockerConfig, parseDockerConfig, withCredHelpers } from '../docker-config';
import { formatEnvLines, parseEnvText, setEnvLine } from '../env-file';
import type { RunnerLayout } from '../runner-folder';
import { effective, type FileChange } from './changes';
import { installPaths } from './plan-install';
import { sha256, type Manifest } from './manifest';

export interface UninstallState {
  manifest: Manifest;
  envText: string | null;
  dockerConfigText: string | null;
  backupText: string | null;
  installedFiles: Record<string, string | null>;
}

/**
 * config.json as it was: the backup verbatim when nobody changed the file since install, otherwise
 * the current file with only dockhand's entries put back, so later edits by its owner survive.
 */
function restoredConfig(state: UninstallState, configFile: string): string | null {
  const recorded = state.manifest.dockerConfig;
  const current = state.dockerConfigText;
  if (current !== null && sha256(current) === recorded.writtenSha256) {
    if (!recorded.existed) return null;
    if (state.backupText !== null) return state.backupText;
  }
  if (current === null) return null;
  const config = parseDockerConfig(current, configFile);
  const restored = withCredHelpers(config, recorded.previous, !recorded.credHelpersExisted);
  return !recorded.existed && Object.keys(restored).length === 0 ? null : formatDockerConfig(restored);
}

function restoredEnv(state: UninstallState): string | null {
  let lines = parseEnvText(state.envText ?? '');
  for (const [key, line] of Object.entries(state.manifest.env.previous)) lines = setEnvLine(lines, key, line);
  return !state.manifest.env.existed && lines.length === 0 ? null : formatEnvLines(lines);
}

export function planUninstall(layout: RunnerLayout, state: UninstallState): FileChange[] {
  const paths = installPaths(layout);
  const recorded = state.manifest.dockerConfig;
  const configFile = path.join(recorded.dir, 'config.json');
  const remove = (p: string): FileChange => ({
    path: p,
    before: state.installedFiles[p] ?? null,
    after: null,
    mode: 0o644,
    display: 'summary',
  });
  // Reverse order of install: the hook is switched off in .env first.
  return effective([
    { path: layout.envFile, before: state.envText, after: restoredEnv(state), mode: 0o644, display: 'lines' },
    {
      path: configFile,
      before: state.dockerConfigText,
      after: restoredConfig(state, configFile),
      mode: 0o600,
      display: 'lines',
    },
    ...(recorded.backup === null ? [] : [{ ...remove(recorded.backup), before: state.backupText }]),
    remove(paths.launcher),
    ...state.manifest.bundles.map((name) => remove(paths.bundle(name))),
    remove(paths.manifest),
  ]);
}
