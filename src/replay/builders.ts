// What the runner sends for a job container, a service, a script step and a container step, built from
// the workflow's terms. Field for field as runner 2.336 fills them (docs/runner-protocol.md).
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type {
  HookContainer,
  JobContainer,
  Mount,
  RegistryCredentials,
  RunScriptStepArgs,
} from '../protocol/hook-types';
import { namedRegistryOf } from '../protocol/image-reference';
import type { JobLayout } from './layout';

/** A `container:` or `services.<name>:` entry of a workflow. */
export interface WorkflowContainer {
  image: string;
  env?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  options?: string;
  credentials?: { username: string; password: string };
}

const DOCKER_SOCK = '/var/run/docker.sock';

function mount(source: string, target: string, readOnly = false): Mount {
  return { userProvidedValue: null, sourceVolumePath: source, targetVolumePath: target, readOnly };
}

/** The runner's parsing of a `volumes:` entry: `source:target[:ro]` or just `target`. */
export function userMount(value: string): Mount {
  const readOnly = value.endsWith(':ro');
  const parts = (readOnly ? value.slice(0, -3) : value).split(':');
  const target = parts.length > 1 ? parts.slice(1).join(':') : parts[0]!;
  const source = parts.length > 1 ? parts[0]! : null;
  return { userProvidedValue: value, sourceVolumePath: source, targetVolumePath: target, readOnly };
}

/** The registry host of an image reference, as the runner derives `serverUrl`: "" for Docker Hub. */
export function registryHost(image: string): string {
  return namedRegistryOf(image) ?? '';
}

function credentialsOf(spec: WorkflowContainer): RegistryCredentials | null {
  if (!spec.credentials?.username) return null;
  return {
    username: spec.credentials.username,
    password: spec.credentials.password,
    serverUrl: registryHost(spec.image),
  };
}

export function jobContainer(spec: WorkflowContainer, layout: JobLayout): JobContainer {
  return {
    image: spec.image,
    dockerfile: null,
    entryPointArgs: [],
    entryPoint: null,
    workingDirectory: layout.containerWorkspace,
    createOptions: spec.options ?? null,
    registry: credentialsOf(spec),
    environmentVariables: { ...spec.env, HOME: '/github/home' },
    portMappings: spec.ports ?? [],
    systemMountVolumes: [
      mount(DOCKER_SOCK, DOCKER_SOCK),
      mount(layout.work, '/__w'),
      mount(layout.externals, '/__e', true),
      mount(layout.temp, '/__w/_temp'),
      mount(layout.actions, '/__w/_actions'),
      mount(layout.toolCache, '/__w/_tool'),
      mount(layout.githubHome, '/github/home'),
      mount(layout.githubWorkflow, '/github/workflow'),
    ],
    userMountVolumes: (spec.volumes ?? []).map(userMount),
  };
}

export function serviceContainer(spec: WorkflowContainer): JobContainer {
  return {
    image: spec.image,
    dockerfile: null,
    entryPointArgs: [],
    entryPoint: null,
    workingDirectory: null,
    createOptions: spec.options ?? null,
    registry: credentialsOf(spec),
    environmentVariables: { ...spec.env },
    portMappings: spec.ports ?? [],
    systemMountVolumes: [],
    userMountVolumes: (spec.volumes ?? []).map(userMount),
  };
}

/** The environment every step gets from the runner, translated to container paths (no PATH). */
function stepEnvironment(
  layout: JobLayout,
  paths: { workspace: string; temp: string; fileCommands: string },
  id: string,
): Record<string, string> {
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: layout.repository,
    GITHUB_WORKSPACE: paths.workspace,
    GITHUB_ENV: `${paths.fileCommands}/set_env_${id}`,
    GITHUB_PATH: `${paths.fileCommands}/add_path_${id}`,
    GITHUB_OUTPUT: `${paths.fileCommands}/set_output_${id}`,
    GITHUB_STATE: `${paths.fileCommands}/save_state_${id}`,
    GITHUB_STEP_SUMMARY: `${paths.fileCommands}/step_summary_${id}`,
    RUNNER_TEMP: paths.temp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    HOME: '/github/home',
  };
}

