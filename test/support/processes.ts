// Whether processes a test made a hook start are still there, read from /proc: an orphan that died but
// was not reaped yet (a zombie) counts as gone, as it runs nothing and holds nothing.
import { readFileSync } from 'node:fs';

export function isRunning(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) state ...", and comm may itself contain ") ".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits (bounded) until none of `pids` runs; returns those still running at the end. */
export async function stillRunningAfter(pids: number[], boundMs = 10_000): Promise<number[]> {
  for (let waited = 0; waited < boundMs; waited += 100) {
    if (!pids.some(isRunning)) return [];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return pids.filter(isRunning);
}

/** Ends what a failed test left behind (by pid, one at a time). */
export function killLeftovers(pids: number[]): void {
  for (const pid of pids.filter(isRunning)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}
