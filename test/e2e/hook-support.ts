// What the hook's end-to-end tests share: a runner on the real stack, driven through the replayer, in
// its own temp folder, with the host docker config and helper of the stack (the "helper path").
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createReplayer, type Replayer, type ReplayerOptions } from '../../src/replay';
import { distDir, loadStack, type Stack } from '../support/stack';
import { makeTempDir } from '../support/temp';

export const stack: Stack = loadStack();
export const ecr = (image: string) => `${stack.registries.ecrUsEast1}/${image}`;
export const ecrEu = (image: string) => `${stack.registries.ecrEuWest1}/${image}`;
export const plain = (image: string) => `${stack.registries.plain}/${image}`;

export interface TestRunner {
  replayer: Replayer;
  root: string;
  output: () => string;
  dispose: () => void;
}

/** A runner whose hook sees the stack's docker config and helper, plus `env` over it. */
export function testRunner(
  env: Record<string, string> = {},
  options: Pick<ReplayerOptions, 'runnerName' | 'onResponseFile' | 'nodePath'> & { repository?: string } = {},
): TestRunner {
  const root = mkdtempSync(path.join(tmpdir(), 'dockhand-hook-e2e-'));
  let output = '';
  const replayer = createReplayer({
    hookPath: path.join(distDir, 'hook.js'),
    runnerRoot: path.join(root, 'runner'),
    runnerName: options.runnerName ?? 'e2e-runner',
    repository: options.repository,
    env: {
      PATH: `${stack.stackHelper.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: process.env.HOME ?? '/root',
      HOOK_DOCKER_CONFIG: stack.stackHelper.dockerConfig,
      HOOK_PRIVATE_DIR: path.join(root, 'private'),
      HOOK_RETRY_BASE_MS: '200',
      // The engine the tests run against (DOCKHAND_TEST_ENGINE), so the hook reaches the same one.
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      ...env,
    },
    onOutput: (chunk) => (output += chunk),
    onResponseFile: options.onResponseFile,
    nodePath: options.nodePath,
  });
  execFileSync('mkdir', ['-m', '0700', '-p', path.join(root, 'private')]);
  return {
    replayer,
    root,
    output: () => output,
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Ids of containers (running or not) with a label. */
export function containersLabelled(label: string): string[] {
  return docker('ps', '--all', '--quiet', '--filter', `label=${label}`).split('\n').filter(Boolean);
}

export function networksLabelled(label: string): string[] {
  return docker('network', 'ls', '--quiet', '--filter', `label=${label}`).split('\n').filter(Boolean);
}

export interface SavedState {
  runnerId: string;
  jobId: string;
  network: string;
  container: { id: string; path: string } | null;
  services: Array<{ id: string; alias: string; image: string }>;
  apiVersion?: string;
}

const builtImages: string[] = [];

/** Builds a local image from Dockerfile lines over the stack's shell image; `removeBuiltImages` removes it. */
export function buildShellImage(tag: string, lines: string[]): string {
  const dockerfile = [`FROM ${stack.localImages.shell}`, ...lines].join('\n');
  execFileSync('docker', ['build', '--quiet', '--tag', tag, '-'], {
    input: dockerfile,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  builtImages.push(tag);
  return tag;
}

export function removeBuiltImages(): void {
  const tags = builtImages.splice(0);
  if (tags.length) docker('image', 'rm', ...tags);
}

/** A node for the hook that records each call's peak memory (maxRSS, KB) in `file`. */
export function measuringNode(): { nodePath: string; peaksKb: () => number[] } {
  const dir = makeTempDir('dockhand-rss-');
  const file = path.join(dir, 'peaks');
  const probe = path.join(dir, 'probe.js');
  writeFileSync(file, '');
  writeFileSync(
    probe,
    `process.on('exit', () => require('node:fs').appendFileSync(${JSON.stringify(file)}, process.resourceUsage().maxRSS + '\\n'));\n`,
  );
  const nodePath = path.join(dir, 'node');
  writeFileSync(
    nodePath,
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --require ${JSON.stringify(probe)} "$@"\n`,
    {
      mode: 0o755,
    },
  );
  return {
    nodePath,
    peaksKb: () => readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number),
  };
}
