// A soak of the hook over time: many jobs in a row on one runner, some cancelled the way the runner
// cancels (a signal to the hook's PID at a random point of prepare_job, a step or cleanup_job), dockerd
// restarted once under the middle job. Afterwards nothing may be left: no container, network or volume,
// no private dir or env file, no ECR cache lock, no process the hook started; the address pool still
// gives a network, and the hook's memory is the same for late jobs as for early ones.
// DOCKHAND_SOAK_JOBS (default 200: about 1.3 s a job on a 2-core machine, 2 s with other tests beside) and
// DOCKHAND_SOAK_SEED (printed; random when unset) replay a plan;
// DOCKHAND_SOAK_RESTART=0 leaves dockerd alone (while others share the stack).
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runnerIdOf } from '../../src/hook/config';
import {
  containerStep,
  jobContainer,
  jobLayout,
  scriptStep,
  serviceContainer,
  type StepSpec,
  type WorkflowContainer,
} from '../../src/replay';
import { startEcrEmulator, type EcrEmulator } from '../stack/ecr-emulator';
import {
  createCancellableRunner,
  type CancelSignal,
  type Cancellation,
  type CancellableCall,
  type CancellableRunner,
} from '../support/cancellable-runner';
import { leftOver, snapshotDocker } from '../support/docker-snapshot';
import { restartDockerd } from '../support/dockerd';
import { ecrRunnerHost } from '../support/ecr-runner';
import { recordFigure } from '../support/figures';
import {
  leftoverCount,
  networkPoolGivesOne,
  processesNamed,
  mayBeLeftBy,
  runnerLeftovers,
  type DockerKind,
} from '../support/leftovers';
import { processesUnder } from '../support/process-watch';
import { pick, seededRandom } from '../support/seeded-random';
import { distDir, loadSecrets, loadStack } from '../support/stack';

const JOBS = Number(process.env.DOCKHAND_SOAK_JOBS || 200);
const SEED = Number(process.env.DOCKHAND_SOAK_SEED || Math.floor(Math.random() * 2 ** 32));
if (!Number.isInteger(JOBS) || JOBS < 4)
  throw new Error('DOCKHAND_SOAK_JOBS must be a whole number, 4 or more');
if (!Number.isInteger(SEED)) throw new Error('DOCKHAND_SOAK_SEED must be a whole number');
const RESTART = process.env.DOCKHAND_SOAK_RESTART !== '0';

const stack = loadStack();
const secrets = loadSecrets(stack);
const ecrShell = `${stack.registries.ecrUsEast1}/${stack.images.shell}`;
const ecrWeb = `${stack.registries.ecrEuWest1}/${stack.images.web}`;
const plainShell = `${stack.registries.plain}/${stack.images.shell}`;

type Phase = 'prepare_job' | 'step' | 'cleanup_job';
type Shape = 'plain' | 'service' | 'login' | 'container step';

/** A step that goes through the hook (the soak plays no skipped steps). */
type HookStep = Exclude<StepSpec, { kind: 'skip' }>;

interface PlannedJob {
  index: number;
  shape: Shape;
  /** A DOCKER_* variable goes to the container through an env file in a private dir. */
  envFile: boolean;
  container: WorkflowContainer;
  services: WorkflowContainer[];
  env: Record<string, string>;
  steps: HookStep[];
  /** Where the runner cancels the job: `fraction` of that call's usual duration after it started. */
  cancel: { phase: Phase; step: number; fraction: number; signal: CancelSignal } | null;
  restartDockerd: boolean;
}

