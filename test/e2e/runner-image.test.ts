// images/runner/Dockerfile built from the release tarball (scripts/release.mjs) on a local stand-in for
// the official runner image (same layout: /home/runner, externals/node20/bin/node, user runner), then,
// inside a container of the built image, a private image pulled from the stack through the installed
// docker-credential-ecr-login.
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import {
  BUILD_TIMEOUT,
  buildRunnerImage,
  docker,
  releaseVersion as version,
  type RunnerImage,
} from '../support/runner-image';
import { loadSecrets, loadStack, removeLocalImages } from '../support/stack';

const stack = loadStack();
const secrets = loadSecrets(stack);
const host = stack.registries.ecrUsEast1;

describe('runner image', () => {
  let emulator: EcrEmulator;
  let runner: RunnerImage;

  beforeAll(async () => {
    emulator = await startEcrEmulator({ password: secrets.ecrPassword });
    runner = await buildRunnerImage(stack, [host, stack.registries.ecrEuWest1]);
  }, BUILD_TIMEOUT);

  afterAll(async () => {
    await emulator?.close();
    runner?.remove();
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
      runner.image,
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
