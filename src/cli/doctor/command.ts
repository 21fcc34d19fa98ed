// `dockhand doctor`: every check in order; later checks build on what earlier ones found.
import { readIfExists } from '../install/files';
import type { CliConfig, Output } from '../context';
import { ECR_HELPER } from '../registries';
import { runnerLayout } from '../runner-folder';
import { type CheckResult } from './check';
import { checkAwsCredentials, checkCacheDir } from './checks-aws';
import { checkDocker, checkDockerConfig, checkRoutes } from './checks-docker';
import { checkRegistry } from './checks-registry';
import { checkEnvFile, checkHookLoads, checkRunnerFolder } from './checks-runner';
import { formatJson, formatText, hasFailure } from './report';
import { doctorSetup, registryRoutes } from './setup';

export interface DoctorOptions {
  runner: string;
  json: boolean;
}

export async function runChecks(options: DoctorOptions, config: CliConfig): Promise<CheckResult[]> {
  const layout = runnerLayout(options.runner);
  const setup = doctorSetup(layout, config.env, readIfExists(layout.envFile), config.home);
  const results: CheckResult[] = [checkRunnerFolder(setup), checkEnvFile(setup), await checkHookLoads(setup)];
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
