// Wires the ECR helper from its typed config: cache (if its directory can be trusted), log, lazy AWS
// loader, the parent watch; then runs one action through the credential-helper framing and removes every
// secret value met from what is printed. The entrypoint only gathers argv, stdin and the environment.
import { handleCommand, type HelperOutput } from '../protocol/credential-helper';
import type { AwsSession, AwsSessionOptions } from './api';
import { nullCache, type CredentialsCache } from './cache/cache';
import { cacheDirProblem } from './cache/dir';
import { FileCache } from './cache/file';
import { DEFAULT_LOCK_OPTIONS } from './cache/lock';
import { readConfig, type EcrConfig } from './config';
import { SecretValues } from './failure';
import { createEcrHelper } from './helper';
import { fileLogger } from './log';
import { watchParent } from './parent';
import type { EcrRegistry } from './registry';
import { messageOf } from '../protocol/errors';

const VERSION = '0.1.0';
const NAME = 'docker-credential-ecr-login';
const USAGE = `Usage: ${NAME} <store|get|erase|list|version>\n`;
const clock = (): Date => new Date();

export interface EcrLoginInvocation {
  args: string[];
  stdin: () => Promise<string>;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** This process's user id: the cache directory must be its own. */
  uid: number;
  /** The current parent pid: when it changes, docker is gone and the helper stops. */
  parentPid: () => number;
  /** Loads the AWS module (the separate bundle); called on a cache miss only. */
  loadAws: () => { createAwsSession(registry: EcrRegistry, options: AwsSessionOptions): AwsSession };
}

/** Cache and log in the cache directory; neither when it cannot be trusted, no cache when disabled. */
function storage(
  config: EcrConfig,
  uid: number,
  secrets: SecretValues,
  signal: AbortSignal,
): { cache: CredentialsCache; log: (line: string) => void } {
  if (cacheDirProblem(config.cacheDir, uid) !== undefined) return { cache: nullCache, log: () => {} };
  const log = fileLogger(config.cacheDir, clock, (line) => secrets.redact(line));
  if (config.cacheDisabled) return { cache: nullCache, log };
  const lock = { ...DEFAULT_LOCK_OPTIONS, signal };
  return { cache: new FileCache({ dir: config.cacheDir, clock, lock, log }), log };
}

export async function runEcrLogin(invocation: EcrLoginInvocation): Promise<HelperOutput> {
  const [action] = invocation.args;
  if (action === '-v' || action === '--version') {
    return { stdout: `${NAME} (dockhand)\nVersion:    ${VERSION}\n`, stderr: '', exitCode: 0 };
  }
  if (action === '-h' || action === '--help') return { stdout: USAGE, stderr: '', exitCode: 0 };
  if (invocation.args.length !== 1 || action === undefined) {
    return { stdout: USAGE, stderr: '', exitCode: 1 };
  }
  let config;
  try {
    config = readConfig(invocation.env, invocation.homeDir);
  } catch (err) {
    return { stdout: `${messageOf(err)}\n`, stderr: '', exitCode: 1 };
  }
  const secrets = new SecretValues();
  secrets.add(...config.envSecrets);
  const parent = watchParent(invocation.parentPid);
  try {
    const { cache, log } = storage(config, invocation.uid, secrets, parent.signal);
    const helper = createEcrHelper({
      config,
      clock,
      cache,
      openSession: (registry, options) => invocation.loadAws().createAwsSession(registry, options),
      log,
      signal: parent.signal,
      secrets,
    });
    let input = '';
    try {
      if (action !== 'list' && action !== 'version') input = await invocation.stdin();
    } catch (err) {
      return { stdout: `${messageOf(err)}\n`, stderr: '', exitCode: 1 };
    }
    const out = await handleCommand(helper, action, input, `${NAME} (dockhand) ${VERSION}`);
    // A failure's text may quote what a hostile endpoint sent back; a success's stdout is the secret.
    if (out.exitCode === 0) return out;
    return { ...out, stdout: secrets.redact(out.stdout), stderr: secrets.redact(out.stderr) };
  } finally {
    parent.stop();
  }
}
