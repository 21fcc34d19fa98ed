import { describe, expect, it } from 'vitest';
import type { FileChange } from '../../../../src/cli/install/changes';
import { parseManifest } from '../../../../src/cli/install/manifest';
import { installPaths, planInstall, type InstallRequest } from '../../../../src/cli/install/plan-install';
import { planUninstall } from '../../../../src/cli/install/plan-uninstall';
import { runnerLayout } from '../../../../src/cli/runner-folder';

const layout = runnerLayout('/srv/runner');
const paths = installPaths(layout);
const request: InstallRequest = {
  layout,
  dockerConfigDir: '/home/runner/.docker',
  registries: [{ host: '123456789012.dkr.ecr.us-east-1.amazonaws.com', helper: 'ecr-login' }],
  bundles: { 'hook.js': 'hook', 'ecr-login.js': 'helper' },
  fallbackPath: '/usr/bin:/bin',
};
const configFile = '/home/runner/.docker/config.json';
const originalConfig =
  '{"auths":{"x":{"auth":"eA=="}},"credHelpers":{"123456789012.dkr.ecr.us-east-1.amazonaws.com":"old"}}';

/** The files a plan leaves behind, applied to a map of path -> content. */
function apply(files: Record<string, string | null>, changes: FileChange[]): Record<string, string | null> {
  const next = { ...files };
  for (const change of changes) next[change.path] = change.after;
  return next;
}

function installState(files: Record<string, string | null>) {
  const manifestText = files[paths.manifest] ?? null;
  return {
    envText: files[layout.envFile] ?? null,
    dockerConfigText: files[configFile] ?? null,
    backupExists: (files[`${configFile}.dockhand-backup`] ?? null) !== null,
    manifest: manifestText === null ? null : parseManifest(manifestText, paths.manifest),
    installedFiles: files,
  };
}

function uninstallState(files: Record<string, string | null>) {
  const manifest = parseManifest(files[paths.manifest] ?? '', paths.manifest);
  return {
    manifest,
    envText: files[layout.envFile] ?? null,
    dockerConfigText: files[configFile] ?? null,
    backupText: manifest.dockerConfig.backup === null ? null : (files[manifest.dockerConfig.backup] ?? null),
    installedFiles: files,
  };
}

describe('install and uninstall plans', () => {
  const before = { [layout.envFile]: 'LANG=C\nPATH=/opt/bin:/usr/bin\n', [configFile]: originalConfig };

  it('installs bundles, launcher, backup, merged config and .env, the .env last', () => {
    const changes = planInstall(request, installState(before));
    expect(changes.map((c) => c.path)).toEqual([
      paths.ecrLogin,
      paths.hook,
      paths.launcher,
      paths.manifest,
      `${configFile}.dockhand-backup`,
      configFile,
      layout.envFile,
    ]);
    const after = apply(before, changes);
    expect(after[layout.envFile]).toBe(
      'LANG=C\nPATH=/srv/runner/.dockhand/bin:/opt/bin:/usr/bin\n' +
        'ACTIONS_RUNNER_CONTAINER_HOOKS=/srv/runner/.dockhand/hook.js\nHOOK_DOCKER_CONFIG=/home/runner/.docker\n',
    );
    expect(JSON.parse(after[configFile] ?? '')).toEqual({
      auths: { x: { auth: 'eA==' } },
      credHelpers: { '123456789012.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' },
    });
    expect(after[paths.launcher]).toContain(
      "exec '/srv/runner/externals/node20/bin/node' '/srv/runner/.dockhand/ecr-login.js'",
    );
  });

  it('changes nothing the second time', () => {
    const installed = apply(before, planInstall(request, installState(before)));
    expect(planInstall(request, installState(installed))).toEqual([]);
  });

  it('uninstall restores every file exactly, and removes what install created', () => {
    const installed = apply(before, planInstall(request, installState(before)));
    const restored = apply(installed, planUninstall(layout, uninstallState(installed)));
    expect(Object.fromEntries(Object.entries(restored).filter(([, v]) => v !== null))).toEqual(before);
  });

  it('uninstall keeps edits the owner made after install and puts back only its own entries', () => {
    const installed = apply(before, planInstall(request, installState(before)));
    const edited = JSON.parse(installed[configFile] ?? '');
    edited.credHelpers['other.example'] = 'pass';
    installed[configFile] = JSON.stringify(edited);
    const restored = apply(installed, planUninstall(layout, uninstallState(installed)));
    expect(JSON.parse(restored[configFile] ?? '')).toEqual({
      auths: { x: { auth: 'eA==' } },
      credHelpers: { '123456789012.dkr.ecr.us-east-1.amazonaws.com': 'old', 'other.example': 'pass' },
    });
  });

  it('removes a bundle an earlier install put there that the new build no longer has', () => {
    const older = { ...request, bundles: { ...request.bundles, 'old-part.js': 'x' } };
    const installed = apply(before, planInstall(older, installState(before)));
    const upgrade = planInstall(request, installState(installed));
    expect(upgrade.filter((c) => c.after === null).map((c) => c.path)).toEqual([paths.bundle('old-part.js')]);
  });

  it('removes files it created from nothing', () => {
    const installed = apply({}, planInstall(request, installState({})));
    expect(installed[`${configFile}.dockhand-backup`]).toBeUndefined();
    const restored = apply(installed, planUninstall(layout, uninstallState(installed)));
    expect(Object.values(restored).every((v) => v === null)).toBe(true);
  });
});
