// Scratch runner folders and the real `dockhand` bundle, for the CLI's end-to-end tests.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distDir } from '../support/stack';

export interface Scratch {
  root: string;
  runner: string;
  home: string;
  dockerConfig: string;
}

/** A folder laid out like an unpacked runner, with the host's node as its Node 20. */
export function makeScratchRunner(envText: string): Scratch {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dockhand-cli-'));
  const runner = path.join(root, 'runner');
  const home = path.join(root, 'home');
  mkdirSync(path.join(runner, 'bin'), { recursive: true });
  mkdirSync(path.join(runner, 'externals', 'node20', 'bin'), { recursive: true });
  mkdirSync(home, { recursive: true });
  for (const script of ['config.sh', 'run.sh', 'bin/Runner.Listener']) {
    writeFileSync(path.join(runner, script), '#!/bin/sh\n');
    chmodSync(path.join(runner, script), 0o755);
  }
  symlinkSync(process.execPath, path.join(runner, 'externals', 'node20', 'bin', 'node'));
  writeFileSync(path.join(runner, '.env'), envText);
  return { root, runner, home, dockerConfig: path.join(home, '.docker') };
}

export function removeScratch(scratch: Scratch | undefined): void {
  if (scratch !== undefined) rmSync(scratch.root, { recursive: true, force: true });
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [path.join(distDir, 'cli.js'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/nonexistent', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
