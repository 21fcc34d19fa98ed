// Samples the command line of every process on the machine while something runs, to prove no secret
// is ever passed as an argument (anyone on the host can read /proc/*/cmdline).
import { readdirSync, readFileSync } from 'node:fs';

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
