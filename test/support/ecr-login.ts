// Runs the built docker-credential-ecr-login (dist/, first on PATH) as Docker does, with an explicit
// environment: nothing is inherited (this machine exports AWS_CA_BUNDLE and others globally).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { ecrApiEnv, writeEcrDockerConfig } from './ecr-runner';
import { distDir } from './stack';
import { makeTempDir } from './temp';

export const HELPER = path.join(distDir, 'docker-credential-ecr-login');

export interface HelperResult {
  stdout: string;
  stderr: string;
  code: number | null;
  ms: number;
}

/** A fresh home, cache dir and docker config mapping `hosts` to ecr-login; env for helper and docker. */
export function helperEnv(
  emulatorUrl: string,
  hosts: string[],
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  const home = makeTempDir('ecr-e2e-');
  const dockerConfig = path.join(home, 'docker');
  writeEcrDockerConfig(dockerConfig, hosts);
  return {
    PATH: `${distDir}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    DOCKER_CONFIG: dockerConfig,
    ...ecrApiEnv(emulatorUrl, path.join(home, 'ecr')),
    ...extra,
  };
}

/** No static keys, AWS_PROFILE=`profile` and `awsConfig` as ~/.aws/config: credentials from a profile. */
export function profileEnv(emulatorUrl: string, profile: string, awsConfig: string): NodeJS.ProcessEnv {
  const env = helperEnv(emulatorUrl, [], {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_PROFILE: profile,
  });
  mkdirSync(path.join(env.HOME!, '.aws'));
  writeFileSync(path.join(env.HOME!, '.aws', 'config'), awsConfig);
  return env;
}

/** Runs `command args` with `input` on stdin; killed after `timeoutMs`. */
export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input = '',
  timeoutMs = 60_000,
): Promise<HelperResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code, ms: performance.now() - started }));
    // A helper may rightly stop reading before the end (oversized input): that is its answer, not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

export function helperGet(env: NodeJS.ProcessEnv, serverUrl: string): Promise<HelperResult> {
  return run(HELPER, ['get'], env, serverUrl, 20_000);
}

/** A TCP listener that accepts connections and never answers: an unreachable metadata service. */
export interface SilentListener {
  url: string;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

export async function startSilentListener(): Promise<SilentListener> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accepted: () => sockets.length,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** No AWS credentials anywhere (empty ~/.aws, no keys) and instance metadata at `metadataUrl`. */
export function noCredentialsEnv(metadataUrl: string): NodeJS.ProcessEnv {
  const env = helperEnv('http://127.0.0.1:9', [], {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_EC2_METADATA_DISABLED: undefined,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: metadataUrl,
  });
  mkdirSync(path.join(env.HOME!, '.aws'));
  return env;
}
