// What `dockhand rollback` changes: the bundles install kept in .dockhand/previous go back in place, and
// the record says so. Every path is fixed; the record only says which version that was, for messages.
import { UsageError } from '../context';
import type { RunnerLayout } from '../runner-folder';
import { effective, type FileChange } from './changes';
import type { FileState } from './files';
import { BUNDLES, formatManifest, type Manifest } from './manifest';
import { installPaths } from './plan-install';

export interface RollbackState {
  manifest: Manifest;
  /** Each installed and each kept bundle, and the record, by path; null when missing. */
  installedFiles: Record<string, FileState | null>;
}

/** The changes, and the version they put back. */
export function planRollback(
  layout: RunnerLayout,
  state: RollbackState,
): { changes: FileChange[]; version: string } {
  const paths = installPaths(layout);
  const previousVersion = state.manifest.previousVersion;
  const kept = (name: string) => state.installedFiles[paths.previousBundle(name)] ?? null;
  if (previousVersion === null) {
    throw new UsageError(
      `no earlier release is kept in ${layout.dockhandDir}: nothing to roll back to (install keeps the release it replaces)`,
    );
  }
  if (kept('hook.js') === null) {
    throw new UsageError(
      `${paths.previousBundle('hook.js')} is missing, so ${previousVersion} cannot be put back: install that release again with its own 'dockhand install'`,
    );
  }
  const change = (p: string, after: string | null): FileChange => {
    const before = state.installedFiles[p] ?? null;
    return { path: p, before: before?.text ?? null, after, mode: 0o644, kept: before, display: 'summary' };
  };
  const manifest: Manifest = {
    ...state.manifest,
    bundles: BUNDLES.filter((name) => kept(name) !== null),
    dockhandVersion: previousVersion,
    previousVersion: null,
  };
  // The kept bundles go back first, then the record, then the copies: a failure part-way is undone whole.
  const changes = effective([
    ...BUNDLES.map((name) => change(paths.bundle(name), kept(name)?.text ?? null)),
    change(paths.manifest, formatManifest(manifest)),
    ...BUNDLES.map((name) => change(paths.previousBundle(name), null)),
  ]);
  return { changes, version: previousVersion };
}
