// A stand-in for dockerd in unit tests of the hook's decisions, built from answers captured from the real
// stack's daemon (test/fixtures/docker/engine): what it lists, inspects and removes is kept in memory.
// It decides nothing the hook decides; it answers as dockerd answered.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerCli, type DockerCallOptions } from '../../../src/docker/docker-cli';
import type { ExecSpec } from '../../../src/docker/engine-api';
import {
  inspectedContainerOf,
  type ContainerEngine,
  type InspectedContainer,
  type ObjectKind,
} from '../../../src/docker/engine-objects';
import type { InspectEntry } from '../../../src/docker/inspect';
import type { ExecResult } from '../../../src/exec';
import { hookConfigFromEnv } from '../../../src/hook/config';
import type { HookContext } from '../../../src/hook/context';
import { createJobLog, type JobLog } from '../../../src/protocol/job-log';
import { makeTempDir } from '../../support/temp';
import { HookEvents } from '../../../src/hook/events';

const fixtures = path.join(__dirname, '../../fixtures/docker/engine');

/** A captured answer of the daemon, parsed. */
export function captured<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(fixtures, `${name}.json`), 'utf8')) as T;
}

/** The inspect answer of a container in one of the captured states, given another id. */
export function inspectAnswer(
  state: 'starting' | 'unhealthy' | 'exited' | 'running' | 'healthy',
  id: string,
): InspectEntry {
  const entry =
    state === 'healthy'
      ? JSON.parse(readFileSync(path.join(fixtures, '../inspect-web-and-plain.json'), 'utf8'))[0]
      : captured<InspectEntry>(`inspect-${state}`);
  return { ...entry, Id: id };
}

export function factsOf(state: Parameters<typeof inspectAnswer>[0], id: string): InspectedContainer {
  return inspectedContainerOf(inspectAnswer(state, id));
}

interface DaemonObject {
  kind: ObjectKind;
  image?: string;
  labels: Record<string, string>;
  /** A container's networks; a network's attached containers are those that name it. */
  networks: Set<string>;
}

/** A job log that keeps what is written. */
export function recordingLog(): { log: JobLog; text: () => string } {
  let text = '';
  const log = createJobLog(
    {
      write: (chunk: string) => {
        text += chunk;
        return true;
      },
    },
    false,
  );
  return { log, text: () => text };
}

export class CapturedDaemon {
  readonly objects = new Map<string, DaemonObject>();
  /** What was asked that changes something, in order: "remove container <id>", "disconnect <net> <id>". */
  readonly changes: string[] = [];
  /** Each container's inspect answers in turn (the last one repeats), by id. */
  readonly answers = new Map<string, InspectEntry[]>();
  /** The captured state a container created from an image is in, by image. */
  readonly stateOfImage = new Map<string, Parameters<typeof inspectAnswer>[0]>();
  /** Images a container can be created of besides those pulled (the Engine API's create never pulls). */
  readonly imagesOnHost = new Set<string>();
  /** Images whose create the daemon refuses, and images whose containers come without their labels. */
  readonly createRules: { failing?: string[]; unlabelled?: string[] } = {};
  /** Ids whose removal the daemon refuses. */
  readonly refuseRemoval = new Set<string>();
  /** Ids the daemon says it removed that are still there (recreated meanwhile, say). */
  readonly stayAfterRemoval = new Set<string>();
  /** Each exec asked for: the container and what it runs. */
  readonly execs: Array<{ id: string } & ExecSpec> = [];
  /** The images pulled, in order. */
  readonly pulled: string[] = [];
  /** What an exec into a container answers: its exit code. */
  execExitCode: (id: string, command: string[]) => number = () => 0;
  private eventListeners = new Set<() => void>();
  /** The network a created container joins when started (dockerd lists only running ones as attached). */
  private networkOnStart = new Map<string, string>();
  private created = 0;
  watching = 0;

  /**
   * A create, by the docker CLI or the Engine API: the new container's id (numbered, 64 characters), or
   * the daemon's refusal (null) for an image of `createRules.failing`.
   */
  private createdContainer(image: string, labels: Record<string, string>, network: string): string | null {
    if (this.createRules.failing?.includes(image)) return null;
    const id = `${String(++this.created).padStart(2, '0')}${'c'.repeat(62)}`;
    this.add('container', id, this.createRules.unlabelled?.includes(image) ? {} : labels, [], image);
    this.networkOnStart.set(id, network);
    this.changes.push(`create ${image}`);
    return id;
  }

  add(
    kind: ObjectKind,
    id: string,
    labels: Record<string, string>,
    networks: string[] = [],
    image?: string,
  ): void {
    this.objects.set(id, { kind, labels, networks: new Set(networks), image });
  }

  /** Fires a container event, as dockerd does when a health status changes. */
  event(): void {
    for (const listener of this.eventListeners) listener();
  }

