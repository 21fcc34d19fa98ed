// The process groups this process started. Each child the hook starts leads a group of its own, so that
// one signal reaches everything it started in turn (the docker CLI's credential helper, say): a timeout
// ends the whole group, and a cancelled hook ends every group it still has before it exits.
import type { ChildProcess } from 'node:child_process';

/** Between SIGTERM and SIGKILL: time for the docker CLI to end its own work, short enough to stay prompt. */
export const KILL_GRACE_MS = 2000;
/** After SIGKILL, how long to wait for the leaders' exit: the kernel ends them at once, unless stuck in I/O. */
const REAP_WAIT_MS = 1000;

/** Group id (the leader's pid) -> resolves when the leader has exited. */
const running = new Map<number, Promise<void>>();
/** Groups sent SIGTERM whose SIGKILL is still to come (their leader may be gone, a helper not). */
const ending = new Set<number>();
let stopped = false;

export function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // ESRCH: nothing of the group is left
  }
}

/** Counts a child started with `detached: true` (the leader of a new group) until its leader exits. */
export function trackGroup(child: ChildProcess): void {
  const group = child.pid;
  if (group === undefined) return; // it never started: its 'error' event says why
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  running.set(group, exited);
  void exited.then(() => running.delete(group));
}

/** SIGTERM now, SIGKILL after the grace: what a timeout does to a group. */
export function endGroup(group: number): void {
  ending.add(group);
  signalGroup(group, 'SIGTERM');
  setTimeout(() => {
    signalGroup(group, 'SIGKILL');
    ending.delete(group);
  }, KILL_GRACE_MS).unref();
}

/** True once stopAllGroups ran: nothing new may start. */
export function groupsStopped(): boolean {
  return stopped;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Ends every group this process started and still has: SIGTERM, then SIGKILL after `graceMs` (or at
 * once with 0), then waits (bounded) until their leaders have exited. Nothing new starts after it.
 */
export async function stopAllGroups(graceMs: number): Promise<void> {
  stopped = true;
  const groups = [...running.keys(), ...ending];
  if (graceMs > 0) {
    for (const group of groups) signalGroup(group, 'SIGTERM');
    await Promise.race([Promise.all(running.values()), pause(graceMs)]);
  }
  for (const group of groups) signalGroup(group, 'SIGKILL');
  await Promise.race([Promise.all(running.values()), pause(REAP_WAIT_MS)]);
}
