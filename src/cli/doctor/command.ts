// `dockhand doctor`: every check in order; later checks build on what earlier ones found.
import { existsSync } from 'node:fs';
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
 * runner user could have replaced.
 */
function asRunnerUser(root: string, config: CliConfig): CliConfig {
  if (!existsSync(root)) return config;
  const before = process.getuid?.();
  const actor = becomeOwnerOf(root);
  if (actor.uid === before) return config;
  const home = actor.home ?? '/nonexistent';
  return { ...config, home, env: { ...config.env, HOME: home, USER: actor.name, LOGNAME: actor.name } };
}

export async function runChecks(options: DoctorOptions, given: CliConfig): Promise<CheckResult[]> {
  const layout = runnerLayout(options.runner);
  const config = asRunnerUser(layout.root, given);
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
