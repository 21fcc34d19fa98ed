// What `dockhand uninstall` changes: every setting install made goes back to what it was before.
import path from 'node:path';
import {
  describeCredHelperChanges,
  formatDockerConfig,
  parseDockerConfig,
  withCredHelpers,
} from '../docker-config';
import { describeEnvChanges, formatEnvLines, lineEndingOf, parseEnvText, setEnvLine } from '../env-file';
import type { RunnerLayout } from '../runner-folder';
import { dockerConfigChange, effective, type FileChange } from './changes';
import type { FileState } from './files';
import { BUNDLES, ENV_KEYS, sha256, type Manifest } from './manifest';
import { backupOf } from './manifest';
import { installPaths } from './plan-install';

export interface UninstallState {
  manifest: Manifest;
  env: FileState | null;
  dockerConfig: FileState | null;
  backup: FileState | null;
  installedFiles: Record<string, FileState | null>;
}

/**
 * config.json as it was: the backup verbatim when nobody changed the file since install, otherwise
 * the current file with only dockhand's entries put back, so later edits by its owner survive.
 */
function restoredConfig(state: UninstallState, configFile: string): string | null {
  const recorded = state.manifest.dockerConfig;
  const current = state.dockerConfig?.text ?? null;
  if (current !== null && sha256(current) === recorded.writtenSha256) {
    if (!recorded.existed) return null;
    if (state.backup !== null) return state.backup.text;
  }
  if (current === null) return null;
  const config = parseDockerConfig(current, configFile);
  const restored = withCredHelpers(config, recorded.previous, !recorded.credHelpersExisted);
  return !recorded.existed && Object.keys(restored).length === 0
    ? null
    : formatDockerConfig(restored, current);
}

function restoredEnv(state: UninstallState): string | null {
  const text = state.env?.text ?? null;
  let lines = parseEnvText(text ?? '');
  for (const [key, line] of Object.entries(state.manifest.env.previous)) {
    if (line !== undefined) lines = setEnvLine(lines, key, line);
  }
  return !state.manifest.env.existed && lines.length === 0 ? null : formatEnvLines(lines, lineEndingOf(text));
}

export function planUninstall(layout: RunnerLayout, state: UninstallState): FileChange[] {
  const paths = installPaths(layout);
  const recorded = state.manifest.dockerConfig;
  const configFile = path.join(recorded.dir, 'config.json');
  const remove = (p: string, kept = state.installedFiles[p] ?? null): FileChange => ({
    path: p,
    before: kept?.text ?? null,
    after: null,
    mode: 0o644,
    kept,
    display: 'summary',
  });
  const envText = state.env?.text ?? null;
  const envAfter = restoredEnv(state);
  const configText = state.dockerConfig?.text ?? null;
  const configAfter = restoredConfig(state, configFile);
  // Parsed only to name what changes in credHelpers; the file itself is restored as computed above.
  const configLines =
    configText === null
      ? []
      : describeCredHelperChanges(
          parseDockerConfig(configText, configFile),
          parseDockerConfig(configAfter, configFile),
        );
  // Reverse order of install: the hook is switched off in .env first.
  return effective([
    {
      path: layout.envFile,
      before: envText,
      after: envAfter,
      mode: 0o600,
      kept: state.env,
      display: describeEnvChanges(parseEnvText(envText ?? ''), parseEnvText(envAfter ?? ''), ENV_KEYS),
    },
    dockerConfigChange(configFile, configText, configAfter, state.dockerConfig, configLines),
    ...(recorded.backup ? [remove(backupOf(recorded.dir), state.backup)] : []),
    remove(paths.launcher),
    ...state.manifest.bundles.map((name) => remove(paths.bundle(name))),
    ...BUNDLES.map((name) => remove(paths.previousBundle(name))),
    remove(paths.manifest),
  ]);
}
