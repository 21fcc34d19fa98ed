// Prints services' logs in collapsed groups, as the runner's built-in support does at the end of a job.
import { inspectContainer } from '../docker/engine-objects';
import type { HookContext } from './context';

export async function printServiceLogs(
  context: HookContext,
  services: Array<{ id: string; alias: string; image: string }>,
): Promise<void> {
  // Fetched at once, printed in order, so groups never interleave. A service already gone has no logs to
  // show, which must not stop the others' or the cleanup.
  const logs = await Promise.all(
    services.map(async (service) => {
      try {
        const { tty } = await inspectContainer(context.engine, service.id);
        return await context.engine.logs(service.id, tty);
      } catch (error) {
        return `(no logs: ${(error as Error).message})`;
      }
    }),
  );
  for (const [index, service] of services.entries()) {
    await context.log.group(`Service ${service.alias} (${service.image}) logs`, async () =>
      context.log.info(logs[index]?.trimEnd() || '(no output)'),
    );
  }
}
