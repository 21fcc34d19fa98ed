// Scratch runner folders, a non-root runner user and the real `dockhand` bundle, for the CLI's
// end-to-end tests.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distDir } from '../support/stack';
import { makeTempDir } from '../support/temp';

export interface Scratch {
  root: string;
  runner: string;
  home: string;
  dockerConfig: string;
}

/**
 * A folder laid out like the official runner tarball (config.sh, run.sh, bin/Runner.Listener,
 * externals/<node>/bin/node), with the host's node as each of `nodes`.
 */
export function makeScratchRunner(envText: string, nodes: string[] = ['node20']): Scratch {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dockhand-cli-'));
  // Traversable, so a runner user can reach its runner folder inside.
  chmodSync(root, 0o755);
  const runner = path.join(root, 'runner');
  const home = path.join(root, 'home');
  mkdirSync(path.join(runner, 'bin'), { recursive: true });
  mkdirSync(home, { recursive: true });
  for (const script of ['config.sh', 'run.sh', 'bin/Runner.Listener']) {
    writeFileSync(path.join(runner, script), '#!/bin/sh\n');
    chmodSync(path.join(runner, script), 0o755);
  }
  for (const node of nodes) {
    mkdirSync(path.join(runner, 'externals', node, 'bin'), { recursive: true });
    symlinkSync(process.execPath, path.join(runner, 'externals', node, 'bin', 'node'));
  }
  writeFileSync(path.join(runner, '.env'), envText);
  return { root, runner, home, dockerConfig: path.join(home, '.docker') };
}

export function removeScratch(scratch: Scratch | undefined): void {
  if (scratch !== undefined) rmSync(scratch.root, { recursive: true, force: true });
}

export interface RunnerUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** A real non-root user (docs/test-stack.md, "As a runner runs"), created once. */
export function runnerUser(name = 'dockhand-cli'): RunnerUser {
  const found = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  if (found.status !== 0) execFileSync('useradd', ['-m', name]);
  const entry = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim().split(':');
  return { name, uid: Number(entry[2]), gid: Number(entry[3]), home: entry[5] ?? '' };
}

/** The docker group, whose members reach dockerd's socket (`root:docker 0660`). */
export function dockerGroupId(): number {
  return Number(execFileSync('getent', ['group', 'docker'], { encoding: 'utf8' }).split(':')[2]);
}

/**
 * A node that runs the hook as `user`, with the user's own group and the docker group, as a real runner
 * user is set up (`usermod -aG docker`): what it creates is `user`'s, by uid and gid.
 */
export function nodeAs(user: RunnerUser): string {
  const dir = makeTempDir('dockhand-node-as-');
  chmodSync(dir, 0o755);
  const wrapper = path.join(dir, 'node');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec setpriv --reuid=${user.uid} --regid=${user.gid} --groups=${dockerGroupId()} ${process.execPath} "$@"\n`,
    { mode: 0o755 },
  );
  return wrapper;
}

/** Hands files and folders (recursively) to `user`, as a runner installed for that user is. */
export function giveTo(user: RunnerUser, ...paths: string[]): void {
  execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, ...paths]);
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  env: Record<string, string> = {},
  user: RunnerUser | undefined = undefined,
): CliResult {
  const result = spawnSync(process.execPath, [path.join(distDir, 'cli.js'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: user?.home ?? '/nonexistent',
      ...env,
    },
    ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The CLI as its own process, without blocking this one: for long runs, and for runs that need a server of
 * this test process (the ECR emulator) to answer meanwhile. `env` is the whole environment.
 */
export function runCliAsync(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 240_000,
): Promise<CliResult> {
  const child = spawn(process.execPath, [path.join(distDir, 'cli.js'), ...args], { env, timeout: timeoutMs });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