  readonly engine: ContainerEngine = {
    idsByLabel: async (kind, label) => {
      const [key = '', value] = label.split('=');
      return [...this.objects]
        .filter(([, object]) => object.kind === kind && object.labels[key] === value)
        .map(([id]) => id);
    },
    inspect: async (id) => {
      const answers = this.answers.get(id) ?? [];
      const state = this.stateOfImage.get(this.objects.get(id)?.image ?? '');
      const answer =
        answers.length > 1 ? answers.shift() : (answers[0] ?? (state && inspectAnswer(state, id)));
      if (!answer || !this.objects.has(id))
        throw new Error(`docker engine GET /containers/${id}/json: No such container: ${id} (HTTP 404)`);
      return inspectedContainerOf(answer);
    },
    create: async (_name, body) => {
      if (!this.imagesOnHost.has(body.Image) && !this.pulled.includes(body.Image))
        throw new Error(`docker engine POST /containers/create: No such image: ${body.Image} (HTTP 404)`);
      const id = this.createdContainer(body.Image, body.Labels, body.HostConfig.NetworkMode);
      if (id === null)
        throw new Error(
          `docker engine POST /containers/create: cannot create a container of ${body.Image} (HTTP 500)`,
        );
      return id;
    },
    start: async (id) => {
      const container = this.objects.get(id);
      if (!container) throw new Error(`No such container: ${id} (HTTP 404)`);
      const network = this.networkOnStart.get(id);
      if (network) container.networks.add(network);
      this.changes.push(`start ${id}`);
    },
    remove: async (kind, id) => {
      if (this.refuseRemoval.has(id))
        throw new Error(`docker engine DELETE /${kind}s/${id}: refused (HTTP 500)`);
      this.changes.push(`remove ${kind} ${id}`);
      if (!this.stayAfterRemoval.has(id)) this.objects.delete(id);
    },
    stopAndRemove: async (id) => {
      this.changes.push(`stop and remove ${id}`);
      this.objects.delete(id);
    },
    attachedContainerIds: async (network) =>
      [...this.objects].filter(([, object]) => object.networks.has(network)).map(([id]) => id),
    disconnect: async (network, container) => {
      this.changes.push(`disconnect ${network} ${container}`);
      this.objects.get(container)?.networks.delete(network);
    },
    exec: async (id, spec) => {
      this.execs.push({ id, ...spec });
      return this.execExitCode(id, spec.command);
    },
    runAttached: async () => {
      throw new Error('captured daemon: container steps run on the stack (test/e2e)');
    },
    logs: async (id, _tty, onChunk) => onChunk(Buffer.from(`log of ${id}\n`)),
    watchEvents: (_filters, onEvent) => {
      this.watching++;
      this.eventListeners.add(onEvent);
      return () => {
        this.watching--;
        this.eventListeners.delete(onEvent);
      };
    },
    version: async () => '1.41',
    // Every pull answers with a real pull's stream (two layers downloaded); nothing is on the host before.
    pullImage: async (image, _auth, onProgress) => {
      this.pulled.push(image);
      onProgress(readFileSync(path.join(fixtures, '../engine-pull/pull-two-layers.jsonl')));
    },
    tagImage: async (source, target) => {
      this.changes.push(`tag ${source} ${target}`);
    },
    // What was pulled is on the host, under an id made of its name.
    hostImageOf: async (image) =>
      this.pulled.includes(image) ? { id: `sha256:id-of-${image}`, repoDigests: [] } : null,
  };

  /**
   * The docker CLI, answering `network create` and `create` as it does (a create prints the new id), and
   * adding what it creates here, by the same rules as the Engine API's create (createRules).
   */
  cli(log: JobLog): DockerCli {
    const addNetwork = (name: string, labels: Record<string, string>) => this.add('network', name, labels);
    const create = (image: string, labels: Record<string, string>, network: string) =>
      this.createdContainer(image, labels, network);
    const answer = (exitCode: number, stdout: string, stderr = ''): ExecResult => ({
      exitCode,
      stdout,
      stderr,
      durationMs: 1,
    });
    return new (class extends DockerCli {
      override async run(args: string[], _options?: DockerCallOptions): Promise<ExecResult> {
        const labels = Object.fromEntries(
          args.flatMap((arg, index) => (args[index - 1] === '--label' ? [arg.split('=')] : [])),
        );
        const after = args.slice(args.indexOf('--') + 1);
        if (args[0] === 'network' && args[1] === 'create') {
          addNetwork(after[0] ?? '', labels);
          return answer(0, `${after[0]}\n`);
        }
        if (args[0] === 'create') {
          const image = after[0] ?? '';
          const id = create(image, labels, args[args.indexOf('--network') + 1] ?? '');
          if (id === null)
            return answer(125, '', `Error response from daemon: cannot create a container of ${image}`);
          return answer(0, `${id}\n`);
        }
        return answer(1, '', `unexpected docker ${args.join(' ')}`);
      }
    })('/nonexistent/docker', {}, log);
  }
}

/** A hook call's context on this daemon, with settings from `env` and a private folder of its own. */
export function hookContextOn(
  daemon: CapturedDaemon,
  options: { env?: Record<string, string>; images?: CapturedDaemon['createRules'] } = {},
): { context: HookContext; text: () => string } {
  const { log, text } = recordingLog();
  Object.assign(daemon.createRules, options.images);
  const dir = makeTempDir('dockhand-hook-unit-');
  const config = hookConfigFromEnv(
    { PATH: '/usr/bin', HOOK_DOCKER_PATH: '/nonexistent/docker', HOOK_PRIVATE_DIR: dir, ...options.env },
    { homedir: dir, tmpdir: dir },
  );
  const context: HookContext = {
    config,
    log,
    docker: daemon.cli(log),
    engine: daemon.engine,
    stepOutput: { stdout: () => undefined, stderr: () => undefined },
    runnerId: 'abcdef0123456789',
    events: new HookEvents('unit'),
  };
  return { context, text };
}
