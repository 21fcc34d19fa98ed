// A process used as a byte stream: its stdin and stdout are the two halves of one connection. This is how
// `docker system dial-stdio` hands out a connection to whatever daemon the docker CLI is set up for.
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { groupsStopped, signalGroup, trackGroup } from './process-groups';

export interface ProcessStream {
  stream: Duplex;
  /** What the process wrote to stderr so far: the reason when the connection fails. */
  stderr: () => string;
}

export function spawnStream(command: string[], env: Record<string, string>): ProcessStream {
  const [file, ...args] = command;
  if (!file) throw new Error('spawnStream: empty command');
  if (groupsStopped()) throw new Error(`could not start ${file}: this process is being stopped`);
  // A group of its own, as for every process of the hook: a cancelled hook ends it with the others.
  const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  trackGroup(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // The far end closing (the process exiting) is the end of the stream, not an error: a connection that
  // is closed by the peer after its answer ends the same way.
  const stream = new Duplex({
    read: () => void child.stdout.resume(),
    write: (chunk: Buffer, _encoding, done) => void child.stdin.write(chunk, () => done()),
    final: (done) => void child.stdin.end(done),
    // Ours to end: `docker system dial-stdio` ignores SIGTERM and would outlive the hook with its pipes
    // holding the hook's event loop open. A byte proxy has nothing to lose to SIGKILL.
    destroy: (error, done) => {
      child.stdin.destroy();
      child.stdout.destroy();
      child.stderr.destroy();
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      done(error);
    },
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) child.stdout.pause();
  });
  child.stdout.on('end', () => stream.push(null));
  child.stdin.on('error', () => {}); // a process that exits before reading all of its input
  child.on('error', (error) =>
    stream.destroy(new Error(`could not start ${file}: ${error.message}`, { cause: error })),
  );
  return { stream, stderr: () => stderr.trim() };
}
