// run_script_step: one `docker exec` into the job container, output streamed live. Everything else it
// needs (container id, the image's PATH) was saved in state by prepare_job.
import { execArgs } from '../docker/args';
import { retokenizeArgs } from '../docker/create-options';
import type { RunScriptStepArgs } from '../protocol/hook-types';
import { withContainerEnv } from './container-env';
import type { HookContext } from './context';
import type { HookState } from './state';
import { runStepProcess } from './step-process';

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
  const containerId = state.container.id;
  // The runner split the arguments on spaces and left quotes in (a quoted script path, say).
  const command = [args.entryPoint, ...retokenizeArgs(args.entryPointArgs, 'args.entryPointArgs')];
  await withContainerEnv(context, args.environmentVariables, async (env) => {
    const spec = {
      container: containerId,
      workdir: args.workingDirectory,
      envFlags: env.envFlags,
      envFile: env.envFile,
      path,
      command,
    };
    await runStepProcess(context, execArgs(spec), env.cliEnv);
  });
}
