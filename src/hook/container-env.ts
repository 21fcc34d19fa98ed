// Runs a docker call that carries a job's variables: values travel in the CLI's environment (`-e NAME`),
// or in a 0600 env file removed right after, never on the command line.
import { daemonOnlyEnv, planContainerEnv } from '../docker/cli-env';
import { withPrivateDir, writeEnvFile } from '../docker/private-dir';
import type { HookContext } from './context';

export interface EnvArgs {
  envFlags: string[];
  envFile: string | null;
  cliEnv: Record<string, string>;
}

export async function withContainerEnv<T>(
  context: HookContext,
  jobEnv: Record<string, string>,
  use: (env: EnvArgs) => Promise<T>,
): Promise<T> {
  const plan = planContainerEnv(jobEnv, daemonOnlyEnv(context.config.cliEnv));
  if (plan.fileEntries.length === 0) return use({ envFlags: plan.flags, envFile: null, cliEnv: plan.cliEnv });
  return withPrivateDir(context.config.privateBase, async (dir) =>
    use({ envFlags: plan.flags, envFile: await writeEnvFile(dir, plan.fileEntries), cliEnv: plan.cliEnv }),
  );
}

/** What the runner's built-in support adds to every container it creates. */
export function withActionsDefaults(env: Record<string, string>): Record<string, string> {
  return { ...env, GITHUB_ACTIONS: 'true', CI: env.CI ?? 'true' };
}
