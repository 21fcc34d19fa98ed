// HOOK_EVENTS_FILE: each hook call appends one JSON line saying where its time went and where each image
// came from, for `dockhand stats`. Many runners may append to one file: one write() of the whole line to a
// file opened O_APPEND lands whole. Nothing a job wrote or a registry said goes in, only names, numbers and
// one-word causes: never a secret.
import { closeSync, constants, fstatSync, openSync, writeSync } from 'node:fs';
import type { ImageSource } from '../docker/pull';
import type { EventsTarget } from './pull-settings';

export interface ImageEvent {
  image: string;
  /** The registry the reference names (docker.io when none). */
  registry: string;
  source: ImageSource;
  /** The mirror's host, when the image came from a mirror. */
  mirror?: string;
  /** Bytes downloaded (layers already on the host are not), when the image was pulled. */
  bytes?: number;
  seconds: number;
  result: 'ok' | 'failed';
  cause?: string;
}

export interface HookEventLine {
  time: string;
  command: string;
  runner: string;
  repository: string;
  job: string;
  result: 'ok' | 'failed';
  cause?: string;
  seconds: number;
  /** Seconds per phase of the command (pulls, create-start, health ...). */
  phases: Record<string, number>;
  images: ImageEvent[];
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

/** What one hook call records as it runs. */
export class HookEvents {
  private readonly started = performance.now();
  private readonly phases: Record<string, number> = {};
  /** Per phase: how many of its tasks run now, and since when at least one has. */
  private readonly running = new Map<string, { count: number; since: number }>();
  private readonly images: ImageEvent[] = [];

  constructor(readonly command: string) {}

  image(event: ImageEvent): void {
    this.images.push({ ...event, seconds: round(event.seconds) });
  }

  /**
   * Runs `task`, counting its time in `phase` (whether it succeeds or not). Tasks of one phase that run at
   * once (parallel creates) count once: a phase's seconds are the time at least one of them ran.
   */
  async timed<T>(phase: string, task: () => Promise<T>): Promise<T> {
    const state = this.running.get(phase) ?? { count: 0, since: performance.now() };
    state.count++;
    this.running.set(phase, state);
    try {
      return await task();
    } finally {
      if (--state.count === 0) {
        this.running.delete(phase);
        this.phases[phase] = round((this.phases[phase] ?? 0) + (performance.now() - state.since) / 1000);
      }
    }
  }

  /** The seconds counted in `phase` so far (0 when none). */
  seconds(phase: string): number {
    return this.phases[phase] ?? 0;
  }

  line(target: EventsTarget, cause: string | null, now = new Date()): HookEventLine {
    return {
      time: now.toISOString(),
      command: this.command,
      runner: target.runner,
      repository: target.repository,
      job: target.job,
      result: cause === null ? 'ok' : 'failed',
      ...(cause === null ? {} : { cause }),
      seconds: round((performance.now() - this.started) / 1000),
      phases: this.phases,
      images: this.images,
    };
  }
}

/**
 * Appends one line. O_NOFOLLOW: a link put in the file's place is refused, not written through;
 * O_NONBLOCK: a FIFO there cannot hang the hook. Created 0640: fleet numbers, not secrets, but not for all.
 */
export function appendEventLine(file: string, line: HookEventLine): void {
  const flags =
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  const fd = openSync(file, flags, 0o640);
  try {
    if (!fstatSync(fd).isFile()) throw new Error('not a regular file');
    writeSync(fd, `${JSON.stringify(line)}\n`);
  } finally {
    closeSync(fd);
  }
}
