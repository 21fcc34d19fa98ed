// Eight jobs at once on one dockerd, from eight runner folders (two runners share a name), each with a
// job container, two services and ten steps, all pulled through dockhand's ECR helper from a cold cache.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplayer, replayJob, type JobResult, type StepSpec } from '../../src/replay';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import { ecrRunnerHost } from '../support/ecr-runner';
import { filesBelow, leftOver, snapshotDocker } from '../support/docker-snapshot';
import { recordFigure } from '../support/figures';
import { distDir, loadSecrets, loadStack, removeLocalImages } from '../support/stack';

const JOBS = 8;
const stack = loadStack();
let emulator: EcrEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEcrEmulator({ password: loadSecrets(stack).ecrPassword });
  dir = mkdtempSync(path.join(tmpdir(), 'dockhand-load-'));
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

function steps(job: number): StepSpec[] {
  const own = Array.from({ length: 8 }, (_, i): StepSpec => ({
    kind: 'script',
    script: `test "$JOB_NUMBER" = "${job}" && echo "job ${job} step ${i + 3}" > "$RUNNER_TEMP/step-${i + 3}.txt"`,
  }));
  return [
    { kind: 'script', script: 'wget -q -O - http://web/ | grep -q "dockhand web service"' },
    { kind: 'script', script: 'wget -q -O - http://api/ | grep -q "dockhand web service"' },
    ...own,
  ];
}

describe('load: eight concurrent jobs on one dockerd', () => {
  it('passes every job, asks for one token per registry, and leaves nothing behind', async () => {
    const ecrUs = stack.registries.ecrUsEast1;
    const ecrEu = stack.registries.ecrEuWest1;
    const images = [
      `${ecrUs}/${stack.images.shell}`,
      `${ecrEu}/${stack.images.web}`,
      `${ecrUs}/${stack.images.web}`,
    ];
    removeLocalImages(images);
    const host = ecrRunnerHost(stack, dir, emulator.url);
    const before = snapshotDocker();

    const replayers = Array.from({ length: JOBS }, (_, job) =>
      createReplayer({
        hookPath: path.join(distDir, 'hook.js'),
        runnerRoot: path.join(dir, `runner-${job}`),
        // Two runners with the same name on one dockerd must not prune each other's jobs.
        runnerName: job < 2 ? 'same-name' : `runner-${job}`,
        env: host.env,
      }),
    );
    const results: JobResult[] = await Promise.all(
      replayers.map((replayer, job) =>
        replayJob(replayer, {
          env: { JOB_NUMBER: String(job) },
          container: { image: images[0]! },
          services: [{ image: images[1]! }, { image: images[2]!, options: '--network-alias api' }],
          steps: steps(job),
        }),
      ),
    );

    for (const [job, result] of results.entries()) {
      const failed = [result.prepare, ...result.steps, result.cleanup].find((c) => c && c.exitCode !== 0);
      expect(failed?.stderr ?? '', `job ${job}: ${failed?.command}`).toBe('');
      expect(result.ok, `job ${job}`).toBe(true);
      expect(result.steps).toHaveLength(10);
    }
    recordFigure('jobs run concurrently', JOBS);
    recordFigure(
      'hook steps run',
      results.reduce((n, r) => n + r.steps.length, 0),
    );

    const tokenRequests = emulator.requests.filter((r) => r.status === 200);
    expect(tokenRequests.map((r) => r.region).sort()).toEqual(['eu-west-1', 'us-east-1']);

    // Pulled images stay, as with the runner's own container support; this job builds none.
    const { containers, networks, volumes } = leftOver(before);
    const tempLeft = replayers.flatMap((r) =>
      filesBelow(r.layout.temp).filter((f) => !/^[0-9a-f-]+\.sh$/.test(f) && !/^step-\d+\.txt$/.test(f)),
    );
    const tmpLeft = readdirSync(host.tmpDir);
    const left = { containers, networks, volumes, tempLeft, tmpLeft };
    recordFigure('resources left over', Object.values(left).flat().length);
    expect(left).toEqual({ containers: [], networks: [], volumes: [], tempLeft: [], tmpLeft: [] });
  });
});
