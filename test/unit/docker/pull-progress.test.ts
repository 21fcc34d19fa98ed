import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProgressBoard, progressLine, PullProgress } from '../../../src/docker/pull-progress';

/** A real pull stream (dockerd 20.10): one layer already on the host, two of 3.0 and 2.0 MB downloaded. */
const stream = readFileSync(path.join(__dirname, '../../fixtures/docker/engine-pull/pull-two-layers.jsonl'));
const LAYERS_BYTES = 3001125 + 2000824;

const line = (value: object) => Buffer.from(`${JSON.stringify(value)}\n`);
const downloading = (id: string, current: number, total: number) =>
  line({ status: 'Downloading', progressDetail: { current, total }, id });

describe('a pull stream', () => {
  it.each([1, 7, 100, stream.length])(
    'counts downloaded layers and leaves out the one already there (chunks of %i bytes)',
    (size) => {
      const progress = new PullProgress();
      for (let at = 0; at < stream.length; at += size) progress.feed(stream.subarray(at, at + size));
      expect(progress.bytes()).toEqual({ done: LAYERS_BYTES, total: LAYERS_BYTES });
      expect(progress.error).toBeNull();
    },
  );

  it('sums the layers while they download', () => {
    const progress = new PullProgress();
    progress.feed(Buffer.concat([downloading('a', 100, 1000), downloading('b', 50, 500)]));
    expect(progress.bytes()).toEqual({ done: 150, total: 1500 });
    progress.feed(line({ status: 'Download complete', progressDetail: {}, id: 'a' }));
    expect(progress.bytes()).toEqual({ done: 1050, total: 1500 });
    progress.feed(line({ status: 'Already exists', progressDetail: {}, id: 'c' }));
    expect(progress.bytes()).toEqual({ done: 1050, total: 1500 });
  });

  it('takes the first error the daemon wrote into the stream, and forgets it on restart', () => {
    const progress = new PullProgress();
    progress.feed(line({ errorDetail: { message: 'first' }, error: 'first' }));
    progress.feed(line({ error: 'second' }));
    expect(progress.error).toBe('first');
    progress.restart();
    expect(progress.error).toBeNull();
    expect(progress.bytes()).toEqual({ done: 0, total: 0 });
  });

  it('skips a line too long to be the daemon, and what is not JSON, then reads on', () => {
    const progress = new PullProgress();
    progress.feed(Buffer.from(`{"error":"${'x'.repeat(100_000)}"}\nnot json\n`));
    progress.feed(downloading('a', 1, 2));
    expect(progress.error).toBeNull();
    expect(progress.bytes()).toEqual({ done: 1, total: 2 });
  });
});

describe('the progress line', () => {
  it('says one image, or how many, in MB with a percentage', () => {
    expect(progressLine([{ image: 'postgres:16', done: 212_000_000, total: 640_000_000 }])).toBe(
      'pulling postgres:16: 212 MB of 640 MB (33%)',
    );
    expect(
      progressLine([
        { image: 'a', done: 100_000_000, total: 300_000_000 },
        { image: 'b', done: 300_000_000, total: 300_000_000 },
        { image: 'c', done: 0, total: 300_000_000 },
      ]),
    ).toBe('pulling 3 images: 400 MB of 900 MB (44%)');
    expect(progressLine([{ image: 'x', done: 0, total: 0 }])).toBe('pulling x: 0 MB so far');
  });
});

describe('the progress board', () => {
  function board() {
    let now = 0;
    const printed: string[] = [];
    let ticking = 0;
    const timing = {
      now: () => now,
      every: () => {
        ticking++;
        return () => ticking--;
      },
      quietMs: 5000,
      intervalMs: 5000,
    };
    return {
      board: new ProgressBoard((text) => printed.push(text), timing),
      at: (ms: number) => (now = ms),
      printed,
      ticking: () => ticking,
    };
  }

  it('prints nothing for a fast pull, and stops ticking when it ends', () => {
    const t = board();
    t.board.started('redis:7', new PullProgress());
    expect(t.ticking()).toBe(1);
    t.at(4999);
    t.board.tick();
    t.board.finished('redis:7');
    expect(t.printed).toEqual([]);
    expect(t.ticking()).toBe(0);
  });

  it('prints after 5 s, then at most every 5 s, one line for the pulls running together', () => {
    const t = board();
    const postgres = new PullProgress();
    const redis = new PullProgress();
    t.board.started('postgres:16', postgres);
    t.at(1000);
    t.board.started('redis:7', redis);
    postgres.feed(downloading('a', 100_000_000, 400_000_000));
    redis.feed(downloading('b', 20_000_000, 100_000_000));
    t.at(5000);
    t.board.tick();
    expect(t.printed).toEqual(['pulling 2 images: 120 MB of 500 MB (24%)']);
    t.at(9999);
    t.board.tick();
    expect(t.printed).toHaveLength(1);
    t.board.finished('redis:7');
    t.at(10_000);
    t.board.tick();
    expect(t.printed[1]).toBe('pulling postgres:16: 100 MB of 400 MB (25%)');
    expect(t.ticking()).toBe(1);
  });
});
