// actions-runner-controller's dind mode, played on the stack: the runner image (images/runner/Dockerfile,
// as an operator builds it) runs as a container of the first dockerd with the sidecar's socket at
// /var/run/docker.sock and DOCKER_HOST pointing at it, as in ARC's pod, and the runner's folder on a host
// folder mounted at the same path (ARC shares its `work` volume with the sidecar), so the sidecar's bind
// mounts see the runner's files. A job with a job container and two services is played inside the
// runner container through the installed hook (`dockhand run`, what the image has). The sidecar
// (test/stack/dind.sh) runs on the host: `test/stack/stack.sh dind up` before this file.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runnerIdOf } from '../../src/hook/config';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import { dockerOn, eventsOn, loadSidecar, type DockerEvent } from '../support/dind';
import { BUILD_TIMEOUT, buildRunnerImage, type RunnerImage } from '../support/runner-image';
import { loadSecrets, loadStack } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';

const stack = loadStack();
const secrets = loadSecrets(stack);
const sidecar = loadSidecar();
const FIRST_DAEMON = '/var/run/docker.sock';
const RUNNER_UID = 1001;
const JOB_TIMEOUT = 240_000;
const { ecrUsEast1: us, ecrEuWest1: eu } = stack.registries;
const images = {
  job: `${us}/${stack.images.shell}`,
  web: `${eu}/${stack.images.web}`,
  api: `${us}/${stack.images.web}`,
};

/**
 * The job: a job container, two services (one by its image's name, one by an alias, both with a health
 * check), run: steps and a docker:// step.
 */
const workflow = `name: arc-dind
on: push
jobs:
  test:
    runs-on: self-hosted
    container:
      image: ${images.job}
      # The docker CLI, to show where a job's own docker commands go (the sidecar runs on this host).
      volumes:
        - /usr/local/bin/docker:/usr/local/bin/docker:ro
    services:
      web:
        image: ${images.web}
        options: -v /scratch
      api:
        image: ${images.api}
        options: --network-alias api --health-cmd "timeout 2 wget -q -O /dev/null http://127.0.0.1/" --health-interval 1s
    steps:
      - id: one
        name: write to the workspace, ask web
        run: |
          echo "written in the job container" > result.txt
          echo "greeting=$(timeout 10 wget -qO- http://web/)" >> "$GITHUB_OUTPUT"
      - name: read back, ask api, ask docker
        run: |
          echo "web said: \${{ steps.one.outputs.greeting }}"
          echo "api said: $(timeout 10 wget -qO- http://api/)"
          echo "workspace: $(cat result.txt)"
          echo "job docker: $(docker info --format '{{.DockerRootDir}}')"
      - name: a container step
        uses: docker://${images.job}
        with:
          entrypoint: /bin/sh
          args: '-c "echo container step read: $(cat result.txt)"'
`;

const execFileAsync = promisify(execFile);

interface Played {
  code: number;
  output: string;
}

