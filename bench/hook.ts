// Benchmark of dist/hook.js on the stack: a job container + 3 services + 20 script steps (+ 5 container
// steps with images present), with images present and with cold pulls, next to the sequential baseline (bench/hook-baseline.ts) measured in the
// same run, and with images present the engine floor (bench/engine-floor.ts). Prints medians and ratios;
// targets are from issue 3, shown, never asserted. The images are the bench's own (bench/bench-images.ts),
// each with a layer of its own that a cold pull really downloads.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  containerStep,
  createReplayer,
  jobContainer,
  scriptStep,
  serviceContainer,
  type JobLayout,
} from '../src/replay';
import { distDir, loadStack } from '../test/support/stack';
import {
  buildBenchImages,
  CONTENDERS,
  removeBenchImages,
  type BenchImageSet,
  type Contender,
} from './bench-images';
import { floorContainerStep, floorPrepare, newFloorJob, removeFloor, type FloorJob } from './engine-floor';
import { pullToHost, removeFromHost } from './host-layers';
import {
  bareNode,
  baselineCleanup,
  baselineContainerStep,
  baselinePrepare,
  baselineStep,
  type BaselineJob,
} from './hook-baseline';
import { checked, inTurn, RATIO_COLUMNS, ratioCells, Samples, timed } from './measure';

// An even number of runs, so that each of baseline and dockhand goes first in half of them.
const REPS = Number(process.env.BENCH_REPS ?? 4);
/** The size of each bench image's own layer, which a cold pull downloads and extracts. */
const LAYER_MB = Number(process.env.BENCH_LAYER_MB ?? 16);
const STEPS = 20;
/**
 * Docker actions run in the job, in "images present" only: their image is the job container's, on the
 * host in both scenarios once prepare_job has run, so a cold run would measure the same thing again.
 */
const CONTAINER_STEPS = 5;
const stack = loadStack();
const env = {
  PATH: `${stack.stackHelper.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  HOME: process.env.HOME ?? '/root',
  DOCKER_CONFIG: stack.stackHelper.dockerConfig,
};
const aliases = ['web', 'web-2', 'web-3'];
/** Progress and warnings go to stderr, so that stdout is the table alone. */
const progress = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

type Phase = 'prepare_job' | 'script step' | 'container step' | 'cleanup_job';
const samples = new Samples();
const record = (key: string, ms: number): void => samples.record(key, ms);

/** The job and service containers of one contender's job, on that contender's own images. */
function jobOf(set: BenchImageSet, layout: JobLayout) {
  const [job, ...services] = set.map((image) => image.ref);
  return {
    container: jobContainer({ image: job as string }, layout),
    services: services.map((image, i) => serviceContainer({ image, ports: i === 0 ? ['80'] : [] })),
  };
}

async function runOnce(
  scenario: string,
  cold: boolean,
  rep: number,
  images: Record<Contender, BenchImageSet>,
): Promise<void> {
  // Warm: the images are on the host, yet both still `docker pull` them, as the runner does.
  if (!cold) for (const contender of CONTENDERS) await pullToHost(env, images[contender]);
  const root = mkdtempSync(path.join(tmpdir(), 'dockhand-bench-'));
  // The engine floor (bench/engine-floor.ts), with images present only: it never pulls.
  const floor = cold ? undefined : newFloorJob();
  try {
    const replayer = createReplayer({
      hookPath: path.join(distDir, 'hook.js'),
      runnerRoot: path.join(root, 'runner'),
      // HOOK_FEATURES passes through, to measure the hook with some of its behaviours switched off.
      env: {
        ...env,
        HOOK_DOCKER_CONFIG: env.DOCKER_CONFIG,
        ...(process.env.HOOK_FEATURES ? { HOOK_FEATURES: process.env.HOOK_FEATURES } : {}),
      },
    });
    const baselineImages = jobOf(images.baseline, replayer.layout);
    const dockhandImages = jobOf(images.dockhand, replayer.layout);
    const steps = Array.from({ length: STEPS }, (_, i) =>
      scriptStep({ script: `echo step ${i}` }, replayer.layout),
    );

    // Both jobs (and the floor's) run side by side. Which one goes first alternates (per run for prepare
    // and cleanup, per step for steps), so none always meets the others' containers or the machine's
    // other load. The floor's job is made from the baseline's images (an image is only read).
    const floorTask = (phase: Phase, measure: (floorJob: FloorJob) => Promise<number>) =>
      floor && (async () => record(`${scenario}|${phase}|floor`, await measure(floor)));
    let baseline: BaselineJob | undefined;
    await inTurn(
      rep,
      [
        async () => {
          if (cold) await removeFromHost(env, images.baseline);
          const { container, services } = baselineImages;
          const ms = await timed(
            async () => (baseline = await baselinePrepare(env, container, services, aliases)),
          );
          record(`${scenario}|prepare_job|baseline`, ms);
        },
        async () => {
          if (cold) await removeFromHost(env, images.dockhand);
          record(`${scenario}|prepare_job|dockhand`, checked(await replayer.prepareJob(dockhandImages)));
        },
      ],
      floorTask('prepare_job', (floorJob) => {
        const { container, services } = baselineImages;
        return floorPrepare(env, floorJob, container, services, aliases, false);
      }),
    );
    const baselineJob = baseline as BaselineJob;
    for (const [index, step] of steps.entries()) {
      await inTurn(index, [
        async () => {
          const node = await bareNode(env);
          const command = [step.entryPoint, ...step.entryPointArgs];
          const exec = await timed(() =>
            baselineStep(
              env,
              baselineJob.ids[0] as string,
              step.workingDirectory,
              step.environmentVariables,
              command,
            ),
          );
          record(`${scenario}|script step|baseline`, node + exec);
        },
        async () => record(`${scenario}|script step|dockhand`, checked(await replayer.runScriptStep(step))),
      ]);
    }
    for (let index = 0; index < (cold ? 0 : CONTAINER_STEPS); index++) {
      const stepOf = (set: BenchImageSet) =>
        containerStep(
          { image: set[0]?.ref as string, entryPoint: 'echo', args: `container step ${index}` },
          replayer.layout,
        );
      await inTurn(
        index,
        [
          async () => {
            const node = await bareNode(env);
            const run = await timed(() => baselineContainerStep(env, baselineJob, stepOf(images.baseline)));
            record(`${scenario}|container step|baseline`, node + run);
          },
          async () =>
            record(
              `${scenario}|container step|dockhand`,
              checked(await replayer.runContainerStep(stepOf(images.dockhand))),
            ),
        ],
        floorTask('container step', (floorJob) => floorContainerStep(env, floorJob, stepOf(images.baseline))),
      );
    }
    await inTurn(rep, [
      async () =>
        record(`${scenario}|cleanup_job|baseline`, await timed(() => baselineCleanup(env, baselineJob))),
      async () => record(`${scenario}|cleanup_job|dockhand`, checked(await replayer.cleanupJob())),
    ]);
  } finally {
    // Untimed, and also after a failed run; a failure to remove is said, not put in place of the run's.
    if (floor)
      await removeFloor(env, floor).catch((error: unknown) =>
        progress(
          `could not remove the engine floor's job (label ${floor.label}): ${(error as Error).message}`,
        ),
      );
    rmSync(root, { recursive: true, force: true });
  }
}

