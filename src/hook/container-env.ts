// Runs a docker CLI call that creates a container (`docker create`) with a job's variables: the CLI talks to
// the hook's env proxy, which adds them to the container's config on the way to the daemon. No value is
// ever in a host process's environment, on a command line or in a file.
import path from 'node:path';
import { containerEnvEntries, proxiedCliEnv } from '../docker/cli-env';
import { engineConnectionOf } from '../docker/engine-endpoint';
import { startEnvProxy } from '../docker/env-proxy';
import { withPrivateDir } from '../docker/private-dir';
import type { HookConfig } from './config';

/** `use` gets the CLI's environment for the call; a failure between CLI and daemon is the error raised. */
export async function withContainerEnv<T>(
  config: HookConfig,
  jobEnv: Record<string, string>,
  use: (cliEnv: Record<string, string>) => Promise<T>,
): Promise<T> {
  const entries = containerEnvEntries(jobEnv);
  const upstream = engineConnectionOf(config.engineEndpoint, config.dockerPath, config.cliEnv);
  return withPrivateDir(config.privateBase, async (dir) => {
    const proxy = await startEnvProxy(path.join(dir, 'docker.sock'), upstream, entries);
    try {
      return await use(proxiedCliEnv(config.cliEnv, proxy.host));
    } catch (error) {
      // The CLI's failure is explained by the proxy's, when there was one.
      throw proxy.failure() ?? error;
    } finally {
      await proxy.close();
    }
  });
}

/** What the runner's built-in support adds to every container it creates. */
export function withActionsDefaults(env: Record<string, string>): Record<string, string> {
  return { ...env, GITHUB_ACTIONS: 'true', CI: env.CI ?? 'true' };
}