/** Async: the ECR emulator answers from this process while the job pulls. */
async function playInRunnerContainer(image: string, shared: string, emulator: EcrEmulator): Promise<Played> {
  const args = [
    'run',
    '--rm',
    // The emulator listens on this host's 127.0.0.1; a real pod reaches AWS.
    '--network',
    'host',
    // The socket's group (docker), as ARC gives the runner user DOCKER_GROUP_GID.
    '--group-add',
    String(statSync(sidecar.socket).gid),
    '-v',
    `${sidecar.socket}:/var/run/docker.sock`,
    '-e',
    'DOCKER_HOST=unix:///var/run/docker.sock',
    '-v',
    `${shared}:${shared}`,
    // dockhand run plays the job in <TMPDIR>/dockhand-run-<uid>/runner: on the shared folder.
    '-e',
    `TMPDIR=${shared}`,
    '-e',
    `AWS_ENDPOINT_URL_ECR=${emulator.url}`,
    '-e',
    'AWS_ACCESS_KEY_ID=AKIDDOCKHANDDINDTEST',
    '-e',
    'AWS_SECRET_ACCESS_KEY=dockhand-dind-test',
    image,
    'sh',
    '-c',
    // The hook's throw-away files stay in the runner container, as in a pod. The runner image has no
    // node on PATH: dockhand run uses the runner's own.
    'mkdir -m 700 -p /home/runner/hook-private && export HOOK_PRIVATE_DIR=/home/runner/hook-private && ' +
      'PATH=/home/runner/externals/node20/bin:$PATH exec dockhand run "$0" --job test --hook "$ACTIONS_RUNNER_CONTAINER_HOOKS" 2>&1',
    path.join(shared, 'ci.yml'),
  ];
  try {
    const { stdout } = await execFileAsync('docker', args, {
      encoding: 'utf8',
      timeout: JOB_TIMEOUT,
      maxBuffer: 16 * 1024 * 1024,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const now = () => Math.floor(Date.now() / 1000);
const ofType = (events: DockerEvent[], type: string, action: string) =>
  events.filter((e) => e.Type === type && e.Action === action).map((e) => e.Actor.ID);

describe('ARC dind mode: the runner image drives a sidecar dockerd', () => {
  let emulator: EcrEmulator;
  let runner: RunnerImage;
  let shared: string;
  let played: Played;
  let since: number;
  let until: number;
  let runnerId: string;

  beforeAll(async () => {
    emulator = await startEcrEmulator({ password: secrets.ecrPassword });
    runner = await buildRunnerImage(stack, [us, eu]);
    // The runner's folder: a host folder the runner user owns, mounted at the same path.
    shared = makeTempDir('dockhand-dind-');
    chownSync(shared, RUNNER_UID, RUNNER_UID);
    chmodSync(shared, 0o700);
    writeFileSync(path.join(shared, 'ci.yml'), workflow, { mode: 0o644 });
    runnerId = runnerIdOf(path.join(shared, `dockhand-run-${RUNNER_UID}`, 'runner', '_work', '_temp'));
    // Every image is pulled for this job: none is on the sidecar before.
    dockerOn(sidecar.socket, ['image', 'rm', '--force', ...Object.values(images)]);
    since = now() - 1;
    played = await playInRunnerContainer(runner.image, shared, emulator);
    until = now() + 1;
  }, BUILD_TIMEOUT + JOB_TIMEOUT);

  afterAll(async () => {
    await emulator?.close();
    runner?.remove();
    removeTempDirs();
  });

  it('plays the job: services reached by name, the workspace and file commands shared with the sidecar', () => {
    expect(played.code, played.output).toBe(0);
    // The step's script and $GITHUB_OUTPUT crossed between the runner container and the sidecar's
    // containers through the shared folder.
    expect(played.output).toContain('web said: hello from the dockhand web service');
    expect(played.output).toContain('api said: hello from the dockhand web service');
    expect(played.output).toContain('workspace: written in the job container');
    expect(played.output).toContain('container step read: written in the job container');
  });

  it("gives the job container the sidecar's socket, not the first daemon's", () => {
    const sidecarRoot = dockerOn(sidecar.socket, ['info', '--format', '{{.DockerRootDir}}']);
    expect(sidecarRoot).not.toBe(dockerOn(FIRST_DAEMON, ['info', '--format', '{{.DockerRootDir}}']));
    expect(played.output).toContain(`job docker: ${sidecarRoot}\n`);
  });

  it('pulls every image on the sidecar through ecr-login in the runner container', () => {
    const pulled = eventsOn(sidecar.socket, since, until, ['type=image', 'event=pull']).map(
      (e) => e.Actor.ID,
    );
    expect(new Set(pulled)).toEqual(new Set(Object.values(images)));
    const registryIds = emulator.requests.map((call) => call.registryIds?.[0]);
    expect(registryIds).toContain(us.split('.')[0]);
    expect(registryIds).toContain(eu.split('.')[0]);
  });

  it("runs the job's containers, network and volume on the sidecar and removes them all", () => {
    const events = eventsOn(sidecar.socket, since, until);
    const created = ofType(events, 'container', 'create');
    const labelled = events.filter(
      (e) =>
        e.Type === 'container' &&
        e.Action === 'create' &&
        e.Actor.Attributes?.['dockhand.runner'] === runnerId,
    );
    // The job container, two services, the container step's, and the one that gives `_work` back to the
    // runner user at cleanup_job (the runner image's hook runs as `runner`, not root).
    expect(labelled).toHaveLength(5);
    expect(labelled.filter((e) => /-owner-/.test(e.Actor.Attributes?.name ?? ''))).toHaveLength(1);
    expect(new Set(ofType(events, 'container', 'destroy'))).toEqual(new Set(created));
    const networks = ofType(events, 'network', 'create');
    expect(networks).toHaveLength(1);
    expect(ofType(events, 'network', 'destroy')).toEqual(networks);
    const volumes = ofType(events, 'volume', 'create');
    expect(volumes).toHaveLength(1);
    expect(ofType(events, 'volume', 'destroy')).toEqual(volumes);
    expect(
      dockerOn(sidecar.socket, ['ps', '--all', '--quiet', '--filter', `label=dockhand.runner=${runnerId}`]),
    ).toBe('');
  });

  it('never shows the job to the first daemon', () => {
    const label = `label=dockhand.runner=${runnerId}`;
    // The label is the job's: the sidecar saw it.
    expect(eventsOn(sidecar.socket, since, until, [label])).not.toEqual([]);
    expect(eventsOn(FIRST_DAEMON, since, until, [label])).toEqual([]);
    expect(dockerOn(FIRST_DAEMON, ['ps', '--all', '--quiet', '--filter', label])).toBe('');
  });
});
