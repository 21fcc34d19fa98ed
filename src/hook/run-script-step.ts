// run_script_step: one exec into the job container through the Engine API, output streamed live. All it
// needs (container id, the image's PATH) was saved in state by prepare_job, so no docker process starts.
import { containerEnvEntries } from '../docker/cli-env';
import { retokenizeArgs } from '../docker/create-options';
import type { RunScriptStepArgs } from '../protocol/hook-types';
import type { HookContext } from './context';
import type { HookState } from './state';
import { StepFailedError } from './step-process';

export async function runScriptStep(
  context: HookContext,
  args: RunScriptStepArgs,
  state: HookState | null,
): Promise<void> {
  if (!state?.container) {
    throw new Error(
      'run_script_step needs a job container from prepare_job, and the saved state has none; check that the job has `container:`',
    );
  }
  const prepend = Array.isArray(args.prependPath) ? args.prependPath : [args.prependPath];
  const path = [...prepend.filter(Boolean), state.container.path].join(':');
  // The runner split the arguments on spaces and left quotes in (a quoted script path, say).
  const command = [args.entryPoint, ...retokenizeArgs(args.entryPointArgs, 'args.entryPointArgs')];
  // PATH is not a secret and may be the step's own: it goes last so that it wins.
  const env = [...containerEnvEntries(args.environmentVariables), `PATH=${path}`];
  const exitCode = await context.engine.exec(
    state.container.id,
    { command, env, workdir: args.workingDirectory },
    context.stepOutput,
  );
  if (exitCode !== 0) throw new StepFailedError(exitCode);
}
