// The helper's log file, `<cache dir>/log/ecr-login.log` as for the Go helper: one redacted line per event,
// file 0600 in a 0700 directory. Logging never fails a credential lookup.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { redact } from './failure';

export function fileLogger(cacheDir: string, clock: () => Date): (line: string) => void {
  const dir = path.join(cacheDir, 'log');
  return (line) => {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      appendFileSync(path.join(dir, 'ecr-login.log'), `${clock().toISOString()} ${redact(line)}\n`, {
        mode: 0o600,
      });
    } catch {
      // the log is a convenience: stderr already carries the reason
    }
  };
}
