// A step that ran and failed: not a hook error, so the message is short and the exit code is the step's.
export class StepFailedError extends Error {
  override name = 'StepFailedError';

  constructor(readonly exitCode: number) {
    super(`the step exited with code ${exitCode}`);
  }
}
