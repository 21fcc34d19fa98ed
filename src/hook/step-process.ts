// A container action's own `docker run`: output streamed live, no time limit (the runner has none), and a
// non-zero exit is the step failing, not the hook: short message, the step's exit code (as for a script
// step's exec, which throws the same error).
import type { DockerCli } from '../docker/docker-cli';

export class StepFailedError extends Error {
  override name = 'StepFailedError';

  constructor(readonly exitCode: number) {
    super(`the step exited with code ${exitCode}`);
  }
}

export async function runStepProcess(
  docker: DockerCli,
  args: string[],
  cliEnv: Record<string, string>,
): Promise<void> {
  const result = await docker.run(args, { env: cliEnv, inheritOutput: true, timeoutMs: null });
  if (result.exitCode !== 0) throw new StepFailedError(result.exitCode);
}
