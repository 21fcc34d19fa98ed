// images/runner/Dockerfile built as an operator builds it (from the release tarball, scripts/release.mjs)
// on a local stand-in for the official runner image: the busybox test image plus the runner's layout
// (/home/runner, externals/node20/bin/node with the host's node and its libraries, user runner 1001) and
// the host's docker CLI. Used by the runner-image and the ARC dind tests.
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, type Stack } from './stack';

export const BUILD_TIMEOUT = 300_000;
export const releaseVersion = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

const execFileAsync = promisify(execFile);

/**
 * The docker CLI on the first daemon, with the legacy builder. Async on purpose: an ECR emulator in the
 * test's own process must keep answering while it runs.
 */
export async function docker(args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  const { stdout } = await execFileAsync('docker', args, {
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT,
    maxBuffer: 16 * 1024 * 1024,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DOCKER_BUILDKIT: '0', ...extraEnv },
  });
  return stdout;
}

/** Copies a host file into the build folder at the same absolute path. */
function addHostFile(rootfs: string, file: string, as = file): void {
  const target = path.join(rootfs, as);
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(realpathSync(file), target);
}

export interface RunnerImage {
  /** The built runner image's tag. */
  image: string;
  /** Removes the image, its stand-in base and the build folders (the base holds a copy of node). */
  remove(): void;
}

/** Builds the runner image for the given registries (ecr-login serves each). */
export async function buildRunnerImage(stack: Stack, registries: string[]): Promise<RunnerImage> {
  const id = `${process.pid}-${Date.now()}`;
  const baseImage = `dockhand-cli-runner-base-${id}`;
  const image = `dockhand-cli-runner-${id}:test`;
  const contexts: string[] = [];
  const buildFolder = (prefix: string) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    contexts.push(dir);
    return dir;
  };
  const remove = () => {
    for (const dir of contexts) rmSync(dir, { recursive: true, force: true });
    execFileSync('docker', ['image', 'rm', '--force', image, `${baseImage}:test`], { stdio: 'ignore' });
  };
  try {
    await buildStandInBase(stack, `${baseImage}:test`, buildFolder('dockhand-runner-base-'));
    // A build context as an operator has it: a folder holding only the release tarball.
    const context = buildFolder('dockhand-runner-image-');
    execFileSync(process.execPath, ['scripts/release.mjs', '--out', context], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
    await docker([
      'build',
      '-q',
      '-f',
      path.join(repoRoot, 'images/runner/Dockerfile'),
      '--build-arg',
      `DOCKHAND_VERSION=${releaseVersion}`,
      '--build-arg',
      `BASE_IMAGE=${baseImage}`,
      '--build-arg',
      'RUNNER_VERSION=test',
      '--build-arg',
      `REGISTRIES=${registries.join(' ')}`,
      '-t',
      image,
      context,
    ]);
  } catch (error) {
    remove();
    throw error;
  }
  return { image, remove };
}

async function buildStandInBase(stack: Stack, tag: string, context: string): Promise<void> {
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
  await docker(['build', '-q', '-t', tag, context]);
}