/** The file commands of one step (`$GITHUB_ENV` ...), under the runner's `_runner_file_commands`. */
export interface FileCommandFiles {
  env: string;
  path: string;
  output: string;
  state: string;
  summary: string;
}

/** The host paths of a step's file commands, for the step that was built with `fileCommands: id`. */
export function fileCommandFiles(layout: JobLayout, id: string): FileCommandFiles {
  const file = (name: string) => path.join(layout.fileCommands, `${name}_${id}`);
  return {
    env: file('set_env'),
    path: file('add_path'),
    output: file('set_output'),
    state: file('save_state'),
    summary: file('step_summary'),
  };
}

export interface ScriptStepSpec {
  script: string;
  shell?: 'sh' | 'bash';
  /** The job's and the step's `env:`, merged. */
  env?: Record<string, string>;
  prependPath?: string[];
  workingDirectory?: string;
  /** Names this step's file command files (see fileCommandFiles); a new one when absent. */
  fileCommands?: string;
}

/** Writes the step's script under `_work/_temp` like the runner, and returns what the runner sends. */
export function scriptStep(spec: ScriptStepSpec, layout: JobLayout): RunScriptStepArgs {
  const file = `${randomUUID()}.sh`;
  writeFileSync(path.join(layout.temp, file), spec.script.endsWith('\n') ? spec.script : `${spec.script}\n`);
  const script = `/__w/_temp/${file}`;
  const bash = spec.shell === 'bash';
  return {
    entryPointArgs: bash ? ['--noprofile', '--norc', '-e', '-o', 'pipefail', script] : ['-e', script],
    entryPoint: bash ? 'bash' : 'sh',
    environmentVariables: {
      ...stepEnvironment(
        layout,
        {
          workspace: layout.containerWorkspace,
          temp: '/__w/_temp',
          fileCommands: '/__w/_temp/_runner_file_commands',
        },
        spec.fileCommands ?? randomUUID(),
      ),
      ...spec.env,
    },
    prependPath: spec.prependPath ?? [],
    workingDirectory: spec.workingDirectory ?? layout.containerWorkspace,
  };
}

export interface ContainerStepSpec {
  /** `docker://` image, without the scheme; absent for a Dockerfile action. */
  image?: string;
  /** Host path of a Dockerfile action's Dockerfile. */
  dockerfile?: string;
  /** The step's `with.args`, one string: the runner splits it on spaces and leaves quotes in. */
  args?: string;
  entryPoint?: string;
  env?: Record<string, string>;
  credentials?: { username: string; password: string };
  /** Names this step's file command files (see fileCommandFiles); a new one when absent. */
  fileCommands?: string;
}

export function containerStep(spec: ContainerStepSpec, layout: JobLayout): HookContainer {
  if (!spec.image === !spec.dockerfile)
    throw new Error('containerStep: give exactly one of image and dockerfile');
  return {
    image: spec.image ?? null,
    dockerfile: spec.dockerfile ?? null,
    entryPointArgs: spec.args ? spec.args.split(' ').filter((a) => a !== '') : [],
    entryPoint: spec.entryPoint ?? null,
    workingDirectory: '/github/workspace',
    createOptions: null,
    registry:
      spec.image && spec.credentials
        ? credentialsOf({ image: spec.image, credentials: spec.credentials })
        : null,
    environmentVariables: {
      ...stepEnvironment(
        layout,
        {
          workspace: '/github/workspace',
          temp: '/github/runner_temp',
          fileCommands: '/github/file_commands',
        },
        spec.fileCommands ?? randomUUID(),
      ),
      ...spec.env,
    },
    portMappings: [],
    systemMountVolumes: [
      mount(DOCKER_SOCK, DOCKER_SOCK),
      mount(layout.temp, '/github/runner_temp'),
      mount(layout.githubHome, '/github/home'),
      mount(layout.githubWorkflow, '/github/workflow'),
      mount(layout.fileCommands, '/github/file_commands'),
      mount(layout.workspace, '/github/workspace'),
    ],
    userMountVolumes: [],
  };
}
