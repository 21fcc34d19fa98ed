// The helper's log file, `<cache dir>/log/ecr-login.log` as for the Go helper: one redacted line per event,
// file 0600 in a 0700 directory. Past MAX_LOG_BYTES it is moved to `ecr-login.log.1` (replacing the older
// one), so a runner failing every pull for months keeps two bounded files. Logging never fails a lookup.
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { redact } from './failure';

export const MAX_LOG_BYTES = 1024 * 1024;

export function fileLogger(cacheDir: string, clock: () => Date): (line: string) => void {
  const dir = path.join(cacheDir, 'log');
  const file = path.join(dir, 'ecr-login.log');
  return (line) => {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > MAX_LOG_BYTES)
        renameSync(file, `${file}.1`);
      appendFileSync(file, `${clock().toISOString()} ${redact(line)}\n`, { mode: 0o600 });
    } catch {
      // the log is a convenience: stderr already carries the reason
    }
  };
}
