// Reads a HOOK_EVENTS_FILE. Any runner user can write that file and `dockhand stats` may run as root: each
// line is checked against the shape the hook writes, a line too long or malformed is counted and skipped,
// and a FIFO or device in its place is refused rather than read forever.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import * as v from 'valibot';

/** The hook writes lines of a few KB; one this long is not one of them. */
const MAX_LINE_BYTES = 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

const Seconds = v.pipe(v.number(), v.finite(), v.minValue(0));
const Name = v.pipe(v.string(), v.maxLength(512));

const ImageSchema = v.object({
  image: Name,
  registry: Name,
  source: v.picklist(['origin', 'mirror', 'host']),
  mirror: v.optional(Name),
  bytes: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  seconds: Seconds,
  result: v.picklist(['ok', 'failed']),
  cause: v.optional(Name),
});

const LineSchema = v.object({
  time: v.pipe(v.string(), v.isoTimestamp()),
  command: Name,
  runner: Name,
  repository: Name,
  job: Name,
  result: v.picklist(['ok', 'failed']),
  cause: v.optional(Name),
  seconds: Seconds,
  phases: v.record(Name, Seconds),
  images: v.pipe(v.array(ImageSchema), v.maxLength(1000)),
});

export type EventLine = v.InferOutput<typeof LineSchema>;
export type ImageEventLine = EventLine['images'][number];

export interface ReadEvents {
  lines: EventLine[];
  /** Lines that were not events of the hook (cut short, edited, too long). */
  skipped: number;
}

/** Calls `onLine` for each line of `file`, reading it in chunks; lines over the limit are counted, not kept. */
function eachLine(file: string, onLine: (line: string | null) => void): void {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile())
      throw new Error(`${file} is not a regular file; give the events file itself`);
    const chunk = Buffer.alloc(CHUNK_BYTES);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let tooLong = false;
    const end = () => {
      if (tooLong) onLine(null);
      else if (pendingBytes > 0) onLine(Buffer.concat(pending).toString('utf8'));
      pending = [];
      pendingBytes = 0;
      tooLong = false;
    };
    for (let read = readSync(fd, chunk); read > 0; read = readSync(fd, chunk)) {
      let start = 0;
      for (
        let newline = chunk.indexOf(10, start);
        newline >= 0 && newline < read;
        newline = chunk.indexOf(10, start)
      ) {
        if (!tooLong) pending.push(Buffer.from(chunk.subarray(start, newline)));
        pendingBytes += newline - start;
        tooLong ||= pendingBytes > MAX_LINE_BYTES;
        end();
        start = newline + 1;
      }
      pendingBytes += read - start;
      tooLong ||= pendingBytes > MAX_LINE_BYTES;
      if (tooLong) pending = [];
      else pending.push(Buffer.from(chunk.subarray(start, read)));
    }
    end();
  } finally {
    closeSync(fd);
  }
}

/** The events of `file` at or after `since` (all when null). */
export function readEvents(file: string, since: Date | null): ReadEvents {
  const lines: EventLine[] = [];
  let skipped = 0;
  eachLine(file, (text) => {
    if (text === null) return void skipped++;
    if (text.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return void skipped++;
    }
    const parsed = v.safeParse(LineSchema, json);
    if (!parsed.success) return void skipped++;
    if (since === null || new Date(parsed.output.time) >= since) lines.push(parsed.output);
  });
  return { lines, skipped };
}
