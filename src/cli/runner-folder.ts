// Recognises a GitHub Actions runner folder before anything is written into it.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The Node versions a runner may ship in externals/, newest first. */
const RUNNER_NODES = ['node24', 'node20'];

export interface RunnerLayout {
  root: string;
  envFile: string;
  /** The runner's `.path`: the PATH its service script exports before the listener applies .env. */
  pathFile: string;
  /** The Node the runner starts .js hooks with (NodeUtil.GetInternalNodeVersion: node20). */
  node20: string;
  /** The newest Node the runner ships, for the credential helper; undefined when it ships none. */
  newestNode: string | undefined;
  /** Folder dockhand owns inside the runner folder: bundles, launcher, install record. */
  dockhandDir: string;
}

function nodeBinary(root: string, version: string): string {
  return path.join(root, 'externals', version, 'bin', 'node');
}

export function runnerLayout(root: string): RunnerLayout {
  const absolute = path.resolve(root);
  return {
    root: absolute,
    envFile: path.join(absolute, '.env'),
    pathFile: path.join(absolute, '.path'),
    node20: nodeBinary(absolute, 'node20'),
    newestNode: RUNNER_NODES.map((version) => nodeBinary(absolute, version)).find((node) => existsSync(node)),
    dockhandDir: path.join(absolute, '.dockhand'),
  };
}

/** Why `root` is not a runner folder that can start the hook, or undefined when it is one. */
export function notARunnerFolder(root: string): string | undefined {
  const has = (name: string): boolean => existsSync(path.join(root, name));
  if (!existsSync(root)) return `${root} does not exist`;
  const scripts = has('config.sh') || has('run.sh');
  const runner = has(path.join('bin', 'Runner.Listener')) || has('.runner');
  if (!scripts || !runner) {
    return `${root} is not a runner folder (no config.sh/run.sh with bin/Runner.Listener or .runner): pass the folder where the runner was unpacked`;
  }
  // The runner starts a .js hook with the shell string "<root>/externals/node20/bin/node {0}", which it
  // splits at the first space (ScriptHandlerHelpers.ParseShellOptionString).
  if (/\s/.test(root)) {
    return `${root} has a space in its path, and the runner cannot start a hook there: move the runner to a path without spaces`;
  }
  return undefined;
}
