// What a job container mounts on an engine that is not Docker at /var/run/docker.sock: the runner's
// docker socket mount comes from the socket the hook talks to (on podman the job's docker reached the
// stack's dockerd before), and a missing bind mount source is created as Docker creates it (podman's
// own CLI refuses one, its Docker API creates it: this keeps it so). Runs on the engine the tests run
// against (DOCKHAND_TEST_ENGINE).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replayJob } from '../../src/replay';
import { testEngineHost } from '../support/stack';
import { docker, ecr, testRunner, type TestRunner } from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => runner?.dispose());

/** The docker CLI of this host is one static file: a job container can run it. */
const DOCKER_CLI = '/usr/local/bin/docker';

describe('hook, mounts on any engine', () => {
  it("gives the job's /var/run/docker.sock the engine the hook uses, and says so when that is another socket", async () => {
    runner = testRunner();
    const result = await replayJob(runner.replayer, {
      container: { image: ecr('dockhand/shell:1'), volumes: [`${DOCKER_CLI}:/usr/local/bin/docker:ro`] },
      steps: [{ kind: 'script', script: 'docker version --format "engine {{.Server.Version}}"' }],
    });
    const log = runner.output();
    expect(result.ok, log).toBe(true);
    // The job's own docker, through the mounted socket, reaches the engine the tests (and the hook) use.
    expect(log).toContain(`engine ${docker('version', '--format', '{{.Server.Version}}')}`);
    const engineSocket = testEngineHost()?.slice('unix://'.length);
    if (engineSocket)
      expect(log).toContain(
        `the runner's /var/run/docker.sock mount comes from the engine's socket, ${engineSocket} (DOCKER_HOST)`,
      );
    else expect(log).not.toContain('/var/run/docker.sock mount');
  });

  it('gets a missing bind mount source created as a folder, as Docker creates it', async () => {
    runner = testRunner();
    const source = path.join(runner.replayer.layout.work, 'caches', 'deps');
    const result = await replayJob(runner.replayer, {
      container: { image: ecr('dockhand/shell:1'), volumes: [`${source}:/deps`] },
      steps: [{ kind: 'script', script: 'echo kept > /deps/file' }],
    });
    expect(result.ok, runner.output()).toBe(true);
    expect(statSync(source).isDirectory()).toBe(true);
    expect(existsSync(path.join(source, 'file'))).toBe(true);
  });
});
