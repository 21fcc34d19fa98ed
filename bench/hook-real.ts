// Benchmark of dist/hook.js with real-sized images over a link limited like a real network: the seed's
// test job (the application image as the job container, PostgreSQL 15 and Redis as services with
// `pg_isready`/`redis-cli ping` health checks every 10 s), pulled through ecr-login from the stack's
// ECR-shaped registry, next to the runner-sequence baseline (bench/hook-baseline.ts) of the same job in
// the same run. Scenarios: cold (no layer of the images on the host), and HOOK_PULL_POLICY=missing with
// the images present (the baseline still pulls, as the runner always does), where the engine floor
// (bench/engine-floor.ts) is measured too. Prints medians and ratios; targets are shown, never asserted. Images: bench/real-images.ts; the link: bench/link-shaping.ts.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createReplayer,
  jobContainer,
  scriptStep,
  serviceContainer,
  type JobLayout,
  type Replayer,
} from '../src/replay';
import { ecrRunnerHost, type EcrRunnerHost } from '../test/support/ecr-runner';
import { distDir, loadStack } from '../test/support/stack';
import { CONTENDERS, type BenchImageSet, type Contender } from './bench-images';
import { docker } from './docker';
import { floorPrepare, newFloorJob, removeFloor } from './engine-floor';
import { baselineCleanup, baselinePrepare, type BaselineJob } from './hook-baseline';
import { pullToHost, removeFromHost } from './host-layers';
import { linkState, withShapedLink } from './link-shaping';
import { checked, inTurn, RATIO_COLUMNS, ratioCells, Samples, timed } from './measure';
import {
  buildRealBenchImages,
  REAL_ROLES,
  removeRealBenchContainers,
  removeRealBenchImages,
} from './real-images';

// An even number of runs, so that each of baseline and dockhand goes first in half of them.
const REPS = Number(process.env.BENCH_REAL_REPS ?? 2);
const LINK_RATE = process.env.BENCH_LINK_RATE ?? '200mbit';
/**
 * HOOK_FEATURES for a second cold scenario in the same run, so that what one of the hook's behaviours costs
 * on a cold pull is measured against the same baseline: by default the progress lines (`-pull-progress`);
 * empty for none.
 */
const ALSO_FEATURES = process.env.BENCH_REAL_ALSO_FEATURES ?? '-pull-progress';
const PG_PASSWORD = 'dockhand-bench';
const HEALTH_INTERVAL = '--health-interval 10s';
const aliases = ['postgres', 'redis'];

/** Progress and warnings go to stderr, so that stdout is the table alone. */
const progress = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

interface Scenario {
  name: string;
  /** The images are taken off the host (and their layers checked gone) before each prepare_job. */
  cold: boolean;
  /** Settings for the hook in this scenario only. */
  hookEnv: Record<string, string>;
  /** The services have their health checks (every 10 s); without, what is left is pulls, create, start. */
  health: boolean;
  /** prepare_job's target ratio, where an issue sets one. */
  target?: number;
}

const missing = { HOOK_PULL_POLICY: 'missing' };
const scenarios: Scenario[] = [
  { name: 'real, cold', cold: true, health: true, hookEnv: {} },
  { name: 'real, missing', cold: false, health: true, hookEnv: missing, target: 0.2 },
  // The same without health checks: Docker's first check, 10 s after start, is a floor for both.
  { name: 'real, missing, no health checks', cold: false, health: false, hookEnv: missing, target: 0.2 },
  ...(ALSO_FEATURES
    ? [
        {
          name: `real, cold, HOOK_FEATURES=${ALSO_FEATURES}`,
          cold: true,
          health: true,
          hookEnv: { HOOK_FEATURES: ALSO_FEATURES },
        },
      ]
    : []),
];

type Phase = 'prepare_job' | 'cleanup_job';
const samples = new Samples();

const stack = loadStack();
// A runner host set up for ECR as dockhand recommends: its docker config sends the ECR-shaped registry
// to ecr-login, which gets tokens from the stack's ECR API emulator. The baseline's docker CLI uses it
// too. Made by main once the settings are checked, so that bad settings leave nothing behind.
let work = '';
let host: EcrRunnerHost;
let env: Record<string, string> = {};

/** The seed's test job on one contender's images: app as the job container, postgres and redis. */
function jobOf(set: BenchImageSet, layout: JobLayout, health: boolean) {
  const [app, postgres, redis] = set.map((image) => image.ref) as [string, string, string];
  const check = (command: string) =>
    health ? { options: `--health-cmd "${command}" ${HEALTH_INTERVAL}` } : {};
  return {
    container: jobContainer({ image: app, env: { PGPASSWORD: PG_PASSWORD } }, layout),
    services: [
      serviceContainer({
        image: postgres,
        env: { POSTGRES_PASSWORD: PG_PASSWORD, POSTGRES_DB: 'app' },
        ports: ['5432'],
        ...check('pg_isready -U postgres'),
      }),
      serviceContainer({ image: redis, ...check('redis-cli ping') }),
    ],
  };
}

