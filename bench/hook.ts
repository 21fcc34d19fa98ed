// Benchmark of dist/hook.js on the stack: a job container + 3 services + 20 script steps, with images
// present and with cold pulls, next to the sequential baseline (bench/hook-baseline.ts) measured in the
// same run. Prints medians and ratios; targets are from issue 3, shown, never asserted.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runProcess } from '../src/exec';
import { createReplayer, jobContainer, scriptStep, serviceContainer } from '../src/replay';
import { distDir, loadStack } from '../test/support/stack';
import { baselineCleanup, baselinePrepare, baselineStep } from './hook-baseline';

const REPS = Number(process.env.BENCH_REPS ?? 3);
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
const record = (key: string, ms: number) => samples.set(key, [...(samples.get(key) ?? []), ms]);
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

async function runOnce(scenario: string, cold: boolean): Promise<void> {
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

    // Both jobs run side by side and their steps alternate, so that load from elsewhere on the machine
    // hits baseline and dockhand alike.
    if (cold) await removeRegistryImages();
    let baseline: Awaited<ReturnType<typeof baselinePrepare>> | undefined;
    record(
      `${scenario}|prepare_job|baseline`,
      await timed(async () => (baseline = await baselinePrepare(env, job, services, aliases))),
    );
    if (cold) await removeRegistryImages();
    const prepare = await replayer.prepareJob({ container: job, services });
    if (prepare.exitCode !== 0) throw new Error(`prepare_job failed: ${prepare.stdout}${prepare.stderr}`);
    record(`${scenario}|prepare_job|dockhand`, prepare.durationMs);

    const baselineJobContainer = baseline?.ids[0] as string;
    for (const step of steps) {
      const node = await runProcess([process.execPath, '-e', '0'], { env });
      const command = [step.entryPoint, ...step.entryPointArgs];
      const exec = await timed(() =>
        baselineStep(env, baselineJobContainer, step.workingDirectory, step.environmentVariables, command),
      );
      record(`${scenario}|script step|baseline`, node.durationMs + exec);
      const call = await replayer.runScriptStep(step);
      if (call.exitCode !== 0) throw new Error(`step failed: ${call.stdout}`);
      record(`${scenario}|script step|dockhand`, call.durationMs);
    }

    record(
      `${scenario}|cleanup_job|baseline`,
      await timed(() => baselineCleanup(env, baseline as NonNullable<typeof baseline>)),
    );
    const cleanup = await replayer.cleanupJob();
    if (cleanup.exitCode !== 0) throw new Error(`cleanup_job failed: ${cleanup.stdout}`);
    record(`${scenario}|cleanup_job|dockhand`, cleanup.durationMs);
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
      await runOnce(scenario, cold);
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
