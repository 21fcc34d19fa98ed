// Wires the ECR helper from its typed config: cache, log, lazy AWS loader; then runs one action through the
// credential-helper framing. The entrypoint only gathers argv, stdin and the environment.
import { handleCommand, type HelperOutput } from '../protocol/credential-helper';
import type { AwsSession, AwsSessionOptions } from './api';
import { nullCache } from './cache/cache';
import { FileCache } from './cache/file';
import { DEFAULT_LOCK_OPTIONS } from './cache/lock';
import { readConfig } from './config';
import { createEcrHelper } from './helper';
import { fileLogger } from './log';
import type { EcrRegistry } from './registry';

const VERSION = '0.1.0';
const NAME = 'docker-credential-ecr-login';

export interface EcrLoginInvocation {
  args: string[];
  stdin: () => Promise<string>;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** Loads the AWS module (the separate bundle); called on a cache miss only. */
  loadAws: () => { createAwsSession(registry: EcrRegistry, options: AwsSessionOptions): AwsSession };
}

export async function runEcrLogin(invocation: EcrLoginInvocation): Promise<HelperOutput> {
  const [action] = invocation.args;
  if (action === '-v' || action === '--version') {
    return { stdout: `${NAME} (dockhand)\nVersion:    ${VERSION}\n`, stderr: '', exitCode: 0 };
  }
  if (invocation.args.length !== 1 || action === undefined) {
    return { stdout: `Usage: ${NAME} <store|get|erase|list|version>\n`, stderr: '', exitCode: 1 };
  }
  let config;
  try {
    config = readConfig(invocation.env, invocation.homeDir);
  } catch (err) {
    return { stdout: `${(err as Error).message}\n`, stderr: '', exitCode: 1 };
  }
  const clock = (): Date => new Date();
  const helper = createEcrHelper({
    config,
    clock,
    cache: config.cacheDisabled
      ? nullCache
      : new FileCache({ dir: config.cacheDir, clock, lock: DEFAULT_LOCK_OPTIONS }),
    openSession: (registry, options) => invocation.loadAws().createAwsSession(registry, options),
    log: fileLogger(config.cacheDir, clock),
  });
  const input = action === 'list' || action === 'version' ? '' : await invocation.stdin();
  return handleCommand(helper, action, input, `${NAME} (dockhand) ${VERSION}`);
}
