// The helper's log file, `<cache dir>/log/ecr-login.log` as for the Go helper: one redacted line per event,
// file 0600 in a 0700 directory. Past MAX_LOG_BYTES it is moved to `ecr-login.log.1` (replacing the older
// one), so a runner failing every pull for months keeps two bounded files. Only a regular file is written,
// never through a symlink (O_NOFOLLOW), nor into a log directory that is a symlink. Logging never fails a
// lookup.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

export const MAX_LOG_BYTES = 1024 * 1024;

const OPEN_FLAGS =
  constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** An append descriptor on a regular file (a FIFO or device is refused), and its size. */
function openLog(file: string): { fd: number; size: number } {
  const fd = openSync(file, OPEN_FLAGS, 0o600);
  const st = fstatSync(fd);
  if (st.isFile()) return { fd, size: st.size };
  closeSync(fd);
  throw new Error(`${file} is not a regular file`);
}

/** A logger appending `redactLine(line)`, timestamped, to the log under `cacheDir`. */
export function fileLogger(
  cacheDir: string,
  clock: () => Date,
  redactLine: (line: string) => string,
): (line: string) => void {
  const dir = path.join(cacheDir, 'log');
  const file = path.join(dir, 'ecr-login.log');
  return (line) => {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!lstatSync(dir).isDirectory()) return;
      let log = openLog(file);
      if (log.size > MAX_LOG_BYTES) {
        closeSync(log.fd);
        renameSync(file, `${file}.1`);
        log = openLog(file);
      }
      try {
        writeSync(log.fd, `${clock().toISOString()} ${redactLine(line)}\n`);
      } finally {
        closeSync(log.fd);
      }
    } catch {
      // the log is a convenience: stderr already carries the reason
    }
  };
}
