// `dockhand doctor`: every check in order; later checks build on what earlier ones found.
import type { CliConfig, Output } from '../context';
import { readFileState } from '../install/files';
import { becomeOwnerOf } from '../privileges';
import { ECR_HELPER } from '../registries';
import { runnerLayout } from '../runner-folder';
import { type CheckResult } from './check';
import { checkAwsCredentials, checkCacheDir } from './checks-aws';
import { checkDocker, checkDockerConfig, checkRoutes } from './checks-docker';
import { checkRegistry } from './checks-registry';
import { checkEnvFile, checkHookLoads, checkInstalledRelease, checkRunnerFolder } from './checks-runner';
import { formatJson, formatText, hasFailure } from './report';
import { doctorSetup, registryRoutes } from './setup';

export interface DoctorOptions {
  runner: string;
  json: boolean;
}

/**
 * Run as root on a folder the runner user owns, doctor becomes that user (privileges.ts) before it reads
 * .env or starts any program it names: it checks as the runner runs, and runs nothing as root that the
 * runner user could have replaced. It then starts from that user's own environment, never root's
 * (AWS keys, DOCKER_HOST): the runner user's .env picks the programs doctor starts.
 */
function asRunnerUser(runner: string, config: CliConfig): { root: string; config: CliConfig } {
  const { actor, root, cleanEnv } = becomeOwnerOf(runner);
  if (cleanEnv === undefined) return { root, config };
  return { root, config: { ...config, home: actor.home ?? '/nonexistent', env: cleanEnv } };
}

export async function runChecks(options: DoctorOptions, given: CliConfig): Promise<CheckResult[]> {
  const { root, config } = asRunnerUser(options.runner, given);
  const layout = runnerLayout(root);
  const envText = readFileState(layout.envFile)?.text ?? null;
  const setup = doctorSetup(layout, config.env, envText, config.home);
  const results: CheckResult[] = [
    checkRunnerFolder(setup),
    checkInstalledRelease(setup),
    checkEnvFile(setup),
    await checkHookLoads(setup),
  ];
  results.push(...(await checkDocker(setup)));
  const { result, config: dockerConfig } = checkDockerConfig(setup);
  results.push(result);
  if (dockerConfig === undefined) return results;
  // credsStore (`*`) has no host to fetch credentials for: its helper is only checked for presence.
  const routes = registryRoutes(dockerConfig);
  results.push(...checkRoutes(routes, setup));
  const usesEcrLogin = routes.some((route) => route.helper === ECR_HELPER);
  results.push(await checkAwsCredentials(setup, usesEcrLogin, config.self));
  for (const route of routes.filter((r) => r.host !== '*'))
    results.push(...(await checkRegistry(route, setup)));
  results.push(checkCacheDir(setup, usesEcrLogin, config.home));
  return results;
}

/** Runs doctor and returns its exit code: 1 when any check failed. */
export async function doctor(options: DoctorOptions, config: CliConfig, out: Output): Promise<number> {
  const results = await runChecks(options, config);
  if (options.json) out.line(formatJson(results));
  else for (const line of formatText(results)) out.line(line);
  return hasFailure(results) ? 1 : 0;
}
