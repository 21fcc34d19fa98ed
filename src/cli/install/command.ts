// `dockhand install` and `dockhand uninstall`: plan from what is on disk, check every write can be
// made, show the plan, then apply it. Run as root, both act as the runner folder's owner (privileges.ts).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError, type CliConfig, type Output } from '../context';
import { credHelpersOf, parseDockerConfig } from '../docker-config';
import { getEnvValue, parseEnvText } from '../env-file';
import { becomeOwnerOf, type Actor } from '../privileges';
import { VERSION } from '../../protocol/version';
import { parseRegistryArgument, RegistryArgumentError, type RegistryHelper } from '../registries';
import { notARunnerFolder, runnerLayout, type RunnerLayout } from '../runner-folder';
import { describeChange, type FileChange } from './changes';
import { applyChanges, readAllStates, readFileState, removeEmptyDirs, whyNotWritable } from './files';
import { backupOf, BUNDLES, parseManifest, type Manifest } from './manifest';
import { installPaths, planInstall, replacedVersion } from './plan-install';
import { planRollback } from './plan-rollback';
import { planUninstall } from './plan-uninstall';
import { messageOf } from '../../protocol/errors';

export interface InstallOptions {
  runner: string;
  registries: string[];
  dockerConfig: string | undefined;
  force: boolean;
  dryRun: boolean;
}

/** Settles who acts on the runner folder (privileges.ts), then checks it is one, by its resolved path. */
function runnerAccess(runner: string): { actor: Actor; layout: RunnerLayout } {
  const { actor, root } = becomeOwnerOf(runner);
  const layout = runnerLayout(root);
  const problem = notARunnerFolder(layout.root);
  if (problem !== undefined) throw new UsageError(problem);
  return { actor, layout };
}

function readManifest(layout: RunnerLayout) {
  const file = installPaths(layout).manifest;
  const state = readFileState(file);
  if (state === null) return null;
  try {
    return parseManifest(state.text, file);
  } catch (error) {
    throw new UsageError(messageOf(error), { cause: error });
  }
}

/** The bundles beside dist/cli.js, read before dockhand gives up root: the operator's build is trusted. */
function readBundles(distDir: string): Record<string, string> {
  return Object.fromEntries(
    BUNDLES.map((name) => {
      const file = path.join(distDir, name);
      if (!existsSync(file)) throw new UsageError(`${file} is missing: run 'npm run build' first`);
      return [name, readFileSync(file, 'utf8')];
    }),
  );
}

/** The files install manages in its own folder. */
function ownFiles(layout: RunnerLayout) {
  const paths = installPaths(layout);
  return readAllStates([
    ...BUNDLES.map(paths.bundle),
    ...BUNDLES.map(paths.previousBundle),
    paths.launcher,
    paths.manifest,
  ]);
}

/** The runner's `.path` as its service script exports it (`cat .path`: trailing newlines dropped). */
function runnerPathOf(layout: RunnerLayout): string | null {
  const text = readFileState(layout.pathFile)?.text.split(/\r?\n/)[0]?.trim() ?? '';
  return text === '' ? null : text;
}

interface Messages {
  unchanged: string;
  done: string;
}

function show(changes: FileChange[], actor: Actor, dryRun: boolean, out: Output, messages: Messages): void {
  for (const change of changes) {
    const problem = whyNotWritable(change, actor);
    if (problem !== undefined) throw new UsageError(problem);
  }
  if (changes.length === 0) {
    out.line(messages.unchanged);
    return;
  }
  if (dryRun) out.line('dry run: these changes would be made (nothing was changed):');
  for (const change of changes) for (const line of describeChange(change)) out.line(line);
  if (dryRun) return;
  applyChanges(changes);
  out.line(messages.done);
}

/** The docker config folder install uses: given, recorded, already in .env, else the runner user's. */
function dockerConfigDirOf(
  options: InstallOptions,
  recordedDir: string | undefined,
  envText: string | null,
  actor: Actor,
): string {
  if (options.dockerConfig !== undefined) {
    const dir = path.resolve(options.dockerConfig);
    if (existsSync(dir) && !statSync(dir).isDirectory()) {
      throw new UsageError(
        `--docker-config ${dir} is a file: pass its folder (--docker-config ${path.dirname(dir)})`,
      );
    }
    return dir;
  }
  const known = recordedDir ?? getEnvValue(parseEnvText(envText ?? ''), 'HOOK_DOCKER_CONFIG');
  if (known !== undefined) return path.resolve(known);
  if (actor.home === undefined) {
    throw new UsageError(`${actor.name} has no home folder: pass --docker-config <dir>`);
  }
  return path.join(actor.home, '.docker');
}