/** Mostly a job container and a step or two; some jobs with a service, a login or a container step. */
function planJobs(count: number, seed: number): PlannedJob[] {
  const random = seededRandom(seed);
  const middle = Math.floor(count / 2);
  return Array.from({ length: count }, (_, index): PlannedJob => {
    const shape = pick<Shape>(random, [
      [60, 'plain'],
      [15, 'service'],
      [15, 'login'],
      [10, 'container step'],
    ]);
    const envFile = random() < 0.4;
    const steps: HookStep[] =
      shape === 'service'
        ? [{ kind: 'script', script: 'wget -q -O - http://web/ | grep -q "dockhand web service"' }]
        : shape === 'container step'
          ? [{ kind: 'container', image: ecrShell, entryPoint: 'sleep', args: '0.3' }]
          : Array.from({ length: 1 + Math.floor(random() * 2) }, () =>
              pick<HookStep>(random, [
                [2, { kind: 'script', script: 'test "$SOAK_JOB" -ge 0 && echo "job $SOAK_JOB"' }],
                [1, { kind: 'script', script: 'sleep 0.1' }],
              ]),
            );
    const cancelled = random() < 0.25;
    const cancel = {
      phase: pick<Phase>(random, [
        [45, 'prepare_job'],
        [30, 'step'],
        [25, 'cleanup_job'],
      ]),
      step: Math.floor(random() * steps.length),
      fraction: random(),
      signal: pick<CancelSignal>(random, [
        [50, 'SIGINT'],
        [25, 'SIGTERM'],
        [25, 'SIGKILL'],
      ]),
    };
    const restart = RESTART && index === middle;
    return {
      index,
      shape,
      envFile,
      container:
        shape === 'login'
          ? {
              image: plainShell,
              credentials: { username: secrets.plainUser, password: secrets.plainPassword },
            }
          : { image: ecrShell },
      services: shape === 'service' ? [{ image: ecrWeb }] : [],
      env: { SOAK_JOB: String(index), ...(envFile ? { DOCKER_SOAK_JOB: `job-${index}` } : {}) },
      steps,
      // The restart job must reach its step, and the last job ends the soak as a job that is not
      // cancelled: what a cancelled cleanup_job leaves is for the next job's prepare_job to remove.
      cancel: cancelled && !restart && index !== count - 1 ? cancel : null,
      restartDockerd: restart,
    };
  });
}

