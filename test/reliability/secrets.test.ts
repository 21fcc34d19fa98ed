// With a registry password in the job, AWS keys in the runner's environment and an ECR token in the
// helper's cache, no secret may appear in the job log, in any process's arguments, in a file left under
// the runner's folders, or in `docker inspect` of any container; no AWS variable reaches a container.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplayer, jobContainer, scriptStep, serviceContainer } from '../../src/replay';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import { ecrRunnerHost, FAKE_AWS_KEYS } from '../support/ecr-runner';
import { filesBelow, snapshotDocker } from '../support/docker-snapshot';
import { recordFigure } from '../support/figures';
import { watchCommandLines } from '../support/process-watch';
import { distDir, loadSecrets, loadStack } from '../support/stack';

const stack = loadStack();
const secrets = loadSecrets(stack);
let emulator: EcrEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEcrEmulator({ password: secrets.ecrPassword });
  dir = mkdtempSync(path.join(tmpdir(), 'dockhand-secrets-'));
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

const secretValues = (): Record<string, string> => ({
  'registry password': secrets.plainPassword,
  'ECR registry password': secrets.ecrPassword,
  'ECR token': Buffer.from(`AWS:${secrets.ecrPassword}`).toString('base64'),
  'AWS secret key': FAKE_AWS_KEYS.AWS_SECRET_ACCESS_KEY,
  'AWS access key id': FAKE_AWS_KEYS.AWS_ACCESS_KEY_ID,
});

function findSecrets(where: string, text: string, found: string[]): void {
  for (const [name, value] of Object.entries(secretValues())) {
    if (text.includes(value)) found.push(`${name} in ${where}`);
  }
}

/** The runner consumes ::add-mask:: lines itself: they never reach the log readers see. */
function visibleLog(output: string): string {
  return output
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}

describe('secrets', () => {
  it('never shows a secret, and keeps AWS variables out of containers', async () => {
    const host = ecrRunnerHost(stack, dir, emulator.url);
    let log = '';
    const replayer = createReplayer({
      hookPath: path.join(distDir, 'hook.js'),
      runnerRoot: path.join(dir, 'runner'),
      env: host.env,
      onOutput: (chunk) => (log += chunk),
    });
    const before = snapshotDocker();
    const watch = watchCommandLines();
    const found: string[] = [];
    const awsInContainers: string[] = [];
    try {
      const prepare = await replayer.prepareJob({
        container: jobContainer(
          { image: `${stack.registries.ecrUsEast1}/${stack.images.shell}` },
          replayer.layout,
        ),
        services: [
          serviceContainer({
            image: `${stack.registries.plain}/${stack.images.web}`,
            credentials: { username: secrets.plainUser, password: secrets.plainPassword },
          }),
        ],
      });
      expect(prepare.exitCode, prepare.stderr).toBe(0);

      for (const id of snapshotDocker().containers) {
        if (before.containers.has(id)) continue;
        const inspect = execFileSync('docker', ['inspect', id], { encoding: 'utf8' });
        findSecrets(`docker inspect ${id.slice(0, 12)}`, inspect, found);
        const env = (JSON.parse(inspect) as Array<{ Config: { Env: string[] | null } }>)[0]!.Config.Env ?? [];
        awsInContainers.push(...env.filter((e) => e.startsWith('AWS_')));
      }
      const step = await replayer.runScriptStep(
        scriptStep({ script: 'env | sort; wget -q -O - http://web/', env: { STEP: 'x' } }, replayer.layout),
      );
      expect(step.exitCode, step.stderr).toBe(0);
      expect(step.stdout).toContain('dockhand web service');
      expect(step.stdout).not.toMatch(/^AWS_/m);

      // The helper's cache now holds a token: it must be private.
      const cacheFile = path.join(host.cacheDir, 'cache.json');
      expect(statSync(host.cacheDir).mode & 0o777).toBe(0o700);
      expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
      for (const f of filesBelow(host.cacheDir)) {
        expect(statSync(path.join(host.cacheDir, f)).mode & 0o077, f).toBe(0);
      }
    } finally {
      const cleanup = await replayer.cleanupJob();
      expect(cleanup.exitCode, cleanup.stderr).toBe(0);
    }
    const commandLines = watch.stop();

    findSecrets('the job log', visibleLog(log), found);
    for (const line of commandLines) findSecrets(`the command line "${line.slice(0, 60)}"`, line, found);
    for (const f of filesBelow(replayer.layout.root)) {
      findSecrets(`file ${f}`, readFileSync(path.join(replayer.layout.root, f), 'utf8'), found);
    }
    const tmpLeft = readdirSync(host.tmpDir);
    recordFigure('secrets found', found.length);
    expect(found).toEqual([]);
    expect(tmpLeft).toEqual([]);
    expect(awsInContainers).toEqual([]);
    expect(commandLines.length).toBeGreaterThan(10);
  });
});
