// What tests know about the running test stack (.stack/stack.json, written by test/stack/stack.sh up).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');
export const distDir = path.join(repoRoot, 'dist');

export interface Stack {
  dir: string;
  caFile: string;
  secretsFile: string;
  registries: { ecrUsEast1: string; ecrEuWest1: string; plain: string };
  images: { shell: string; alpine: string; web: string };
  localImages: { shell: string; alpine: string; web: string };
  /** Real-sized images from Debian packages, under ecrUsEast1 (`stack.sh images-real` builds and pushes them). */
  realImages?: { postgres: string; redis: string; app: string };
  stackHelper: { name: string; binDir: string; dockerConfig: string };
  emulator: { url: string; requestLog: string };
}

export interface StackSecrets {
  ecrPassword: string;
  plainUser: string;
  plainPassword: string;
}

export function stackDir(): string {
  return process.env.DOCKHAND_STACK_DIR ?? path.join(repoRoot, '.stack');
}

/**
 * The engine end-to-end tests run against: dockerd (the default), or with DOCKHAND_TEST_ENGINE=podman the
 * stack's podman (`stack.sh podman up`). Its DOCKER_HOST goes to the tests' own docker calls and to the
 * hook's environment, so both reach the same engine; undefined for dockerd.
 */
export function testEngineHost(): string | undefined {
  const engine = process.env.DOCKHAND_TEST_ENGINE || 'docker';
  if (engine === 'docker') return undefined;
  if (engine === 'podman') return `unix://${path.join(stackDir(), 'podman.sock')}`;
  throw new Error(`DOCKHAND_TEST_ENGINE=${engine} is not an engine the tests know: use docker or podman`);
}

export function loadStack(): Stack {
  const file = path.join(stackDir(), 'stack.json');
  if (!existsSync(file)) throw new Error(`test stack is not up (${file} missing): run 'npm run stack:up'`);
  return JSON.parse(readFileSync(file, 'utf8')) as Stack;
}

export function loadSecrets(stack = loadStack()): StackSecrets {
  return JSON.parse(readFileSync(stack.secretsFile, 'utf8')) as StackSecrets;
}

/** Removes local copies of images so the next pull really goes to the registry. */
export function removeLocalImages(refs: string[]): void {
  execFileSync('docker', ['image', 'rm', '--force', ...refs], { stdio: 'ignore' });
}
