// For registries served by ecr-login: AWS credentials resolve, and its token cache is private.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { runProcess } from '../../exec';
import { AWS_PROBE_COMMAND, type AwsProbeResult } from './aws-probe';
import { fail, firstLine, pass, skip, type CheckResult } from './check';
import { AWS_PROBE_TIMEOUT_MS, noAnswerIn } from './limits';
import type { DoctorSetup } from './setup';

const AWS_FIX =
  'give the runner an instance role, or set AWS_PROFILE / AWS_ACCESS_KEY_ID+AWS_SECRET_ACCESS_KEY / AWS_ROLE_ARN+AWS_WEB_IDENTITY_TOKEN_FILE in the runner .env';

/** Resolves AWS credentials as ecr-login will: the SDK's default chain, in the environment docker gets. */
export async function checkAwsCredentials(
  setup: DoctorSetup,
  usesEcrLogin: boolean,
  self: readonly string[],
): Promise<CheckResult> {
  const name = 'AWS credentials';
  if (!usesEcrLogin) return skip(name, 'no registry is served by ecr-login');
  const probe = await runProcess([...self, AWS_PROBE_COMMAND], {
    env: setup.docker.cliEnv,
    timeoutMs: AWS_PROBE_TIMEOUT_MS,
  });
  if (probe.timedOut)
    return fail(name, `the AWS default credential chain gave ${noAnswerIn(AWS_PROBE_TIMEOUT_MS)}`, AWS_FIX);
  let result: AwsProbeResult;
  try {
    // Safe: the probe is dockhand's own program (aws-probe.ts), started by path from dist/.
    result = JSON.parse(probe.stdout) as AwsProbeResult;
  } catch {
    return fail(
      name,
      `the credentials probe failed: ${firstLine(probe.stderr)}`,
      'rebuild dockhand (npm run build)',
    );
  }
  return result.ok
    ? pass(name, `resolved (access key id ending ${result.keyIdTail})`)
    : fail(name, `the AWS default credential chain found none: ${result.reason}`, AWS_FIX);
}

function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

export function checkCacheDir(setup: DoctorSetup, usesEcrLogin: boolean, home: string): CheckResult {
  const name = 'ecr-login cache';
  if (!usesEcrLogin) return skip(name, 'no registry is served by ecr-login');
  const env = setup.docker.cliEnv;
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
