import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameReader, type StreamName } from '../../../src/docker/stream-frames';

function frame(stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function read(chunks: Buffer[]): Array<[StreamName, string]> {
  const frames: Array<[StreamName, string]> = [];
  const feed = frameReader((name, payload) => frames.push([name, payload.toString('latin1')]));
  for (const chunk of chunks) feed(chunk);
  return frames;
}

describe('docker multiplexed stream', () => {
  it('gives every frame whole and in order, however the socket splits the bytes', () => {
    const frames = fc.array(fc.tuple(fc.constantFrom(1, 2), fc.uint8Array({ maxLength: 300 })), {
      maxLength: 12,
    });
    fc.assert(
      fc.property(frames, fc.array(fc.nat(400), { maxLength: 20 }), (input, cuts) => {
        const bytes = Buffer.concat(input.map(([stream, payload]) => frame(stream, Buffer.from(payload))));
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((start, i) => bytes.subarray(start, [...points, bytes.length][i]));
        const expected = input.map(([stream, payload]): [StreamName, string] => [
          stream === 1 ? 'stdout' : 'stderr',
          Buffer.from(payload).toString('latin1'),
        ]);
        expect(read(chunks)).toEqual(expected);
      }),
    );
  });

  it("puts the daemon's own error frames (stream 3) with stderr", () => {
    expect(read([frame(3, Buffer.from('exec failed'))])).toEqual([['stderr', 'exec failed']]);
  });

  it('waits for the rest of a frame cut short', () => {
    expect(read([frame(1, Buffer.from('hello')).subarray(0, 10)])).toEqual([]);
  });
});
