// `dockhand install` and `dockhand uninstall`: plan from what is on disk, show it, then apply it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError, type CliConfig, type Output } from '../context';
import { getEnvValue, parseEnvText } from '../env-file';
import { parseRegistryArgument, RegistryArgumentError } from '../registries';
import { notARunnerFolder, runnerLayout, type RunnerLayout } from '../runner-folder';
import { describeChange, type FileChange } from './changes';
import { applyChanges, readAll, readIfExists, removeEmptyDirs } from './files';
import { parseManifest } from './manifest';
import { BACKUP_SUFFIX, installPaths, planInstall } from './plan-install';
import { planUninstall } from './plan-uninstall';

const REQUIRED_BUNDLES = ['hook.js', 'ecr-login.js'];

export interface InstallOptions {
  runner: string;
  registries: string[];
  dockerConfig: string | undefined;
  dryRun: boolean;
}

function checkedLayout(runner: string): RunnerLayout {
  const layout = runnerLayout(runner);
  const problem = notARunnerFolder(layout.root);
  if (problem !== undefined) throw new UsageError(problem);
  return layout;
}

function readManifest(layout: RunnerLayout) {
  const file = installPaths(layout).manifest;
  const text = readIfExists(file);
  return text === null ? null : parseManifest(text, file);
}

/** Every bundle beside dist/cli.js except the CLI itself: the hook, the helper and what they load. */
function readBundles(distDir: string): Record<string, string> {
  for (const name of REQUIRED_BUNDLES) {
    if (!existsSync(path.join(distDir, name))) {
      throw new UsageError(`${path.join(distDir, name)} is missing: run 'npm run build' first`);
    }
  }
  const names = readdirSync(distDir).filter((name) => name.endsWith('.js') && name !== 'cli.js');
  return Object.fromEntries(names.map((name) => [name, readFileSync(path.join(distDir, name), 'utf8')]));
}

/** The files install manages in its own folder, for the bundles named. */
function ownFiles(layout: RunnerLayout, bundles: string[]): Record<string, string | null> {
  const paths = installPaths(layout);
  return readAll([...bundles.map(paths.bundle), paths.launcher, paths.manifest]);
}

interface Messages {
  unchanged: string;
  done: string;
}

async function show(changes: FileChange[], dryRun: boolean, out: Output, messages: Messages): Promise<void> {
  if (changes.length === 0) {
    out.line(messages.unchanged);
    return;
  }
  if (dryRun) out.line('dry run: these changes would be made (nothing was changed):');
  for (const change of changes) for (const line of describeChange(change)) out.line(line);
  if (dryRun) return;
  await applyChanges(changes);
  out.line(messages.done);
}

export async function install(options: InstallOptions, config: CliConfig, out: Output): Promise<void> {
  const layout = checkedLayout(options.runner);
  if (options.registries.length === 0) {
    throw new UsageError(
      'give at least one --registry <host> (e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com)',
    );
  }
  let registries;
  try {
    registries = options.registries.map(parseRegistryArgument);
  } catch (error) {
    if (error instanceof RegistryArgumentError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
  const envText = readIfExists(layout.envFile);
  const manifest = readManifest(layout);
  const dockerConfigDir = path.resolve(
    options.dockerConfig ??
      manifest?.dockerConfig.dir ??
      getEnvValue(parseEnvText(envText ?? ''), 'HOOK_DOCKER_CONFIG') ??
      path.join(config.home, '.docker'),
  );
  if (manifest !== null && manifest.dockerConfig.dir !== dockerConfigDir) {
    throw new UsageError(
      `dockhand is installed in ${layout.root} with docker config ${manifest.dockerConfig.dir}: run 'dockhand uninstall' first to switch to ${dockerConfigDir}`,
    );
  }
  const configFile = path.join(dockerConfigDir, 'config.json');
  const bundles = readBundles(config.distDir);
  const request = {
    layout,
    dockerConfigDir,
    registries,
    bundles,
    fallbackPath: config.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  };
  const changes = planInstall(request, {
    envText,
    dockerConfigText: readIfExists(configFile),
    backupExists: readIfExists(`${configFile}${BACKUP_SUFFIX}`) !== null,
    manifest,
    installedFiles: ownFiles(layout, [...Object.keys(bundles), ...(manifest?.bundles ?? [])]),
  });
  await show(changes, options.dryRun, out, {
    unchanged: `dockhand is already installed in ${layout.root} with these settings: nothing to change`,
    done: `dockhand is installed in ${layout.root}; restart the runner to use it`,
  });
}

export async function uninstall(options: { runner: string; dryRun: boolean }, out: Output): Promise<void> {
  const layout = checkedLayout(options.runner);
  const manifest = readManifest(layout);
  if (manifest === null) {
    out.line(`dockhand is not installed in ${layout.root}: nothing to change`);
    return;
  }
  const paths = installPaths(layout);
  const configFile = path.join(manifest.dockerConfig.dir, 'config.json');
  const changes = planUninstall(layout, {
    manifest,
    envText: readIfExists(layout.envFile),
    dockerConfigText: readIfExists(configFile),
    backupText: manifest.dockerConfig.backup === null ? null : readIfExists(manifest.dockerConfig.backup),
    installedFiles: ownFiles(layout, manifest.bundles),
  });
  await show(changes, options.dryRun, out, {
    unchanged: `dockhand's settings are already gone from ${layout.root}: nothing to change`,
    done: `dockhand is removed from ${layout.root}; restart the runner`,
  });
  if (!options.dryRun) await removeEmptyDirs([paths.binDir, layout.dockhandDir]);
}
