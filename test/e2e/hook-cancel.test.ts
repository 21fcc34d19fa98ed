// A job cancelled during a pull with the workflow's credentials, as the runner cancels it (SIGINT, SIGTERM
// 7.5 s later, then SIGKILL): the hook exits on its own and no file ever holds the password (the credentials travel in the pull's request only). A credential helper
// the hook started is ended with it. A throw-away folder a killed hook left (the env proxy's) is swept by
// the runner's next hook call, which leaves other runners' and live hooks' folders alone.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runnerIdOf } from '../../src/hook/config';
import { createReplayer, hookEnvironment, jobContainer, type Replayer } from '../../src/replay';
import { startFlakyRegistry, type FlakyRegistry } from '../support/flaky-registry';
import { isRunning, killLeftovers, stillRunningAfter } from '../support/processes';
import { distDir, loadSecrets, loadStack } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';

const stack = loadStack();
const secrets = loadSecrets(stack);
// What a file holding the password would contain: the password, or docker's base64 `user:password`.
const secretForms = [
  secrets.plainPassword,
  Buffer.from(`${secrets.plainUser}:${secrets.plainPassword}`).toString('base64'),
];
let registry: FlakyRegistry;
let dir: string;
let n = 0;
const started: number[] = [];

beforeAll(async () => {
  registry = await startFlakyRegistry(stack, stack.registries.plain);
  dir = makeTempDir('dockhand-cancel-');
});
afterEach(() => killLeftovers(started.splice(0)));
afterAll(async () => {
  await registry.close(); // ends the pulls it held
  removeTempDirs();
});

interface RunningHook {
  replayer: Replayer;
  privateBase: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
  /** Requests the registry held before this hook started. */
  heldBefore: number;
}

/**
 * prepare_job with workflow credentials, its pull held by the registry; started by hand, as the runner
 * does. With `helperDir` (a docker config and its helper on PATH) it pulls through that helper instead.
 */
