// What the hook will see on this runner, worked out from the runner folder, its .env and the
// environment doctor runs in: the hook's environment, the docker config it picks, the env docker gets.
import { dockerCliSettingsOf, type DockerCliSettings } from '../../docker/cli-settings';
import type { JsonObject } from '../../protocol/json';
import { credHelpersOf } from '../docker-config';
import { applyEnvFile, parseEnvText, type EnvLines } from '../env-file';
import type { RunnerLayout } from '../runner-folder';

export interface DoctorSetup {
  layout: RunnerLayout;
  envLines: EnvLines | null;
  /** The runner's environment with its .env applied: what the hook process inherits. */
  hookEnv: Record<string, string>;
  /** The docker CLI the hook will run, its config and environment: decided by the hook's own rules. */
  docker: DockerCliSettings;
}

export function doctorSetup(
  layout: RunnerLayout,
  baseEnv: Readonly<Record<string, string>>,
  envText: string | null,
  home: string,
): DoctorSetup {
  const envLines = envText === null ? null : parseEnvText(envText);
  const hookEnv = applyEnvFile(baseEnv, envLines ?? []);
  return { layout, envLines, hookEnv, docker: dockerCliSettingsOf(hookEnv, home) };
}

export interface RegistryRoute {
  host: string;
  helper: string;
}

/** Each registry with a credential helper in the config; credsStore applies to the rest and is listed as `*`. */
export function registryRoutes(config: JsonObject): RegistryRoute[] {
  const routes = Object.entries(credHelpersOf(config)).map(([host, helper]) => ({ host, helper }));
  if (typeof config.credsStore === 'string' && config.credsStore !== '') {
    routes.push({ host: '*', helper: config.credsStore });
  }
  return routes;
}
