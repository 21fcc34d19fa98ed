// Prints services' logs in collapsed groups, as the runner's built-in support does at the end of a job.
import { inspectContainer } from '../docker/engine-objects';
import type { HookContext } from './context';
import { messageOf } from '../protocol/errors';

export interface LoggedService {
  id: string;
  alias: string;
  image: string;
}

/** Starts reading each service's logs; each promise settles with the text, or why there is none. */
export function fetchServiceLogs(context: HookContext, services: LoggedService[]): Array<Promise<string>> {
  // A service already gone has no logs to show, which must not stop the others' or the cleanup.
  return services.map(async (service) => {
    try {
      const { tty } = await inspectContainer(context.engine, service.id);
      return await context.engine.logs(service.id, tty);
    } catch (error) {
      return `(no logs: ${messageOf(error)})`;
    }
  });
}

/** Prints the logs in the services' order once all are read, so groups never interleave. */
export async function printServiceLogs(
  context: HookContext,
  services: LoggedService[],
  logs: Array<Promise<string>> = fetchServiceLogs(context, services),
): Promise<void> {
  const texts = await Promise.all(logs);
  for (const [index, service] of services.entries()) {
    await context.log.group(`Service ${service.alias} (${service.image}) logs`, async () =>
      context.log.info(texts[index]?.trimEnd() || '(no output)'),
    );
  }
}
