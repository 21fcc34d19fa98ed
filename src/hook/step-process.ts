// A container action's container, once created: attached, started and waited for as `docker run` does,
// with output streamed live and no time limit (the runner has none). A non-zero exit is the step failing,
// not the hook: short message, the step's exit code (as for a script step's exec, which throws the same
// error).
import type { OutputSink } from '../docker/engine-api';
import type { ContainerEngine } from '../docker/engine-objects';
import type { JobLog } from '../protocol/job-log';
import { messageOf } from '../protocol/errors';

export class StepFailedError extends Error {
  override name = 'StepFailedError';

  constructor(readonly exitCode: number) {
    super(`the step exited with code ${exitCode}`);
  }
}

/**
 * Runs the created container `id` to its end. Its AutoRemove removes it once it has run; when it never
 * got to run to its end (a refusal, a broken stream), it is removed here, so that nothing is left.
 */
export async function runStepContainer(
  engine: ContainerEngine,
  id: string,
  output: OutputSink,
  log: JobLog,
): Promise<void> {
  let exitCode: number;
  try {
    const { attach } = await engine.inspect(id);
    // docker run refuses this too ("the input device is not a TTY"): a step has no terminal to type in.
    if (attach.stdin && attach.tty)
      throw new Error(
        "the step's options ask for both -i and -t, but a step has no terminal for input; drop -i or -t",
      );
    exitCode = await engine.runAttached(id, attach, output);
  } catch (error) {
    await engine.remove('container', id).catch((removal: unknown) => {
      log.debug(`could not remove the step's container ${id}: ${messageOf(removal)}`);
    });
    throw error;
  }
  if (exitCode !== 0) throw new StepFailedError(exitCode);
}