/** Usual duration of each call, from calls not cancelled, to aim cancellations inside them. */
function durations() {
  const seen = new Map<string, number[]>([
    ['prepare_job', [900]],
    ['run_script_step', [150]],
    ['run_container_step', [900]],
    ['cleanup_job', [300]],
  ]);
  return {
    add: (call: CancellableCall) => {
      if (!call.cancelled) seen.get(call.command)!.push(call.durationMs);
    },
    usual: (command: string) => median(seen.get(command)!.slice(-20)),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
}

interface JobRecord {
  job: PlannedJob;
  calls: CancellableCall[];
  /** What went wrong that the runner would not have expected of the hook. */
  problems: string[];
  /** The cancellation reached a running hook (it may have ended before its planned moment). */
  landed: string | null;
  restartedDockerd: boolean;
}

async function runJob(
  runner: CancellableRunner,
  job: PlannedJob,
  usual: ReturnType<typeof durations>,
): Promise<JobRecord> {
  const { layout } = runner;
  const record: JobRecord = { job, calls: [], problems: [], landed: null, restartedDockerd: false };
  const cancelOf = (phase: Phase, command: string, step = 0) =>
    job.cancel?.phase === phase && (phase !== 'step' || job.cancel.step === step)
      ? { afterMs: job.cancel.fraction * usual.usual(command), signal: job.cancel.signal }
      : undefined;
  const track = (call: CancellableCall, cancel: Cancellation | undefined) => {
    record.calls.push(call);
    usual.add(call);
    if (cancel && call.cancelled)
      record.landed = `${cancel.signal} in ${call.command} at ${Math.round(cancel.afterMs)} ms`;
    return call;
  };
  // The runner registers cleanup_job as a post-job step before prepare_job starts, so it runs after a
  // cancelled or failed prepare_job too (with no state then); the steps stop at the first failure or
  // once the job is cancelled, even when the signal came after the call it aimed at had ended.
  const container = jobContainer({ ...job.container, env: job.env }, layout);
  const prepareCancel = cancelOf('prepare_job', 'prepare_job');
  const prepare = track(
    await runner.prepareJob({ container, services: job.services.map(serviceContainer) }, prepareCancel),
    prepareCancel,
  );
  let jobGoesOn = !prepare.failure && !prepareCancel;
  if (prepare.failure && !prepare.cancelled) record.problems.push(summary(prepare));
  if (jobGoesOn && job.restartDockerd) {
    restartDockerd(stack);
    record.restartedDockerd = true;
  }
  for (const [index, step] of job.steps.entries()) {
    if (!jobGoesOn) break;
    const env = { ...job.env, ...step.env };
    const command = step.kind === 'container' ? 'run_container_step' : 'run_script_step';
    const cancel = cancelOf('step', command, index);
    const call = track(
      step.kind === 'container'
        ? await runner.runContainerStep(containerStep({ ...step, env }, layout), cancel)
        : await runner.runScriptStep(scriptStep({ ...step, env }, layout), cancel),
      cancel,
    );
    jobGoesOn = !call.failure && !cancel;
    if (record.restartedDockerd) {
      // The job container died with dockerd: the step must fail with one clear line.
      if (!call.failure || !/not running|No such container/i.test(call.output))
        record.problems.push(`the step after the dockerd restart did not fail clearly: ${summary(call)}`);
    } else if (call.failure && !call.cancelled) record.problems.push(summary(call));
  }
  const cleanupCancel = cancelOf('cleanup_job', 'cleanup_job');
  const cleanup = track(await runner.cleanupJob(cleanupCancel), cleanupCancel);
  if (cleanup.failure && !cleanup.cancelled) record.problems.push(summary(cleanup));
  return record;
}

function summary(call: CancellableCall): string {
  const lines = call.output.trim().split('\n').slice(-3).join(' | ');
  return `${call.failure ?? `${call.command} succeeded`}${lines ? `: ${lines}` : ''}`;
}

let emulator: EcrEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEcrEmulator({ password: secrets.ecrPassword });
  // realpath: the hook's children report their working directory resolved.
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'dockhand-soak-')));
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('soak: jobs in a row on one runner, cancelled at random, dockerd restarted once', () => {
  it(
    `leaves nothing behind after ${JOBS} jobs, and the hook's memory stays flat`,
    async () => {
      console.log(`soak: ${JOBS} jobs, seed ${SEED} (DOCKHAND_SOAK_SEED=${SEED} replays this plan)`);
      const plan = planJobs(JOBS, SEED);
      const host = ecrRunnerHost(stack, path.join(dir, 'host'), emulator.url);
      const runnerRoot = path.join(dir, 'runner');
      const runnerId = runnerIdOf(jobLayout(runnerRoot).temp);
      const before = snapshotDocker();
      const customNetworksBefore = before.networks.size;
      const usual = durations();
      const records: JobRecord[] = [];
      // What was seen left over right after a job ended, while the next jobs ran: the why of any leftover.
      const timeline: string[] = [];
      let seenPrivateDirs = new Set<string>();
      const started = Date.now();

      for (const job of plan) {
        // One runner folder for all jobs; each job starts with no state, as the runner's jobs do.
        const runner = createCancellableRunner({
          hookPath: path.join(distDir, 'hook.js'),
          runnerRoot,
          env: host.env,
        });
        const record = await runJob(runner, job, usual);
        records.push(record);
        const previousLanded = records.at(-2)?.landed ?? null;
        const now = runnerLeftovers(host, runnerId, runnerRoot, Boolean(record.landed || previousLanded));
        const newDirs = now.privateDirs.filter((d) => !seenPrivateDirs.has(d));
        seenPrivateDirs = new Set(now.privateDirs);
        const seen = [
          ...now.containers.map((id) => `container ${id.slice(0, 12)}`),
          ...now.networks.map((id) => `network ${id.slice(0, 12)}`),
          ...newDirs.map((d) => `new private dir ${d}`),
          ...now.cacheLocks.map((f) => `cache ${f}`),
          ...now.processes.map((p) => `process ${p.commandLine}`),
        ];
        if (record.restartedDockerd) {
          const step = record.calls.find((c) => c.command !== 'prepare_job' && c.command !== 'cleanup_job');
          seen.unshift(
            `dockerd restarted after prepare_job; the step said: ${step ? summary(step) : 'no step ran'}`,
          );
        }
        if (seen.length > 0 || record.problems.length > 0)
          timeline.push(
            `job ${job.index} (${job.shape}${job.envFile ? ', env file' : ''}; ${record.landed ?? (job.cancel ? `${job.cancel.signal} aimed at ${job.cancel.phase}, after it ended` : 'not cancelled')}): ${[...record.problems, ...seen].join('; ')}`,
          );
      }

      // Orphans of a killed hook run on; give them a bounded while to end before judging what remains.
      for (let i = 0; i < 60 && processesUnder(runnerRoot).length > 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 500));
      const soakSeconds = (Date.now() - started) / 1000;

      const left = runnerLeftovers(host, runnerId, runnerRoot, true);
      // Globally: what appeared in the daemon since the soak began and may be this runner's (others'
      // tests share the stack).
      const global = leftOver(before);
      const ours = (kind: DockerKind) => (id: string) => mayBeLeftBy(runnerId, kind, id);
      const globalLeft = {
        containers: global.containers.filter(ours('container')),
        networks: global.networks.filter(ours('network')),
        volumes: global.volumes.filter(ours('volume')),
      };
      const helperProcesses = processesNamed(/^(docker|docker-credential-.*|ecr-login\.js)$/);
      const pool = networkPoolGivesOne(SEED);
      const customNetworksAfter = snapshotDocker().networks.size;

      // Peak RSS of calls that ran to their end, early jobs against late ones, per command.
      const tenth = Math.max(2, Math.floor(JOBS / 10));
      const window = (from: number, to: number) =>
        records.slice(from, to).flatMap((r) => r.calls.filter((c) => !c.cancelled && c.peakRssKb > 0));
      const early = window(0, tenth);
      const late = window(JOBS - tenth, JOBS);
      const mb = (calls: CancellableCall[]) => Math.round(median(calls.map((c) => c.peakRssKb)) / 102.4) / 10;
      const memory = ['prepare_job', 'run_script_step', 'cleanup_job'].map((command) => ({
        command,
        early: mb(early.filter((c) => c.command === command)),
        late: mb(late.filter((c) => c.command === command)),
      }));

      const landed = records.filter((r) => r.landed);
      const problems = records.flatMap((r) => r.problems.map((p) => `job ${r.job.index}: ${p}`));
      const leftTotal =
        leftoverCount(left) +
        globalLeft.containers.length +
        globalLeft.networks.length +
        globalLeft.volumes.length;
      recordFigure('soak jobs run', JOBS);
      recordFigure('soak cancellations landed', landed.length);
      recordFigure('soak dockerd restarts', records.filter((r) => r.restartedDockerd).length);
      recordFigure('hook peak RSS, early jobs (MB)', mb(early));
      recordFigure('hook peak RSS, late jobs (MB)', mb(late));
      recordFigure('resources left over', leftTotal);

      const byPhase = (phase: string) => landed.filter((r) => r.landed!.includes(` in ${phase}`)).length;
      console.log(
        [
          `soak: ${JOBS} jobs in ${soakSeconds.toFixed(0)} s, seed ${SEED}; cancellations planned ${plan.filter((j) => j.cancel).length}, landed ${landed.length} (prepare_job ${byPhase('prepare_job')}, steps ${byPhase('run_')}, cleanup_job ${byPhase('cleanup_job')})`,
          `soak: hook peak RSS (median MB, early/late jobs): ${memory.map((m) => `${m.command} ${m.early}/${m.late}`).join(', ')}`,
          `soak: custom networks ${customNetworksBefore} before, ${customNetworksAfter} after; a new network ${pool ? 'could' : 'could NOT'} be created`,
          `soak: docker and docker-credential-* processes on the host at the end (any owner): ${helperProcesses.length}`,
          `soak: left over: ${JSON.stringify({ ...left, global: globalLeft }, null, 1)}`,
          `soak: what was seen after jobs (${timeline.length} jobs):`,
          ...timeline.map((line) => `  ${line}`),
        ].join('\n'),
      );

      // Each verdict on its own: one failing must not hide the others.
      expect.soft(problems, 'calls that failed without being cancelled').toEqual([]);
      expect.soft(pool, 'the address pool gives a new network').toBe(true);
      for (const m of memory)
        expect
          .soft(m.late, `${m.command} peak RSS, late jobs against early (MB)`)
          .toBeLessThanOrEqual(m.early * 1.1);
      expect.soft({ ...left, global: globalLeft }, 'left over after the soak').toEqual({
        containers: [],
        networks: [],
        privateDirs: [],
        cacheLocks: [],
        processes: [],
        global: { containers: [], networks: [], volumes: [] },
      });
    },
    JOBS * 6_000 + 120_000,
  );
});