function parseRegistries(argumentsGiven: string[]): RegistryHelper[] {
  try {
    return argumentsGiven.map(parseRegistryArgument);
  } catch (error) {
    if (error instanceof RegistryArgumentError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

/**
 * The registries of an earlier install, for an upgrade without --registry: each host install manages,
 * with the helper config.json names for it now (its owner may have changed it), checked like an argument.
 */
function recordedRegistries(manifest: Manifest, configText: string | null, configFile: string) {
  const helpers = credHelpersOf(parseDockerConfig(configText, configFile));
  return parseRegistries(
    Object.keys(manifest.dockerConfig.previous).map((host) =>
      helpers[host] === undefined ? host : `${host}=${helpers[host]}`,
    ),
  );
}

export function install(options: InstallOptions, config: CliConfig, out: Output): void {
  const given = parseRegistries(options.registries);
  const bundles = readBundles(config.distDir);
  const { actor, layout } = runnerAccess(options.runner);
  const helperNode = layout.newestNode;
  if (helperNode === undefined) {
    throw new UsageError(
      `${layout.root} has no externals/node24 or externals/node20: the runner folder is incomplete, unpack the runner again`,
    );
  }
  const env = readFileState(layout.envFile);
  const manifest = readManifest(layout);
  const dockerConfigDir = dockerConfigDirOf(options, manifest?.dockerConfig.dir, env?.text ?? null, actor);
  if (manifest !== null && manifest.dockerConfig.dir !== dockerConfigDir) {
    throw new UsageError(
      `dockhand is installed in ${layout.root} with docker config ${manifest.dockerConfig.dir}: run 'dockhand uninstall' first to switch to ${dockerConfigDir}`,
    );
  }
  const configFile = path.join(dockerConfigDir, 'config.json');
  const dockerConfig = readFileState(configFile);
  const registries =
    given.length === 0 && manifest !== null
      ? recordedRegistries(manifest, dockerConfig?.text ?? null, configFile)
      : given;
  if (registries.length === 0) {
    throw new UsageError(
      'give at least one --registry <host> (e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com)',
    );
  }
  const request = {
    layout,
    dockerConfigDir,
    registries,
    bundles,
    version: VERSION,
    helperNode,
    force: options.force,
  };
  const state = {
    env,
    runnerPath: runnerPathOf(layout),
    dockerConfig,
    backup: readFileState(backupOf(dockerConfigDir)),
    manifest,
    installedFiles: ownFiles(layout),
  };
  const changes = planInstall(request, state);
  if (!existsSync(layout.node20)) {
    out.line(
      `warning: ${layout.node20} is missing; the runner starts .js hooks with its Node 20, so check that this runner version can run the hook`,
    );
  }
  const replaced = replacedVersion(request, state);
  if (replaced !== null) {
    out.line(
      `dockhand ${replaced} -> ${VERSION} in ${layout.root}: the ${replaced} bundles are kept for 'dockhand rollback'`,
    );
  }
  show(changes, actor, options.dryRun, out, {
    unchanged: `dockhand ${VERSION} is already installed in ${layout.root} with these settings: nothing to change`,
    done: `dockhand ${VERSION} is installed in ${layout.root}; restart the runner to use it`,
  });
}

export function rollback(options: { runner: string; dryRun: boolean }, out: Output): void {
  const { actor, layout } = runnerAccess(options.runner);
  const manifest = readManifest(layout);
  if (manifest === null)
    throw new UsageError(`dockhand is not installed in ${layout.root}: nothing to roll back`);
  const { changes, version } = planRollback(layout, { manifest, installedFiles: ownFiles(layout) });
  out.line(`dockhand ${manifest.dockhandVersion} -> ${version} in ${layout.root}`);
  show(changes, actor, options.dryRun, out, {
    unchanged: `dockhand ${version} is already in place in ${layout.root}: nothing to change`,
    done: `dockhand ${version} is back in ${layout.root}; restart the runner to use it ('dockhand install' from the newer release goes forward again)`,
  });
  if (!options.dryRun) removeEmptyDirs([installPaths(layout).previousDir]);
}

export function uninstall(options: { runner: string; dryRun: boolean }, out: Output): void {
  const { actor, layout } = runnerAccess(options.runner);
  const manifest = readManifest(layout);
  if (manifest === null) {
    out.line(`dockhand is not installed in ${layout.root}: nothing to change`);
    return;
  }
  const paths = installPaths(layout);
  const dir = manifest.dockerConfig.dir;
  const changes = planUninstall(layout, {
    manifest,
    env: readFileState(layout.envFile),
    dockerConfig: readFileState(path.join(dir, 'config.json')),
    backup: manifest.dockerConfig.backup ? readFileState(backupOf(dir)) : null,
    installedFiles: ownFiles(layout),
  });
  show(changes, actor, options.dryRun, out, {
    unchanged: `dockhand's settings are already gone from ${layout.root}: nothing to change`,
    done: `dockhand is removed from ${layout.root}; restart the runner`,
  });
  if (!options.dryRun) removeEmptyDirs([paths.binDir, paths.previousDir, layout.dockhandDir]);
}
