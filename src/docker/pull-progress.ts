// What an image pull's progress stream (the Engine API's JSON lines) says: bytes per layer, and the
// daemon's error, which comes inside a 200 answer once the pull has begun. And the job-log line that sums
// up the pulls still running, at most every few seconds, once one has run for a few seconds.

import { isJsonObject } from '../protocol/json';

/** The daemon's lines are a few hundred bytes; a longer one is not read (and cannot fill memory). */
const MAX_LINE_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

interface Layer {
  current: number;
  total: number;
  /** "Already exists": on the host before this pull, nothing to download. */
  present: boolean;
}

/** One image's pull, as its stream tells it; `restart` for another attempt. */
export class PullProgress {
  private layers = new Map<string, Layer>();
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overlong = false;
  /** The daemon's error in the stream (`{"error": ...}` / `errorDetail`), the first one. */
  error: string | null = null;

  restart(): void {
    this.layers.clear();
    this.pending = [];
    this.pendingBytes = 0;
    this.overlong = false;
    this.error = null;
  }

  feed(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      this.keep(chunk.subarray(start, end));
      if (!this.overlong) this.readLine(Buffer.concat(this.pending).toString('utf8'));
      this.pending = [];
      this.pendingBytes = 0;
      this.overlong = false;
      start = end + 1;
    }
    this.keep(chunk.subarray(start));
  }

  /** Bytes downloaded so far and the size of what is to be downloaded (0 while no layer's size is known). */
  bytes(): { done: number; total: number } {
    let done = 0;
    let total = 0;
    for (const layer of this.layers.values()) {
      if (layer.present) continue;
      done += layer.current;
      total += layer.total;
    }
    return { done, total };
  }

  private keep(part: Buffer): void {
    if (this.overlong || part.length === 0) return;
    this.pendingBytes += part.length;
    if (this.pendingBytes > MAX_LINE_BYTES) {
      this.overlong = true;
      this.pending = [];
      return;
    }
    this.pending.push(Buffer.from(part));
  }

  private readLine(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return; // not a line of the daemon's: nothing to count
    }
    if (!isJsonObject(message)) return;
    const { status, id, error, errorDetail, progressDetail } = message;
    // errorDetail is the daemon's error (what the docker CLI prints); `error` its older copy.
    const detail = isJsonObject(errorDetail) ? errorDetail.message : undefined;
    const said = typeof detail === 'string' && detail ? detail : error;
    if (typeof said === 'string' && said) {
      this.error ??= said;
      return;
    }
    if (typeof status !== 'string' || typeof id !== 'string') return;
    this.layerSaid(id, status, progressDetail);
  }

  private layerSaid(id: string, status: string, progressDetail: unknown): void {
    const detail = isJsonObject(progressDetail) ? progressDetail : {};
    const layer = this.layers.get(id) ?? { current: 0, total: 0, present: false };
    switch (status) {
      case 'Pulling fs layer':
      case 'Waiting':
        break;
      case 'Already exists':
        layer.present = true;
        break;
      case 'Downloading':
        if (typeof detail.current === 'number' && detail.current >= 0) layer.current = detail.current;
        if (typeof detail.total === 'number' && detail.total > 0) layer.total = detail.total;
        break;
      case 'Extracting':
        // Extracting reads the downloaded blob: its total is the layer's size, if no "Downloading" said it.
        if (layer.total === 0 && typeof detail.total === 'number' && detail.total > 0)
          layer.total = detail.total;
        layer.current = layer.total;
        break;
      case 'Verifying Checksum':
      case 'Download complete':
      case 'Pull complete':
        // Downloaded whole (the daemon prints "Downloading" only now and then).
        layer.current = Math.max(layer.current, layer.total);
        break;
      default:
        return; // "Pulling from ...", "Digest: ..." and other lines about the image, not a layer
    }
    this.layers.set(id, layer);
  }
}

const MB = 1_000_000;
const mb = (bytes: number) => `${Math.round(bytes / MB)} MB`;

/** `pulling postgres:16: 212 MB of 640 MB (33%)`, or `pulling 3 images: ...` for several at once. */
export function progressLine(pulls: ReadonlyArray<{ image: string; done: number; total: number }>): string {
  const done = pulls.reduce((sum, pull) => sum + pull.done, 0);
  const total = pulls.reduce((sum, pull) => sum + pull.total, 0);
  const what = pulls.length === 1 ? (pulls[0]?.image ?? '') : `${pulls.length} images`;
  const amount =
    total > 0
      ? `${mb(done)} of ${mb(total)} (${Math.floor((Math.min(done, total) * 100) / total)}%)`
      : `${mb(done)} so far`;
  return `pulling ${what}: ${amount}`;
}

export interface ProgressTiming {
  /** Milliseconds, any origin. */
  now: () => number;
  /** Calls `tick` every second or so until the returned function is called. */
  every: (tick: () => void) => () => void;
  /** A pull prints nothing until it has run this long, */
  quietMs: number;
  /** and then at most once per this long, for all pulls running. */
  intervalMs: number;
}

const realTiming: ProgressTiming = {
  now: () => performance.now(),
  every: (tick) => {
    const timer = setInterval(tick, 1000);
    timer.unref();
    return () => clearInterval(timer);
  },
  quietMs: 5000,
  intervalMs: 5000,
};

/** The pulls of one hook call running now, and the progress line they print together. */
export class ProgressBoard {
  private readonly running = new Map<string, { progress: PullProgress; since: number }>();
  private lastPrinted = -Infinity;
  private stopTicks: (() => void) | null = null;

  constructor(
    private readonly print: (line: string) => void,
    private readonly timing: ProgressTiming = realTiming,
  ) {}

  /** Counts `image`'s pull from now until `finished`. */
  started(image: string, progress: PullProgress): void {
    this.running.set(image, { progress, since: this.timing.now() });
    this.stopTicks ??= this.timing.every(() => this.tick());
  }

  finished(image: string): void {
    this.running.delete(image);
    if (this.running.size > 0) return;
    this.stopTicks?.();
    this.stopTicks = null;
  }

  /** Prints the line when a pull has run past the quiet time and the last line is old enough. */
  tick(): void {
    const now = this.timing.now();
    const pulls = [...this.running];
    if (!pulls.some(([, pull]) => now - pull.since >= this.timing.quietMs)) return;
    if (now - this.lastPrinted < this.timing.intervalMs) return;
    this.lastPrinted = now;
    this.print(progressLine(pulls.map(([image, pull]) => ({ image, ...pull.progress.bytes() }))));
  }
}
