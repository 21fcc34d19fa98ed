// run_script_step: one exec into the job container named by the state, with the step's PATH first.
import { describe, expect, it } from 'vitest';
import { runScriptStep } from '../../../src/hook/run-script-step';
import { StepFailedError } from '../../../src/hook/step-process';
import type { RunScriptStepArgs } from '../../../src/protocol/hook-types';
import { CapturedDaemon, hookContextOn } from './captured-daemon';
import { savedState } from './hook-inputs';

const state = savedState();

const step: RunScriptStepArgs = {
  entryPointArgs: ['-e', '"/__w/_temp/a', 'b.sh"'],
  entryPoint: 'bash',
  environmentVariables: { GREETING: 'hi', PATH: '/mine' },
  prependPath: ['/opt/new', '', '/opt/old'],
  workingDirectory: '/__w/repo/repo',
};

describe('run_script_step', () => {
  it("execs the re-tokenized command with the step's variables and its PATH last", async () => {
    const daemon = new CapturedDaemon();
    const { context } = hookContextOn(daemon);
    await runScriptStep(context, step, state);
    expect(daemon.execs).toEqual([
      {
        id: 'job',
        command: ['bash', '-e', '/__w/_temp/a b.sh'],
        env: ['GREETING=hi', 'PATH=/mine', 'PATH=/opt/new:/opt/old:/usr/bin:/bin'],
        workdir: '/__w/repo/repo',
      },
    ]);
  });

  it("fails as the step with the step's exit code", async () => {
    const daemon = new CapturedDaemon();
    daemon.execExitCode = () => 3;
    const { context } = hookContextOn(daemon);
    const run = runScriptStep(context, { ...step, prependPath: '/opt/one' }, state);
    await expect(run).rejects.toThrow(StepFailedError);
    await expect(run).rejects.toMatchObject({ exitCode: 3 });
  });

  it('needs the job container of prepare_job', async () => {
    const { context } = hookContextOn(new CapturedDaemon());
    await expect(runScriptStep(context, step, { ...state, container: null })).rejects.toThrow(
      'run_script_step needs a job container from prepare_job',
    );
  });
});
