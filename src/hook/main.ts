// One hook call: validate the input, read the settings, run the command, write the response. Returns the
// process exit code; every failure is one `::error::` line (bad input creates nothing).
import path from 'node:path';
import { DockerCli } from '../docker/docker-cli';
import { EngineApi, type OutputSink } from '../docker/engine-api';
import { containerEngineOf } from '../docker/engine-objects';
import { engineConnectionOf } from '../docker/engine-endpoint';
import { attributePrivateDirs, sweepStalePrivateDirs } from '../docker/private-dir';
import { parseHookInput } from '../protocol/hook-input';
import type { HookInput } from '../protocol/hook-types';
import { checkResponseFile, writeHookResponse } from '../protocol/hook-response';
import { createJobLog, escapeData, type LogSink } from '../protocol/job-log';
import { cleanupJob } from './cleanup-job';
import { hookConfigFromEnv, runnerIdOf, type HookSystem } from './config';
import type { HookContext } from './context';
import { prepareJob } from './prepare-job';
import { runContainerStep } from './run-container-step';
import { runScriptStep } from './run-script-step';
import { readState, type HookState } from './state';
import { stateKeyFile } from './state-key';
import { StepFailedError } from './step-process';

export interface HookProcess {
  stdin: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: LogSink;
  stepOutput: OutputSink;
  system: HookSystem;
}

async function dispatch(context: HookContext, input: HookInput, state: HookState | null): Promise<object> {
  switch (input.command) {
    case 'prepare_job':
      return prepareJob(context, input.args);
    case 'run_script_step':
      await runScriptStep(context, input.args, state);
      return {};
    case 'run_container_step':
      await runContainerStep(context, input.args, state);
      return {};
    case 'cleanup_job':
      await cleanupJob(context, state);
      return {};
  }
}

export async function runHookProcess(io: HookProcess): Promise<number> {
  let command = 'hook';
  try {
    const input = parseHookInput(io.stdin);
    command = input.command;
    checkResponseFile(input.responseFile);
    const config = hookConfigFromEnv(io.env, io.system);
    const log = createJobLog(io.stdout, config.debug);
    // RUNNER_TEMP is <root>/_work/_temp; the response file lives two folders below it.
    const runnerId = runnerIdOf(config.runnerTemp ?? path.dirname(path.dirname(input.responseFile)));
    attributePrivateDirs(runnerId);
    for (const dir of sweepStalePrivateDirs(config.privateBase, runnerId))
      log.debug(`removed ${dir}, left behind by a hook that was killed`);
    const docker = new DockerCli(config.dockerPath, config.cliEnv, log);
    const keyFile = stateKeyFile(config.privateBase, runnerId);
    const state = readState(input.state, { runnerId, keyFile, command: input.command, log });
    const engine = containerEngineOf(
      new EngineApi(
        engineConnectionOf(config.engineEndpoint, config.dockerPath, config.cliEnv),
        log,
        state?.apiVersion,
      ),
    );
    const context = { config, docker, engine, log, runnerId, stepOutput: io.stepOutput };
    const response = await dispatch(context, input, state);
    writeHookResponse(input.responseFile, response);
    return 0;
  } catch (error) {
    io.stdout.write(`::error::${escapeData(`dockhand ${command}: ${(error as Error).message}`)}\n`);
    return error instanceof StepFailedError ? error.exitCode : 1;
  }
}
