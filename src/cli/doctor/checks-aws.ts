// For registries served by ecr-login: AWS credentials resolve, and its token cache is private.
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fail, pass, skip, type CheckResult } from './check';
import type { DoctorSetup } from './setup';

const AWS_TIMEOUT_MS = 15_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Resolves credentials with the AWS SDK's default chain, as ecr-login does. The SDK reads the
 * environment doctor runs in, so run doctor as the runner user with the runner's environment.
 */
export async function checkAwsCredentials(usesEcrLogin: boolean): Promise<CheckResult> {
  const name = 'AWS credentials';
  if (!usesEcrLogin) return skip(name, 'no registry is served by ecr-login');
  try {
    const credentials = await withTimeout(
      defaultProvider()(),
      AWS_TIMEOUT_MS,
      'AWS default credential chain',
    );
    // The last four characters of the key id say which key without revealing anything usable.
    return pass(name, `resolved (access key id ending ${credentials.accessKeyId.slice(-4)})`);
  } catch (error) {
    return fail(
      name,
      `the AWS default credential chain found none: ${(error as Error).message.split('\n')[0]}`,
      'give the runner an instance role, or set AWS_PROFILE / AWS_ACCESS_KEY_ID+AWS_SECRET_ACCESS_KEY / AWS_ROLE_ARN+AWS_WEB_IDENTITY_TOKEN_FILE in the runner .env',
    );
  }
}

function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

export function checkCacheDir(setup: DoctorSetup, usesEcrLogin: boolean, home: string): CheckResult {
  const name = 'ecr-login cache';
  if (!usesEcrLogin) return skip(name, 'no registry is served by ecr-login');
  const env = setup.dockerEnv;
  if (env.AWS_ECR_DISABLE_CACHE !== undefined) return pass(name, 'disabled by AWS_ECR_DISABLE_CACHE');
  const dir = env.AWS_ECR_CACHE_DIR ?? path.join(env.HOME ?? home, '.ecr');
  if (!existsSync(dir)) return pass(name, `${dir} does not exist yet (the helper creates it 0700)`);
  const dirMode = modeOf(dir);
  if ((dirMode & 0o077) !== 0) {
    return fail(
      name,
      `${dir} is mode ${dirMode.toString(8)}: others can read cached tokens`,
      `chmod 700 ${dir}`,
    );
  }
  const file = path.join(dir, 'cache.json');
  if (existsSync(file) && (modeOf(file) & 0o077) !== 0) {
    return fail(
      name,
      `${file} is mode ${modeOf(file).toString(8)}: others can read cached tokens`,
      `chmod 600 ${file}`,
    );
  }
  return pass(name, `${dir} is private (0${dirMode.toString(8)})`);
}
