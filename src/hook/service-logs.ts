// Prints services' logs in collapsed groups, as the runner's built-in support does at the end of a job.
import type { HookContext } from './context';

export async function printServiceLogs(
  context: HookContext,
  services: Array<{ id: string; alias: string; image: string }>,
): Promise<void> {
  // Fetched at once, printed in order, so groups never interleave.
  const logs = await Promise.all(
    services.map((service) => context.docker.run(['logs', '--details', '--', service.id])),
  );
  for (const [index, service] of services.entries()) {
    const result = logs[index];
    await context.log.group(`Service ${service.alias} (${service.image}) logs`, async () =>
      context.log.info(`${result?.stdout ?? ''}${result?.stderr ?? ''}`.trimEnd() || '(no output)'),
    );
  }
}
