// Benchmark of dist/hook.js on the stack: a job container + 3 services + 20 script steps, with images
// present and with cold pulls, next to the sequential baseline (bench/hook-baseline.ts) measured in the
// same run. Prints medians and ratios; targets are from issue 3, shown, never asserted.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runProcess } from '../src/exec';
import { createReplayer, jobContainer, scriptStep, serviceContainer, type HookCall } from '../src/replay';
import { distDir, loadStack } from '../test/support/stack';
import { baselineCleanup, baselinePrepare, baselineStep, type BaselineJob } from './hook-baseline';

// An even number of runs, so that each of baseline and dockhand goes first in half of them.
const REPS = Number(process.env.BENCH_REPS ?? 4);
const STEPS = 20;
const stack = loadStack();
const env = {
  PATH: `${stack.stackHelper.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  HOME: process.env.HOME ?? '/root',
  DOCKER_CONFIG: stack.stackHelper.dockerConfig,
};
const r = stack.registries;
const jobImage = `${r.ecrUsEast1}/${stack.images.shell}`;
const serviceImages = [
  `${r.ecrUsEast1}/${stack.images.web}`,
  `${r.ecrEuWest1}/${stack.images.web}`,
  `${r.plain}/${stack.images.web}`,
];
const aliases = ['web', 'web-2', 'web-3'];

type Phase = 'prepare_job' | 'script step' | 'cleanup_job';
const samples = new Map<string, number[]>();
const record = (key: string, ms: number): void => void samples.set(key, [...(samples.get(key) ?? []), ms]);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function removeRegistryImages(): Promise<void> {
  // Only the registry-named copies: the local dockhand-test/* images others rely on stay.
  await runProcess(['docker', 'image', 'rm', '--force', jobImage, ...serviceImages], {
    env,
    timeoutMs: 60_000,
  });
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

/** Runs the two in order, or in reverse order when `turn` is odd. */
async function inTurn(turn: number, pair: [() => Promise<void>, () => Promise<void>]): Promise<void> {
  for (const task of turn % 2 === 0 ? pair : [...pair].reverse()) await task();
}

/** A hook call's duration, once it is known to have succeeded. */
function checked(call: HookCall): number {
  if (call.exitCode !== 0) throw new Error(`${call.command} failed: ${call.stdout}${call.stderr}`);
  return call.durationMs;
}

async function runOnce(scenario: string, cold: boolean, rep: number): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'dockhand-bench-'));
  try {
    const replayer = createReplayer({
      hookPath: path.join(distDir, 'hook.js'),
      runnerRoot: path.join(root, 'runner'),
      env: { ...env, HOOK_DOCKER_CONFIG: env.DOCKER_CONFIG },
    });
    const job = jobContainer({ image: jobImage }, replayer.layout);
    const services = serviceImages.map((image, i) =>
      serviceContainer({ image, ports: i === 0 ? ['80'] : [] }),
    );
    const steps = Array.from({ length: STEPS }, (_, i) =>
      scriptStep({ script: `echo step ${i}` }, replayer.layout),
    );

    // Both jobs run side by side. Which one goes first alternates (per run for prepare and cleanup, per
    // step for steps), so neither always meets the other's containers or the machine's other load.
    let baseline: BaselineJob | undefined;
    await inTurn(rep, [
      async () => {
        if (cold) await removeRegistryImages();
        const ms = await timed(async () => (baseline = await baselinePrepare(env, job, services, aliases)));
        record(`${scenario}|prepare_job|baseline`, ms);
      },
      async () => {
        if (cold) await removeRegistryImages();
        record(
          `${scenario}|prepare_job|dockhand`,
          checked(await replayer.prepareJob({ container: job, services })),
        );
      },
    ]);
    const baselineJob = baseline as BaselineJob;
    for (const [index, step] of steps.entries()) {
      await inTurn(index, [
        async () => {
          const node = await runProcess([process.execPath, '-e', '0'], { env });
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
          record(`${scenario}|script step|baseline`, node.durationMs + exec);
        },
        async () => record(`${scenario}|script step|dockhand`, checked(await replayer.runScriptStep(step))),
      ]);
    }
    await inTurn(rep, [
      async () =>
        record(`${scenario}|cleanup_job|baseline`, await timed(() => baselineCleanup(env, baselineJob))),
      async () => record(`${scenario}|cleanup_job|dockhand`, checked(await replayer.cleanupJob())),
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const targets: Record<string, Record<Phase, number>> = {
  'images present': { prepare_job: 0.7, 'script step': 1.15, cleanup_job: 0.7 },
  'cold pulls': { prepare_job: 0.5, 'script step': 1.15, cleanup_job: 0.7 },
};

async function main(): Promise<void> {
  const scenarios = [
    ['images present', false],
    ['cold pulls', true],
  ] as const;
  for (let rep = 1; rep <= REPS; rep++) {
    for (const [scenario, cold] of scenarios) {
      process.stderr.write(`bench: ${scenario}, run ${rep} of ${REPS}\n`);
      await runOnce(scenario, cold, rep);
    }
  }
  console.log(
    `\ndockhand hook benchmark: job container + 3 services + ${STEPS} script steps, ${REPS} runs, medians`,
  );
  console.log(`dist/hook.js: ${(statSync(path.join(distDir, 'hook.js')).size / 1024).toFixed(0)} KiB`);
  console.log('scenario        | phase        | baseline ms | dockhand ms | ratio | target');
  console.log('----------------|--------------|-------------|-------------|-------|-------');
  for (const [scenario] of scenarios) {
    for (const phase of ['prepare_job', 'script step', 'cleanup_job'] as Phase[]) {
      const base = median(samples.get(`${scenario}|${phase}|baseline`) ?? []);
      const ours = median(samples.get(`${scenario}|${phase}|dockhand`) ?? []);
      const ratio = ours / base;
      const target = targets[scenario]?.[phase] ?? NaN;
      console.log(
        `${scenario.padEnd(15)} | ${phase.padEnd(12)} | ${base.toFixed(0).padStart(11)} | ${ours.toFixed(0).padStart(11)} | ${ratio.toFixed(2).padStart(5)} | <= ${target} ${ratio <= target ? 'met' : 'MISSED'}`,
      );
    }
  }
  console.log(
    'script step baseline = a bare `node -e 0` + the same `docker exec`; prepare/cleanup baseline = the same docker operations one after another, as the runner does them.',
  );
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exitCode = 1;
});
