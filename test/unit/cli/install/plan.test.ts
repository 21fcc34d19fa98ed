import { describe, expect, it } from 'vitest';
import type { FileChange } from '../../../../src/cli/install/changes';
import type { FileState } from '../../../../src/cli/install/files';
import { parseManifest } from '../../../../src/cli/install/manifest';
import { installPaths, planInstall, type InstallRequest } from '../../../../src/cli/install/plan-install';
import { planRollback } from '../../../../src/cli/install/plan-rollback';
import { planUninstall } from '../../../../src/cli/install/plan-uninstall';
import { runnerLayout } from '../../../../src/cli/runner-folder';

const layout = runnerLayout('/srv/runner');
const paths = installPaths(layout);
const request: InstallRequest = {
  layout,
  dockerConfigDir: '/home/runner/.docker',
  registries: [{ host: '123456789012.dkr.ecr.us-east-1.amazonaws.com', helper: 'ecr-login' }],
  bundles: { 'hook.js': 'hook', 'ecr-login.js': 'helper', 'ecr-login-aws.js': 'aws' },
  version: '0.2.0',
  helperNode: layout.node20,
  force: true,
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

function stateOf(text: string | null | undefined): FileState | null {
  return text === null || text === undefined ? null : { text, mode: 0o644, uid: 1000, gid: 1000 };
}

function states(files: Record<string, string | null>): Record<string, FileState | null> {
  return Object.fromEntries(Object.entries(files).map(([file, text]) => [file, stateOf(text)]));
}

function installState(files: Record<string, string | null>, runnerPath: string | null = null) {
  const manifestText = files[paths.manifest] ?? null;
  return {
    env: stateOf(files[layout.envFile]),
    runnerPath,
    dockerConfig: stateOf(files[configFile]),
    backup: stateOf(files[`${configFile}.dockhand-backup`]),
    manifest: manifestText === null ? null : parseManifest(manifestText, paths.manifest),
    installedFiles: states(files),
  };
}

function uninstallState(files: Record<string, string | null>) {
  const manifest = parseManifest(files[paths.manifest] ?? '', paths.manifest);
  return {
    manifest,
    env: stateOf(files[layout.envFile]),
    dockerConfig: stateOf(files[configFile]),
    backup: manifest.dockerConfig.backup ? stateOf(files[`${configFile}.dockhand-backup`]) : null,
    installedFiles: states(files),
  };
}

describe('install and uninstall plans', () => {
  const before = { [layout.envFile]: 'LANG=C\nPATH=/opt/bin:/usr/bin\n', [configFile]: originalConfig };

  it('installs bundles, launcher, backup, merged config and .env, the .env last', () => {
    const changes = planInstall(request, installState(before));
    expect(changes.map((c) => c.path)).toEqual([
      paths.hook,
      paths.ecrLogin,
      paths.bundle('ecr-login-aws.js'),
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

  it('refuses to replace a helper the owner chose unless forced, and shows only credHelpers', () => {
    expect(() => planInstall({ ...request, force: false }, installState(before))).toThrow(
      /credHelpers already maps 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com to "old": add --force/,
    );
    const config = planInstall(request, installState(before)).find((c) => c.path === configFile);
    expect(config?.display).toEqual([
      'credHelpers["123456789012.dkr.ecr.us-east-1.amazonaws.com"]: "old" -> "ecr-login"',
    ]);
  });

  it("puts the helper folder in front of the runner's .path when .env has no PATH", () => {
    const files = { [layout.envFile]: 'LANG=C\r\n' };
    const after = apply(files, planInstall(request, installState(files, '/opt/tools/bin:/usr/bin')));
    expect(after[layout.envFile]).toBe(
      'LANG=C\r\nACTIONS_RUNNER_CONTAINER_HOOKS=/srv/runner/.dockhand/hook.js\r\n' +
        'HOOK_DOCKER_CONFIG=/home/runner/.docker\r\nPATH=/srv/runner/.dockhand/bin:/opt/tools/bin:/usr/bin\r\n',
    );
  });

  it.each([
    ['a bundle name outside the fixed set', { bundles: ['../../etc/passwd'] }],
    ['a backup path', { dockerConfig: { backup: '/etc/shadow' } }],
    ['a relative docker config folder', { dockerConfig: { dir: '../x' } }],
    ['an .env key it does not manage', { env: { previous: { LD_PRELOAD: 'LD_PRELOAD=/x.so' } } }],
  ])('refuses an install record with %s', (_what, forged) => {
    const installed = apply(before, planInstall(request, installState(before)));
    const record = JSON.parse(installed[paths.manifest] ?? '') as Record<string, Record<string, unknown>>;
    const merged = Object.fromEntries(
      Object.entries(record).map(([key, value]) => [
        key,
        key in forged && typeof value === 'object' && !Array.isArray(value)
          ? { ...value, ...(forged as Record<string, object>)[key] }
          : ((forged as Record<string, unknown>)[key] ?? value),
      ]),
    );
    expect(() => parseManifest(JSON.stringify(merged), paths.manifest)).toThrow(
      /not a dockhand install record/,
    );
  });

  it('reads a record written before 0.2, which named the fixed backup path instead of true', () => {
    const installed = apply(before, planInstall(request, installState(before)));
    const record = JSON.parse(installed[paths.manifest] ?? '') as { dockerConfig: Record<string, unknown> };
    expect(record.dockerConfig.backup).toBe(true);
    record.dockerConfig.backup = `${configFile}.dockhand-backup`;
    const parsed = parseManifest(JSON.stringify(record), paths.manifest);
    expect(parsed.dockerConfig.backup).toBe(true);
  });

  it('removes files it created from nothing', () => {
    const installed = apply({}, planInstall(request, installState({})));
    expect(installed[`${configFile}.dockhand-backup`]).toBeUndefined();
    const restored = apply(installed, planUninstall(layout, uninstallState(installed)));
    expect(Object.values(restored).every((v) => v === null)).toBe(true);
  });

  describe('upgrade and rollback', () => {
    const newer: InstallRequest = {
      ...request,
      version: '0.3.0',
      bundles: { 'hook.js': 'hook 3', 'ecr-login.js': 'helper 3', 'ecr-login-aws.js': 'aws 3' },
    };
    const installed = apply(before, planInstall(request, installState(before)));
    const upgraded = apply(installed, planInstall(newer, installState(installed)));
    const record = (files: Record<string, string | null>) =>
      parseManifest(files[paths.manifest] ?? '', paths.manifest);

    it('keeps the replaced bundles and both versions; settings stay as they were', () => {
      expect(upgraded[paths.hook]).toBe('hook 3');
      expect(upgraded[paths.previousBundle('hook.js')]).toBe('hook');
      expect(upgraded[paths.previousBundle('ecr-login-aws.js')]).toBe('aws');
      expect(record(upgraded)).toMatchObject({ dockhandVersion: '0.3.0', previousVersion: '0.2.0' });
      expect(upgraded[layout.envFile]).toBe(installed[layout.envFile]);
      expect(upgraded[configFile]).toBe(installed[configFile]);
      // A re-run of the same release keeps what is kept.
      expect(planInstall(newer, installState(upgraded))).toEqual([]);
    });

    it('rollback puts the kept bundles back and forgets them', () => {
      const { changes, version } = planRollback(layout, {
        manifest: record(upgraded),
        installedFiles: states(upgraded),
      });
      const rolled = apply(upgraded, changes);
      expect(version).toBe('0.2.0');
      expect([rolled[paths.hook], rolled[paths.ecrLogin]]).toEqual(['hook', 'helper']);
      expect(rolled[paths.previousBundle('hook.js')]).toBeNull();
      expect(record(rolled)).toMatchObject({ dockhandVersion: '0.2.0', previousVersion: null });
      expect(() =>
        planRollback(layout, { manifest: record(rolled), installedFiles: states(rolled) }),
      ).toThrow(/no earlier release is kept in \/srv\/runner\/.dockhand: nothing to roll back to/);
      // After a rollback, uninstall still removes everything install made.
      const removed = apply(rolled, planUninstall(layout, uninstallState(rolled)));
      expect(removed[paths.hook]).toBeNull();
      expect(removed[layout.envFile]).toBe(before[layout.envFile]);
    });

    it('uninstall after an upgrade removes the kept bundles too', () => {
      const removed = apply(upgraded, planUninstall(layout, uninstallState(upgraded)));
      expect(removed[paths.previousBundle('hook.js')]).toBeNull();
      expect(removed[configFile]).toBe(originalConfig);
    });

    it('refuses a rollback whose kept hook is gone, naming the file', () => {
      const broken = { ...upgraded, [paths.previousBundle('hook.js')]: null };
      expect(() =>
        planRollback(layout, { manifest: record(broken), installedFiles: states(broken) }),
      ).toThrow(
        "/srv/runner/.dockhand/previous/hook.js is missing, so 0.2.0 cannot be put back: install that release again with its own 'dockhand install'",
      );
    });

    it('reads a record from before versions were recorded as 0.1.0, and refuses a version that is a path', () => {
      const old = JSON.parse(installed[paths.manifest] ?? '') as Record<string, unknown>;
      delete old.dockhandVersion;
      delete old.previousVersion;
      expect(parseManifest(JSON.stringify(old), paths.manifest)).toMatchObject({
        dockhandVersion: '0.1.0',
        previousVersion: null,
      });
      expect(() =>
        parseManifest(JSON.stringify({ ...old, previousVersion: '../x' }), paths.manifest),
      ).toThrow(/not a dockhand install record/);
    });
  });
});