function startPrepare(helperDir?: string): RunningHook {
  const privateBase = path.join(dir, `private-${++n}`);
  const dockerConfig = helperDir ?? path.join(dir, `docker-config-${n}`);
  mkdirSync(privateBase, { mode: 0o700 });
  mkdirSync(dockerConfig, { mode: 0o700, recursive: true }); // no helper: the workflow's credentials are used
  const env = {
    PATH: `${helperDir ? `${helperDir}:` : ''}${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: process.env.HOME ?? '/root',
    HOOK_DOCKER_CONFIG: dockerConfig,
    HOOK_PRIVATE_DIR: privateBase,
  };
  const replayer = createReplayer({
    hookPath: path.join(distDir, 'hook.js'),
    runnerRoot: path.join(dir, `runner-${n}`),
    env,
  });
  registry.failNext(Infinity, 'stall');
  const heldBefore = registry.failed;
  const image = `${registry.host}/${stack.images.shell}`;
  const credentials = helperDir
    ? undefined
    : { username: secrets.plainUser, password: secrets.plainPassword };
  const args = { container: jobContainer({ image, credentials }, replayer.layout), services: [] };
  const responseFile = path.join(replayer.layout.responses, `cancel-${n}.json`);
  const child = spawn(replayer.layout.node, [path.join(distDir, 'hook.js')], {
    cwd: replayer.layout.workspace,
    env: hookEnvironment(replayer.layout, env, 'cancel'),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  started.push(child.pid as number);
  child.stdin.end(JSON.stringify({ command: 'prepare_job', responseFile, args, state: null }) + '\n');
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { replayer, privateBase, child, exited, output: () => output, heldBefore };
}

/** Every file under `root` whose content holds the password in any form. */
function filesWithPassword(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(root, name))
    .filter((file) => statSync(file).isFile())
    .filter((file) => secretForms.some((form) => readFileSync(file, 'utf8').includes(form)));
}

/** The pids of `pid`'s descendants now, from /proc. */
function descendantsOf(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended meanwhile
    }
  }
  const found: number[] = [];
  for (let frontier = [pid]; frontier.length;) {
    frontier = [...parent].filter(([, ppid]) => frontier.includes(ppid)).map(([child]) => child);
    found.push(...frontier);
  }
  return found;
}

/** Waits (bounded) until `done` holds; `what` says what never happened. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (done()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(what);
}

/** Waits (bounded) until the registry holds this hook's pull. */
function untilPullHeld(hook: RunningHook): Promise<void> {
  return until(
    () => registry.failed > hook.heldBefore,
    `the pull never reached the registry: ${hook.output()}`,
  );
}

describe('hook, cancelled', () => {
  it('on SIGINT (then SIGTERM), exits at once, with no process left and no file with the password', async () => {
    const hook = startPrepare();
    await untilPullHeld(hook);
    // The pull runs in the daemon: no login process, no file with the password. (The job network's
    // `docker network create` may still run beside it.)
    const children = descendantsOf(hook.child.pid as number);
    started.push(...children);
    expect(readdirSync(hook.privateBase)).toEqual([]);

    // As the runner: SIGINT, SIGTERM 7.5 s later, the process killed 2.5 s after that.
    hook.child.kill('SIGINT');
    const term = setTimeout(() => hook.child.kill('SIGTERM'), 7500);
    const kill = setTimeout(() => hook.child.kill('SIGKILL'), 10_000);
    const exit = await hook.exited;
    clearTimeout(term);
    clearTimeout(kill);

    expect(exit.signal, hook.output()).toBeNull(); // it ended itself, the runner did not have to
    expect([130, 143]).toContain(exit.code);
    expect(filesWithPassword(hook.privateBase)).toEqual([]);
    expect(readdirSync(hook.privateBase)).toEqual([]);
    expect(await stillRunningAfter(children)).toEqual([]);
    expect((await hook.replayer.cleanupJob()).exitCode).toBe(0);
  });

  it("sweeps a SIGKILLed hook's folder at the next call, and only its own runner's dead ones", async () => {
    const hook = startPrepare();
    await untilPullHeld(hook);
    started.push(...descendantsOf(hook.child.pid as number));
    hook.child.kill('SIGKILL');
    await hook.exited;
    // Killed during a pull, it left nothing: the credentials were never on disk.
    expect(readdirSync(hook.privateBase)).toEqual([]);

    // What a hook killed during a create leaves (the env proxy's folder), under a pid that is gone; beside
    // it, a folder of another runner whose hook is gone, and one of this runner's live process.
    const gone = spawnSync('true').pid;
    expect(isRunning(gone)).toBe(false);
    const runnerId = runnerIdOf(hook.replayer.layout.temp);
    const left = `dockhand-${runnerId}-${gone}-0123456789ab`;
    mkdirSync(path.join(hook.privateBase, left), { mode: 0o700 });
    writeFileSync(path.join(hook.privateBase, left, 'proxy.sock'), '');
    const others = [
      `dockhand-${runnerIdOf('/some/other/runner/_work/_temp')}-${gone}-0123456789ab`,
      `dockhand-${runnerId}-${process.pid}-0123456789ab`,
    ];
    for (const other of others) mkdirSync(path.join(hook.privateBase, other), { mode: 0o700 });

    const cleanup = await hook.replayer.cleanupJob();
    expect(cleanup.exitCode, cleanup.stdout).toBe(0);
    expect(readdirSync(hook.privateBase).sort()).toEqual(others.sort());
  });

  it('ends a credential helper deaf to SIGTERM too, also when SIGTERM follows SIGINT at once', async () => {
    const helperDir = path.join(dir, `deaf-helper-${n}`);
    mkdirSync(helperDir, { mode: 0o700 });
    const pidFile = path.join(helperDir, 'pids');
    writeFileSync(
      path.join(helperDir, 'docker-credential-deaf'),
      `#!/bin/sh\ntrap '' TERM\necho $$ >> ${pidFile}\nsleep 300\n`,
      { mode: 0o755 },
    );
    writeFileSync(
      path.join(helperDir, 'config.json'),
      JSON.stringify({ credHelpers: { [registry.host]: 'deaf' } }),
    );
    const hook = startPrepare(helperDir);
    for (let i = 0; i < 300 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
    const children = descendantsOf(hook.child.pid as number);
    started.push(...children);
    expect(children.length).toBeGreaterThan(1); // the helper's shell and its sleep

    hook.child.kill('SIGINT');
    hook.child.kill('SIGTERM');
    const kill = setTimeout(() => hook.child.kill('SIGKILL'), 10_000);
    const exit = await hook.exited;
    clearTimeout(kill);

    expect(exit.signal, hook.output()).toBeNull();
    expect([130, 143]).toContain(exit.code);
    expect(await stillRunningAfter(children)).toEqual([]);
    expect((await hook.replayer.cleanupJob()).exitCode).toBe(0);
  });
});
