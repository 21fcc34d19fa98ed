// `dockhand doctor` names the engine the hook will reach and where a job's docker socket mount will come
// from, on the engine the tests run against (DOCKHAND_TEST_ENGINE): Docker at its own socket, or podman
// through DOCKER_HOST in the runner's .env. The real CLI bundle, the real engine.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadStack, testEngineHost } from '../support/stack';
import { makeScratchRunner, removeScratch, runCli, type Scratch } from './cli-support';

const stack = loadStack();
let scratch: Scratch | undefined;
afterEach(() => removeScratch(scratch));

describe('dockhand doctor, the engine', () => {
  it('names the engine and the socket mapping the hook will apply', () => {
    scratch = makeScratchRunner('');
    const engineHost = testEngineHost();
    writeFileSync(
      path.join(scratch.runner, '.env'),
      `PATH=${stack.stackHelper.binDir}:/usr/local/bin:/usr/bin:/bin\n${engineHost ? `DOCKER_HOST=${engineHost}\n` : ''}`,
    );
    const args = ['--runner', scratch.runner, '--docker-config', scratch.dockerConfig];
    const plain = stack.registries.plain;
    expect(runCli(['install', ...args, '--registry', `${plain}=${stack.stackHelper.name}`]).stderr).toBe('');
    const result = runCli(['doctor', '--runner', scratch.runner], { HOME: scratch.home });
    expect(result.stderr).toBe('');
    if (engineHost) {
      const socket = engineHost.slice('unix://'.length);
      expect(result.stdout).toMatch(
        new RegExp(`^ok   docker Engine API: podman 4\\.\\d+\\.\\d+, API 1\\.\\d+ at ${engineHost}$`, 'm'),
      );
      expect(result.stdout).toContain(
        `ok   docker socket mount: the runner's /var/run/docker.sock mount comes from the engine's socket, ${socket} (DOCKER_HOST)`,
      );
    } else {
      expect(result.stdout).toMatch(
        /^ok {3}docker Engine API: Docker \d+\.\d+\.\d+\S*, API 1\.\d+ at unix:\/\/\/var\/run\/docker\.sock$/m,
      );
      expect(result.stdout).toContain(
        "ok   docker socket mount: /var/run/docker.sock, the engine's own socket",
      );
    }
    expect(result.status).toBe(0);
  });
});
