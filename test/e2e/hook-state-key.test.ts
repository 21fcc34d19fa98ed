// The key that signs a job's state, in a shared sticky temp folder such as /tmp (HOOK_PRIVATE_DIR's
// default): another local user who plants files where keys go must not stop the runner's jobs.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { runnerIdOf } from '../../src/hook/config';
import { replayJob } from '../../src/replay';
import { loadSecrets } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';
import { giveTo, nodeAs, runnerUser } from './cli-support';
import { containersLabelled, plain, testRunner, type TestRunner } from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => {
  runner?.dispose();
  runner = undefined;
});
afterAll(removeTempDirs);

it("another user's files where state keys go in a shared /tmp stop no job", async () => {
  const runnerAccount = runnerUser('dockhand-cli');
  const other = runnerUser('dockhand-other');
  const shared = path.join(makeTempDir('dockhand-sticky-'), 'tmp');
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  chmodSync(path.dirname(shared), 0o755);
  const secrets = loadSecrets();
  // A docker config the runner user can read; the workflow gives the registry's credentials.
  const dockerConfig = makeTempDir('dockhand-config-');
  writeFileSync(path.join(dockerConfig, 'config.json'), '{}');
  giveTo(runnerAccount, dockerConfig);
  runner = testRunner(
    { HOOK_PRIVATE_DIR: shared, HOME: runnerAccount.home, HOOK_DOCKER_CONFIG: dockerConfig },
    { nodePath: nodeAs(runnerAccount) },
  );
  chmodSync(runner.root, 0o755);
  giveTo(runnerAccount, path.join(runner.root, 'runner'));
  const runnerId = runnerIdOf(runner.replayer.layout.temp);
  // The runner id is a hash of RUNNER_TEMP, a path anyone on the host may know: so are names built on it.
  const planted = [`dockhand-state-${runnerId}.key`, `dockhand-state-${runnerId}-${'0'.repeat(32)}.key`];
  for (const name of planted) {
    execFileSync('setpriv', [
      `--reuid=${other.uid}`,
      `--regid=${other.gid}`,
      '--clear-groups',
      'sh',
      '-c',
      `: > '${path.join(shared, name)}'`,
    ]);
  }
  const result = await replayJob(runner.replayer, {
    container: {
      image: plain('dockhand/shell:1'),
      credentials: { username: secrets.plainUser, password: secrets.plainPassword },
    },
    steps: [],
  });
  expect(result.prepare?.exitCode, runner.output()).toBe(0);
  expect(result.cleanup?.exitCode, runner.output()).toBe(0);
  expect(containersLabelled(`dockhand.runner=${runnerId}`)).toEqual([]);
  // Not the runner user's to remove.
  for (const name of planted) expect(existsSync(path.join(shared, name))).toBe(true);
});
