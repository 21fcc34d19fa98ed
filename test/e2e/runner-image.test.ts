// images/runner/Dockerfile built from the release tarball (scripts/release.mjs) on a local stand-in for
// the official runner image (same layout: /home/runner, externals/node20/bin/node, user runner), then,
// inside a container of the built image, a private image pulled from the stack through the installed
// docker-credential-ecr-login.
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import { loadSecrets, loadStack, removeLocalImages, repoRoot } from '../support/stack';

const stack = loadStack();
const secrets = loadSecrets(stack);
const host = stack.registries.ecrUsEast1;
const id = `${process.pid}-${Date.now()}`;
const baseImage = `dockhand-cli-runner-base-${id}`;
const runnerImage = `dockhand-cli-runner-${id}:test`;
const BUILD_TIMEOUT = 300_000;
const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string })
  .version;

const execFileAsync = promisify(execFile);

/** Async on purpose: the ECR emulator runs in this process and must keep answering during a pull. */
async function docker(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('docker', args, {
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DOCKER_BUILDKIT: '0' },
  });
  return stdout;
}

/** Copies a host file into the build folder at the same absolute path. */
function addHostFile(rootfs: string, file: string, as = file): void {
  const target = path.join(rootfs, as);
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(realpathSync(file), target);
}

/** The busybox test image plus the runner's layout, the host's node with its libraries, and docker. */
/** Build folders made by this file, removed after the run (the stand-in base holds a copy of node). */
const contexts: string[] = [];

function buildFolder(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  contexts.push(dir);
  return dir;
}

async function buildStandInBase(): Promise<void> {
  const context = buildFolder('dockhand-runner-base-');
  const rootfs = path.join(context, 'rootfs');
  const node = realpathSync(process.execPath);
  addHostFile(rootfs, node, '/home/runner/externals/node20/bin/node');
  const libraries = execFileSync('ldd', [node], { encoding: 'utf8' }).matchAll(/(\/\S+\.so[.\d]*)/g);
  for (const [library] of libraries) addHostFile(rootfs, library);
  addHostFile(rootfs, '/usr/local/bin/docker');
  for (const script of ['config.sh', 'run.sh', 'bin/Runner.Listener']) {
    mkdirSync(path.dirname(path.join(rootfs, 'home/runner', script)), { recursive: true });
    writeFileSync(path.join(rootfs, 'home/runner', script), '#!/bin/sh\necho stand-in runner\n', {
      mode: 0o755,
    });
  }
  writeFileSync(
    path.join(context, 'Dockerfile'),
    [
      `FROM ${stack.localImages.shell}`,
      'COPY rootfs/ /',
      "RUN echo 'runner:x:1001:1001::/home/runner:/bin/sh' >> /etc/passwd && echo 'runner:x:1001:' >> /etc/group \\",
      ' && chown -R 1001:1001 /home/runner',
      'ENV PATH=/usr/local/bin:/usr/bin:/bin',
      'USER runner',
      'WORKDIR /home/runner',
      '',
    ].join('\n'),
  );
  await docker(['build', '-q', '-t', `${baseImage}:test`, context]);
}

/** A build context as an operator has it: a folder holding only the release tarball. */
function runnerBuildContext(): string {
  const context = buildFolder('dockhand-runner-image-');
  execFileSync(process.execPath, ['scripts/release.mjs', '--out', context], { cwd: repoRoot, stdio: 'pipe' });
  return context;
}

describe('runner image', () => {
  let emulator: EcrEmulator;

  beforeAll(async () => {
    emulator = await startEcrEmulator({ password: secrets.ecrPassword });
    await buildStandInBase();
    const context = runnerBuildContext();
    await docker([
      'build',
      '-q',
      '-f',
      path.join(repoRoot, 'images/runner/Dockerfile'),
      '--build-arg',
      `DOCKHAND_VERSION=${version}`,
      '--build-arg',
      `BASE_IMAGE=${baseImage}`,
      '--build-arg',
      'RUNNER_VERSION=test',
      '--build-arg',
      `REGISTRIES=${host} ${stack.registries.ecrEuWest1}`,
      '-t',
      runnerImage,
      context,
    ]);
  }, BUILD_TIMEOUT);

  afterAll(async () => {
    await emulator?.close();
    for (const dir of contexts) rmSync(dir, { recursive: true, force: true });
    execFileSync('docker', ['image', 'rm', '--force', runnerImage, `${baseImage}:test`], { stdio: 'ignore' });
  });

  function inContainer(script: string, extra: string[] = []): Promise<string> {
    const socketGroup = String(statSync('/var/run/docker.sock').gid);
    return docker([
      'run',
      '--rm',
      '--network',
      'host',
      '--group-add',
      socketGroup,
      '-v',
      '/var/run/docker.sock:/var/run/docker.sock',
      // Test keys for the emulator; a real deployment gets an instance role or IRSA instead.
      '-e',
      `AWS_ENDPOINT_URL_ECR=${emulator.url}`,
      '-e',
      'AWS_ACCESS_KEY_ID=AKIDDOCKHANDIMAGETEST',
      '-e',
      'AWS_SECRET_ACCESS_KEY=dockhand-image-test',
      ...extra,
      runnerImage,
      'sh',
      '-c',
      script,
    ]);
  }

  it('has the hook, the helper and the docker config installed for the runner user', async () => {
    const out = await inContainer(
      'id -un; echo "$ACTIONS_RUNNER_CONTAINER_HOOKS $HOOK_DOCKER_CONFIG"; cat /home/runner/.env; ' +
        'cat "$HOOK_DOCKER_CONFIG/config.json"; stat -c "%U %a %n" /home/runner/.dockhand/bin/docker-credential-ecr-login',
    );
    expect(out).toContain('runner\n/home/runner/.dockhand/hook.js /home/runner/.docker\n');
    expect(out).toContain('ACTIONS_RUNNER_CONTAINER_HOOKS=/home/runner/.dockhand/hook.js\n');
    expect(out).toContain(`"${host}": "ecr-login"`);
    expect(out).toContain(`"${stack.registries.ecrEuWest1}": "ecr-login"`);
    expect(out).toMatch(/runner 7\d\d \/home\/runner\/.dockhand\/bin\/docker-credential-ecr-login/);
  });

  it('pulls a private ECR image through the installed ecr-login helper', async () => {
    const image = `${host}/${stack.images.shell}`;
    removeLocalImages([image]);
    const before = emulator.requests.length;
    const out = await inContainer(`docker --config "$HOOK_DOCKER_CONFIG" pull ${image}`);
    expect(out).toContain(`${image}`);
    const calls = emulator.requests.slice(before);
    expect(calls.map((call) => [call.service, call.region, call.registryIds])).toContainEqual([
      'ecr',
      'us-east-1',
      ['123456789012'],
    ]);
  });

  it('passes dockhand doctor inside the image', async () => {
    const out = await inContainer('dockhand --version && dockhand doctor --runner /home/runner', [
      '-v',
      '/etc/docker/certs.d:/etc/docker/certs.d:ro',
    ]);
    expect(out).toContain(`ok   registry ${host}: accepts the credentials (GET /v2/ 200)`);
    expect(out).toContain(`dockhand ${version}\n`);
    expect(out).toContain(`ok   dockhand release: ${version} installed; this dockhand is ${version}\n`);
    expect(out).toContain('all checks passed');
    expect(out).not.toContain(secrets.ecrPassword);
  });
});
