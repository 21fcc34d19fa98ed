// A runner host set up as dockhand recommends for ECR: a docker config whose credHelpers send the stack's
// ECR-shaped registries to dockhand's ecr-login, the helper's launcher on PATH, AWS credentials in the
// runner's environment and the ECR API (an emulator here) behind AWS_ENDPOINT_URL_ECR.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { distDir, type Stack } from './stack';

export const FAKE_AWS_KEYS = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7DOCKHAND',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYdockhandKEY',
};

export interface EcrRunnerHost {
  dockerConfig: string;
  cacheDir: string;
  /** The runner's own TMPDIR: whatever the hook and helpers leave in temp files ends up here. */
  tmpDir: string;
  env: Record<string, string>;
}

/** Writes `dir`/config.json sending each of `hosts` to dockhand's ecr-login (creating `dir`, 0700). */
export function writeEcrDockerConfig(dir: string, hosts: string[]): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const credHelpers = Object.fromEntries(hosts.map((host) => [host, 'ecr-login']));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credHelpers }));
}

/** What ecr-login needs to get tokens from the emulated ECR API with fake keys, caching under `cacheDir`. */
export function ecrApiEnv(emulatorUrl: string, cacheDir: string): Record<string, string> {
  return {
    ...FAKE_AWS_KEYS,
    AWS_ENDPOINT_URL_ECR: emulatorUrl,
    AWS_ENDPOINT_URL_ECR_PUBLIC: emulatorUrl,
    AWS_ECR_CACHE_DIR: cacheDir,
    // Instance metadata must never be tried for real.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Writes the docker config under `dir` and returns the runner process environment to use. */
export function ecrRunnerHost(stack: Stack, dir: string, emulatorUrl: string): EcrRunnerHost {
  const dockerConfig = path.join(dir, 'docker-config');
  const cacheDir = path.join(dir, 'ecr-cache');
  const tmpDir = path.join(dir, 'tmp');
  writeEcrDockerConfig(dockerConfig, [stack.registries.ecrUsEast1, stack.registries.ecrEuWest1]);
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  return {
    dockerConfig,
    cacheDir,
    tmpDir,
    env: {
      TMPDIR: tmpDir,
      PATH: `${distDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: process.env.HOME ?? '/root',
      HOOK_DOCKER_CONFIG: dockerConfig,
      AWS_REGION: 'us-east-1',
      ...ecrApiEnv(emulatorUrl, cacheDir),
    },
  };
}
