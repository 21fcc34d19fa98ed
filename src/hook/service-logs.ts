// Prints services' logs in collapsed groups, as the runner's built-in support does at the end of a job,
// with two differences a shared runner needs. A log is text, never workflow commands: a service printing
// `::error::` or `::add-mask::` must not annotate or mask the job's log, so each log is printed between
// `::stop-commands::<random token>` and `::<token>::`. And a log is kept to its last
// HOOK_SERVICE_LOG_MAX_MB while it streams in, saying what was left out: a service can log gigabytes.
import { randomBytes } from 'node:crypto';
import type { ContainerEngine } from '../docker/engine-objects';
import { RUNNER_LABEL } from '../docker/own-names';
import type { JobLog } from '../protocol/job-log';
import type { ContainerRef } from './container-ref';
import { messageOf } from '../protocol/errors';

/** Where logs are read: this runner's containers, each to its last `maxBytes`. */
export interface ServiceLogSource {
  engine: Pick<ContainerEngine, 'inspect' | 'logs'>;
  runnerId: string;
  maxBytes: number;
}

export interface ServiceLog {
  /** The container's full id when it is this runner's; null when it is gone or not ours. */
  id: string | null;
  /** Settles with the text (or why there is none) once the whole log was read. */
  text: Promise<string>;
}

/**
 * Looks at each service and starts reading its logs; only a container carrying this runner's label is
 * read (the ids come from the job's state). Resolves once each was looked at, not when the logs are read.
 */
export function fetchServiceLogs(source: ServiceLogSource, services: ContainerRef[]): Promise<ServiceLog[]> {
  // A service already gone has no logs to show, which must not stop the others' or the cleanup.
  return Promise.all(
    services.map(async (service): Promise<ServiceLog> => {
      try {
        const container = await source.engine.inspect(service.id);
        if (container.labels[RUNNER_LABEL] !== source.runnerId)
          return {
            id: null,
            text: Promise.resolve(`(not shown: ${service.id} is not a container of this runner)`),
          };
        const tail = logTail(source.maxBytes);
        const text = source.engine.logs(container.id, container.tty, tail.push).then(tail.text, noLogs);
        return { id: container.id, text };
      } catch (error) {
        return { id: null, text: Promise.resolve(noLogs(error)) };
      }
    }),
  );
}

const noLogs = (error: unknown) => `(no logs: ${messageOf(error)})`;

/** Prints the logs in the services' order once all are read, so groups never interleave. */
export async function printServiceLogs(
  log: JobLog,
  services: ContainerRef[],
  logs: Promise<ServiceLog[]>,
): Promise<void> {
  const texts = await Promise.all((await logs).map((log) => log.text));
  for (const [index, service] of services.entries()) {
    await log.group(`Service ${service.alias} (${service.image}) logs`, async () => {
      // Unguessable, and new for each log: the service cannot end the pause itself.
      const token = randomBytes(16).toString('hex');
      log.info(`::stop-commands::${token}`);
      log.info(texts[index]?.trimEnd() || '(no output)');
      log.info(`::${token}::`);
    });
  }
}

/** Keeps the last `maxBytes` of what is pushed, in whole lines, and says how much came before them. */
export function logTail(maxBytes: number): { push: (chunk: Buffer) => void; text: () => string } {
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  let droppedWholeLines = true;
  return {
    push: (chunk) => {
      chunks.push(chunk);
      kept += chunk.length;
      for (
        let first = chunks[0];
        first && chunks.length > 1 && kept - first.length >= maxBytes;
        first = chunks[0]
      ) {
        chunks.shift();
        kept -= first.length;
        dropped += first.length;
        droppedWholeLines = first.at(-1) === 0x0a;
      }
    },
    text: () => {
      const tail = Buffer.concat(chunks);
      if (tail.length <= maxBytes && dropped === 0) return tail.toString('utf8');
      // Cut to the limit, then on to the next line start (which also never splits a character).
      const from = Math.max(tail.length - maxBytes, 0);
      const atLineStart = from === 0 ? droppedWholeLines : tail[from - 1] === 0x0a;
      const newline = tail.indexOf(0x0a, from);
      const cut = atLineStart || newline < 0 ? from : newline + 1;
      const shown = tail.subarray(cut);
      return `(the first ${megabytes(dropped + cut)} of this log are left out: only its last ${megabytes(shown.length)} are shown; HOOK_SERVICE_LOG_MAX_MB sets how much)\n${shown.toString('utf8')}`;
    },
  };
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
