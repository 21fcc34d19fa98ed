// Recognises a GitHub Actions runner folder before anything is written into it.
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface RunnerLayout {
  root: string;
  envFile: string;
  node20: string;
  /** Folder dockhand owns inside the runner folder: bundles, launcher, install record. */
  dockhandDir: string;
}

export function runnerLayout(root: string): RunnerLayout {
  const absolute = path.resolve(root);
  return {
    root: absolute,
    envFile: path.join(absolute, '.env'),
    node20: path.join(absolute, 'externals', 'node20', 'bin', 'node'),
    dockhandDir: path.join(absolute, '.dockhand'),
  };
}

/** Why `root` is not a runner folder, or undefined when it is one. */
export function notARunnerFolder(root: string): string | undefined {
  const has = (name: string): boolean => existsSync(path.join(root, name));
  if (!existsSync(root)) return `${root} does not exist`;
  const scripts = has('config.sh') || has('run.sh');
  const runner = has(path.join('bin', 'Runner.Listener')) || has('.runner');
  if (!scripts || !runner) {
    return `${root} is not a runner folder (no config.sh/run.sh with bin/Runner.Listener or .runner): pass the folder where the runner was unpacked`;
  }
  return undefined;
}
