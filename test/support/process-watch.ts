// Samples the command line of every process on the machine while something runs, to prove no secret
// is ever passed as an argument (anyone on the host can read /proc/*/cmdline); finds what a hook left running.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcessWatch {
  stop(): string[];
}

export function watchCommandLines(intervalMs = 20): ProcessWatch {
  const seen = new Set<string>();
  const sample = () => {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        seen.add(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim());
      } catch {
        // the process ended between the listing and the read
      }
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return [...seen];
    },
  };
}

export interface RunningProcess {
  pid: number;
  commandLine: string;
}

/** Processes whose working directory is `dir` or below: what a hook started there (children inherit it). */
export function processesUnder(dir: string): RunningProcess[] {
  const found: RunningProcess[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      found.push({ pid: Number(pid), commandLine });
    } catch {
      // the process ended between the listing and the read
    }
  }
  return found;
}