/** The anonymous volumes of the baseline's containers (postgres and redis declare VOLUME). */
async function volumesOf(ids: string[]): Promise<string[]> {
  const names = await docker(env, [
    'inspect',
    '--format',
    '{{range .Mounts}}{{if eq .Type "volume"}}{{println .Name}}{{end}}{{end}}',
    ...ids,
  ]);
  return names.split('\n').filter(Boolean);
}

/**
 * Not timed: the job dockhand prepared reaches both services by name. Without health checks the job
 * starts before postgres listens (as a workflow's would), so this waits for it, at most 60 s.
 */
async function checkServicesReachable(replayer: Replayer): Promise<void> {
  const script =
    'i=0; until pg_isready -q -h postgres -U postgres; do i=$((i+1)); [ $i -lt 120 ] || exit 1; sleep 0.5; done; ' +
    'redis-cli -h redis ping';
  checked(await replayer.runScriptStep(scriptStep({ script }, replayer.layout)));
}

async function runOnce(
  scenario: Scenario,
  rep: number,
  images: Record<Contender, BenchImageSet>,
): Promise<void> {
  if (!scenario.cold) for (const contender of CONTENDERS) await pullToHost(env, images[contender]);
  const root = mkdtempSync(path.join(work, 'job-'));
  const replayer = createReplayer({
    hookPath: path.join(distDir, 'hook.js'),
    runnerRoot: path.join(root, 'runner'),
    env: {
      ...host.env,
      ...(process.env.HOOK_FEATURES ? { HOOK_FEATURES: process.env.HOOK_FEATURES } : {}),
      ...scenario.hookEnv,
    },
  });
  const key = (phase: Phase, contender: Contender) => `${scenario.name}|${phase}|${contender}`;
  let baseline: BaselineJob | undefined;
  let cleanedUp = false;
  try {
    await inTurn(
      rep,
      [
        async () => {
          if (scenario.cold) await removeFromHost(env, images.baseline);
          const { container, services } = jobOf(images.baseline, replayer.layout, scenario.health);
          const ms = await timed(
            async () => (baseline = await baselinePrepare(env, container, services, aliases)),
          );
          samples.record(key('prepare_job', 'baseline'), ms);
        },
        async () => {
          if (scenario.cold) await removeFromHost(env, images.dockhand);
          const call = await replayer.prepareJob(jobOf(images.dockhand, replayer.layout, scenario.health));
          samples.record(key('prepare_job', 'dockhand'), checked(call));
        },
      ],
      scenario.cold ? undefined : () => measureFloor(scenario, images.baseline, replayer.layout),
    );
    await checkServicesReachable(replayer);
    const baselineJob = baseline as BaselineJob;
    // The runner's `docker rm --force` leaves a container's anonymous volumes (postgres and redis declare
    // VOLUME): the bench removes its own once the baseline's cleanup is timed.
    const baselineVolumes = await volumesOf(baselineJob.ids);
    await inTurn(rep, [
      async () =>
        samples.record(key('cleanup_job', 'baseline'), await timed(() => baselineCleanup(env, baselineJob))),
      async () => samples.record(key('cleanup_job', 'dockhand'), checked(await replayer.cleanupJob())),
    ]);
    cleanedUp = true;
    if (baselineVolumes.length > 0) await docker(env, ['volume', 'rm', ...baselineVolumes]);
  } finally {
    if (!cleanedUp) await removeJobsLeftBehind(replayer, baseline);
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The engine floor of a "missing" prepare_job (bench/engine-floor.ts), on the baseline's images (an image
 * is only read): removed as soon as it is measured, untimed, so that no third postgres loads the machine
 * while the others run, and also when it fails.
 */
async function measureFloor(scenario: Scenario, set: BenchImageSet, layout: JobLayout): Promise<void> {
  const floor = newFloorJob();
  try {
    const { container, services } = jobOf(set, layout, scenario.health);
    const ms = await floorPrepare(env, floor, container, services, aliases, scenario.health);
    samples.record(`${scenario.name}|prepare_job|floor`, ms);
  } finally {
    // A failure to remove is said, not put in place of the run's.
    await removeFloor(env, floor).catch((error: unknown) =>
      progress(`could not remove the engine floor's job (label ${floor.label}): ${(error as Error).message}`),
    );
  }
}

/** After a failed run, best effort: what either job left (containers with their volumes, networks). */
async function removeJobsLeftBehind(replayer: Replayer, baseline: BaselineJob | undefined): Promise<void> {
  await replayer.cleanupJob().catch(() => undefined);
  await removeRealBenchContainers(env).catch(() => undefined);
  if (baseline) await docker(env, ['network', 'rm', baseline.network]).catch(() => undefined);
}

async function main(): Promise<void> {
  if (!Number.isInteger(REPS) || REPS < 1)
    throw new Error(
      `BENCH_REAL_REPS must be a whole number of runs, at least 1 (got '${process.env.BENCH_REAL_REPS}')`,
    );
  if (!/^[0-9]+(\.[0-9]+)?[kmg]?(bit|bps)$/i.test(LINK_RATE))
    throw new Error(`BENCH_LINK_RATE must be a rate as tc writes it, such as 200mbit (got '${LINK_RATE}')`);
  let link = '';
  let sizes: Record<string, number> = {};
  work = mkdtempSync(path.join(tmpdir(), 'dockhand-bench-real-'));
  try {
    host = ecrRunnerHost(stack, work, stack.emulator.url);
    env = { ...host.env, DOCKER_CONFIG: host.dockerConfig };
    progress('making and pushing the real bench images (app, postgres, redis; through ecr-login)');
    const started = performance.now();
    const built = await buildRealBenchImages(env, stack);
    sizes = built.sizes;
    progress(
      `images ready in ${((performance.now() - started) / 1000).toFixed(1)} s, ${built.layersPushed} new layer(s) pushed`,
    );
    for (const image of Object.values(built.sets).flat()) progress(`  ${image.ref}  layer ${image.layer}`);
    await withShapedLink(LINK_RATE, async () => {
      link = linkState().shown;
      progress(`registry link: ${link}`);
      for (let rep = 1; rep <= REPS; rep++) {
        for (const scenario of scenarios) {
          progress(`${scenario.name}, run ${rep} of ${REPS}`);
          await runOnce(scenario, rep, built.sets);
        }
      }
    });
    progress(`registry link put back: ${linkState().shown}`);
  } finally {
    // A failed cleanup is worth a line, not hiding why the runs stopped.
    await removeRealBenchImages(env, stack).then(
      (left) => left.length > 0 && progress(`could not remove bench image(s) ${left.join(', ')}`),
      (error: unknown) => progress(`could not remove the real bench images: ${(error as Error).message}`),
    );
    rmSync(work, { recursive: true, force: true });
  }
  printTable(sizes, link);
}

function printTable(sizes: Record<string, number>, link: string): void {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  console.log(
    `\ndockhand hook benchmark, real images: app job container + postgres + redis services (health checks every 10 s unless the scenario says not), ${REPS} run${REPS === 1 ? '' : 's'}, medians`,
  );
  console.log(
    `images: ${REAL_ROLES.map((role) => `${role} ${mb(sizes[role] ?? NaN)}`).join(', ')}, pulled through ecr-login; cold = no layer of them on the host`,
  );
  console.log(`registry link: ${link}`);
  console.log(`dist/hook.js: ${(statSync(path.join(distDir, 'hook.js')).size / 1024).toFixed(0)} KiB`);
  if (process.env.HOOK_FEATURES) console.log(`HOOK_FEATURES=${process.env.HOOK_FEATURES}`);
  const width = Math.max(...scenarios.map((scenario) => scenario.name.length));
  console.log(`${'scenario'.padEnd(width)} | phase        | ${RATIO_COLUMNS.header}`);
  console.log(`${'-'.repeat(width)}-|--------------|${RATIO_COLUMNS.rule}`);
  for (const scenario of scenarios) {
    for (const phase of ['prepare_job', 'cleanup_job'] as Phase[]) {
      const cells = ratioCells(
        samples.median(`${scenario.name}|${phase}|baseline`),
        samples.median(`${scenario.name}|${phase}|dockhand`),
        samples.median(`${scenario.name}|${phase}|floor`),
        phase === 'prepare_job' ? scenario.target : undefined,
      );
      console.log(`${scenario.name.padEnd(width)} | ${phase.padEnd(12)} | ${cells}`);
    }
  }
  console.log(
    'baseline = the docker CLI calls of the runner, one after another (bench/hook-baseline.ts); missing = dockhand with HOOK_PULL_POLICY=missing, the baseline pulls as the runner always does.',
  );
  console.log(
    'floor = the engine work alone, no hook: a bare `node -e 0` + the network + the three containers created and started at once, no pull; with health checks, until Docker reports both services healthy: what a hook does at least (bench-hook.md says what it leaves out).',
  );
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exitCode = 1;
});
