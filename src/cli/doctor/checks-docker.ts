// The docker CLI and daemon, the docker config the hook will use, and the helper for each registry.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EngineApi } from '../../docker/engine-api';
import { DEFAULT_SOCKET, engineConnectionOf } from '../../docker/engine-endpoint';
import { engineNameOf, type InfoAnswer, type VersionAnswer } from '../../docker/engine-name';
import { findExecutable, runProcess } from '../../exec';
import { createJobLog } from '../../protocol/job-log';
import type { JsonObject } from '../../protocol/json';
import { parseDockerConfig } from '../docker-config';
import { fail, firstLine, pass, type CheckResult } from './check';
import { DOCKER_VERSION_TIMEOUT_MS, noAnswerIn } from './limits';
import type { DoctorSetup, RegistryRoute } from './setup';
import { errnoCodeOf, messageOf } from '../../protocol/errors';

export async function checkDocker(setup: DoctorSetup): Promise<CheckResult[]> {
  // The docker the hook will run: HOOK_DOCKER_PATH, else the first executable docker on its PATH.
  const docker = setup.docker.dockerPath;
  if (docker === null) {
    return [
      fail(
        'docker CLI',
        `no executable docker on the runner's PATH (${setup.hookEnv.PATH ?? 'PATH unset'})`,
        'install the docker CLI, add its folder to PATH in the runner .env, or set HOOK_DOCKER_PATH',
      ),
    ];
  }
  let server;
  try {
    server = await runProcess([docker, 'version', '--format', '{{.Server.Version}}'], {
      env: setup.docker.cliEnv,
      timeoutMs: DOCKER_VERSION_TIMEOUT_MS,
    });
  } catch (error) {
    return [fail('docker CLI', messageOf(error), 'fix HOOK_DOCKER_PATH or PATH in the runner .env')];
  }
  const cli = pass('docker CLI', docker);
  if (server.exitCode === 0)
    return [
      cli,
      pass('docker daemon', `reachable, version ${server.stdout.trim()}`),
      await checkEngineApi(setup, docker),
      checkSocketMount(setup),
    ];
  const endpoint = setup.docker.engineEndpoint;
  const where = 'socketPath' in endpoint ? `unix://${endpoint.socketPath}` : endpoint.viaCli;
  const reason = server.timedOut ? noAnswerIn(DOCKER_VERSION_TIMEOUT_MS) : firstLine(server.stderr);
  return [
    cli,
    fail(
      'docker daemon',
      `not reachable at ${where}: ${reason}`,
      'start dockerd, or fix DOCKER_HOST; the runner user needs access to the socket (docker group)',
    ),
  ];
}

/** The docker config the hook will use; undefined config when it cannot be read. */
export function checkDockerConfig(setup: DoctorSetup): { result: CheckResult; config?: JsonObject } {
  const name = 'docker config';
  const file = path.join(setup.docker.dockerConfigDir, 'config.json');
  const from = `${file} (from ${setup.docker.dockerConfigSource})`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = errnoCodeOf(error);
    if (code === 'EACCES') {
      return {
        result: fail(
          name,
          `${from}: cannot read (permission denied)`,
          "the hook runs as the runner user: point HOOK_DOCKER_CONFIG at that user's docker config (dockhand install as root does), or make this one readable by it",
        ),
      };
    }
    return {
      result: fail(name, `${from} does not exist`, 'run dockhand install, or set HOOK_DOCKER_CONFIG in .env'),
    };
  }
  try {
    const config = parseDockerConfig(text, file);
    return { result: pass(name, from), config };
  } catch (error) {
    return { result: fail(name, messageOf(error), `fix ${file} (a backup may be next to it)`) };
  }
}

export function checkRoutes(routes: RegistryRoute[], setup: DoctorSetup): CheckResult[] {
  if (routes.length === 0) {
    return [
      fail(
        'credential helpers',
        'the docker config maps no registry to a credential helper',
        'run dockhand install --registry <host>',
      ),
    ];
  }
  return routes.map((route) => {
    const name = `helper for ${route.host}`;
    const program = `docker-credential-${route.helper}`;
    const found = findExecutable(program, setup.docker.cliEnv.PATH);
    return found === null
      ? fail(
          name,
          `${program} is not on the PATH the hook gives docker`,
          `install ${program}, or put its folder first in PATH in the runner .env`,
        )
      : pass(name, found);
  });
}

/**
 * The hook execs steps, inspects and removes through the Engine API, reached as the CLI reaches dockerd;
 * the line names the engine that answers (Docker, rootless Docker, podman).
 */
async function checkEngineApi(setup: DoctorSetup, docker: string): Promise<CheckResult> {
  const connection = engineConnectionOf(setup.docker.engineEndpoint, docker, setup.docker.cliEnv);
  try {
    const api = new EngineApi(connection, createJobLog({ write: () => true }, false));
    const version = await api.version();
    const [versionAnswer, info] = await Promise.all([
      api.json<VersionAnswer>('GET', '/version'),
      // The name is worth the check even when /info is refused: rootless or not is then unknown.
      api.json<InfoAnswer>('GET', '/info').catch(() => null),
    ]);
    const engine = engineNameOf(versionAnswer ?? {}, info);
    return pass('docker Engine API', `${engine}, API ${version} at ${connection.describe}`);
  } catch (error) {
    return fail(
      'docker Engine API',
      messageOf(error),
      'the runner user needs read/write access to the docker socket (docker group), or fix DOCKER_HOST',
    );
  }
}

/** Where the runner's docker socket mount into job and step containers will come from (SocketMapping). */
function checkSocketMount(setup: DoctorSetup): CheckResult {
  const { note } = setup.docker.socketMapping;
  return pass('docker socket mount', note ?? `${DEFAULT_SOCKET}, the engine's own socket`);
}
