// Docker's multiplexed stream, what exec and logs send for a container without a TTY: frames of an 8-byte
// header (stream: 1 stdout, 2 stderr, 3 the daemon's own error; three zero bytes; big-endian payload
// length) followed by the payload. Chunks from the socket split frames anywhere.

export type StreamName = 'stdout' | 'stderr';

const HEADER = 8;

/** Returns a function to feed chunks to; `onFrame` gets each whole payload in order. */
export function frameReader(onFrame: (stream: StreamName, payload: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= HEADER) {
      const size = pending.readUInt32BE(4);
      if (pending.length < HEADER + size) break;
      // stdin (0) never comes back; the daemon's errors (3) belong with stderr.
      onFrame(pending[0] === 1 ? 'stdout' : 'stderr', pending.subarray(HEADER, HEADER + size));
      pending = pending.subarray(HEADER + size);
    }
  };
}