const targets: Record<string, Partial<Record<Phase, number>>> = {
  'images present': { prepare_job: 0.7, 'script step': 1.15, 'container step': 0.6, cleanup_job: 0.7 },
  'cold pulls': { prepare_job: 0.5, 'script step': 1.15, cleanup_job: 0.7 },
};

const scenarios = [
  ['images present', false],
  ['cold pulls', true],
] as const;

async function main(): Promise<void> {
  if (!Number.isInteger(LAYER_MB) || LAYER_MB < 1)
    throw new Error(
      `BENCH_LAYER_MB must be a whole number of MiB, at least 1 (got '${process.env.BENCH_LAYER_MB}')`,
    );
  progress(`building and pushing the bench images (+${LAYER_MB} MiB layer each)`);
  const started = performance.now();
  const built = await buildBenchImages(env, stack, LAYER_MB);
  progress(
    `images ready in ${((performance.now() - started) / 1000).toFixed(1)} s, ${built.layersPushed} new layer(s) pushed`,
  );
  for (const image of Object.values(built.sets).flat())
    progress(`  ${image.ref}  extra layer ${image.layer}`);
  try {
    for (let rep = 1; rep <= REPS; rep++) {
      for (const [scenario, cold] of scenarios) {
        progress(`${scenario}, run ${rep} of ${REPS}`);
        await runOnce(scenario, cold, rep, built.sets);
      }
    }
  } finally {
    // A failed cleanup is worth a line, not hiding why the runs stopped.
    await removeBenchImages(env, stack).then(
      (left) => left.length > 0 && progress(`could not remove bench image(s) ${left.join(', ')}`),
      (error: unknown) => progress(`could not remove the bench images: ${(error as Error).message}`),
    );
  }
  printTable();
}

function printTable(): void {
  console.log(
    `\ndockhand hook benchmark: job container + 3 services + ${STEPS} script steps (+ ${CONTAINER_STEPS} container steps with images present), ${REPS} runs, medians`,
  );
  console.log(
    `each image: its own ${LAYER_MB} MiB layer of incompressible bytes (BENCH_LAYER_MB); cold = not on the host`,
  );
  console.log(`dist/hook.js: ${(statSync(path.join(distDir, 'hook.js')).size / 1024).toFixed(0)} KiB`);
  if (process.env.HOOK_FEATURES) console.log(`HOOK_FEATURES=${process.env.HOOK_FEATURES}`);
  console.log(`scenario        | phase          | ${RATIO_COLUMNS.header}`);
  console.log(`----------------|----------------|${RATIO_COLUMNS.rule}`);
  for (const [scenario] of scenarios) {
    for (const phase of ['prepare_job', 'script step', 'container step', 'cleanup_job'] as Phase[]) {
      if (!samples.has(`${scenario}|${phase}|dockhand`)) continue;
      const cells = ratioCells(
        samples.median(`${scenario}|${phase}|baseline`),
        samples.median(`${scenario}|${phase}|dockhand`),
        samples.median(`${scenario}|${phase}|floor`),
        targets[scenario]?.[phase],
      );
      console.log(`${scenario.padEnd(15)} | ${phase.padEnd(14)} | ${cells}`);
    }
  }
  console.log(
    'script step baseline = a bare `node -e 0` + the same `docker exec`; container step baseline = a bare `node -e 0` + `docker pull` + `docker run --rm`; prepare/cleanup baseline = the same docker operations one after another, as the runner does them.',
  );
  console.log(
    'floor = the engine work alone, no hook: a bare `node -e 0` + for prepare_job the network and every container created and started at once (no pull, no health wait), for a container step `docker run` without `--rm` (no pull): what a hook does at least (bench-hook.md says what it leaves out).',
  );
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exitCode = 1;
});
