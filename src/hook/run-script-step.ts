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
  const prepend = (Array.isArray(args.prependPath) ? args.prependPath : [args.prependPath]).filter(Boolean);
  // The runner split the arguments on spaces and left quotes in (a quoted script path, say).
  const command = [args.entryPoint, ...retokenizeArgs(args.entryPointArgs, 'args.entryPointArgs')];
  // As the runner's own container steps: GITHUB_PATH entries go before the container's PATH and win over
  // a step's `env: PATH`; with none, the step's PATH if it set one, else the container's own.
  const env = containerEnvEntries(args.environmentVariables);
  if (prepend.length) env.push(`PATH=${[...prepend, state.container.path].join(':')}`);
  const exitCode = await context.engine.exec(
    state.container.id,
    { command, env, workdir: args.workingDirectory },
    context.stepOutput,
  );
  if (exitCode !== 0) throw new StepFailedError(exitCode);
}
