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
import { createJobLog, formatWorkflowCommand, type LogSink } from '../protocol/job-log';
import { VERSION } from '../protocol/version';
import { cleanupJob } from './cleanup-job';
import { hookConfigFromEnv, runnerIdOf, type HookConfig, type HookSystem } from './config';
import type { HookContext } from './context';
import { appendEventLine, HookEvents } from './events';
import { prepareJob } from './prepare-job';
import { runContainerStep } from './run-container-step';
import { runScriptStep } from './run-script-step';
import { readState, type HookState } from './state';
import { StepFailedError } from './step-process';
import { errnoCodeOf, messageOf } from '../protocol/errors';

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
    case 'run_container_step': {
      // A new state replaces the runner's saved one, for the job's later calls.
      const updated = await runContainerStep(context, input.args, state);
      return updated ? { state: updated } : {};
    }
    case 'cleanup_job':
      await cleanupJob(context, state);
      return {};
  }
}

/** A failure in a word: its class (`PullAuthError` -> `pull-auth`), never its message (it may quote a registry). */
function eventCauseOf(error: unknown): string {
  if (error instanceof StepFailedError) return 'step-failed';
  const name = error instanceof Error ? error.name : '';
  return (
    name
      .replace(/Error$/, '')
      .replace(/([a-z])([A-Z])/g, '$1-$2')
      .toLowerCase() || 'error'
  );
}

/** Appends the call's events line when HOOK_EVENTS_FILE is set; a failure to do so only warns. */
function recordEvents(io: HookProcess, config: HookConfig | null, events: HookEvents | null, error: unknown) {
  if (!config?.events || !events) return;
  try {
    appendEventLine(
      config.events.file,
      events.line(config.events, error === null ? null : eventCauseOf(error)),
    );
  } catch (writeError) {
    const reason = errnoCodeOf(writeError) ?? messageOf(writeError);
    io.stdout.write(
      `${formatWorkflowCommand('warning', `dockhand: could not append to HOOK_EVENTS_FILE ${config.events.file} (${reason}); it must be a regular file (not a link) the runner user can write`)}\n`,
    );
  }
}

export async function runHookProcess(io: HookProcess): Promise<number> {
  let command = 'hook';
  let config: HookConfig | null = null;
  let events: HookEvents | null = null;
  try {
    const input = parseHookInput(io.stdin);
    command = input.command;
    checkResponseFile(input.responseFile);
    config = hookConfigFromEnv(io.env, io.system);
    events = new HookEvents(command);
    const log = createJobLog(io.stdout, config.debug);
    log.debug(`dockhand ${VERSION} ${command}`);
    // RUNNER_TEMP is <root>/_work/_temp; the response file lives two folders below it.
    const runnerId = runnerIdOf(config.runnerTemp ?? path.dirname(path.dirname(input.responseFile)));
    attributePrivateDirs(runnerId);
    for (const dir of sweepStalePrivateDirs(config.privateBase, runnerId))
      log.debug(`removed ${dir}, left behind by a hook that was killed`);
    const docker = new DockerCli(config.dockerPath, config.cliEnv, log);
    const state = readState(input.state, {
      runnerId,
      privateBase: config.privateBase,
      command: input.command,
      log,
    });
    if (config.featuresReason !== null) {
      // Said once per job: at its first hook call (a Docker action without a job container has no prepare_job).
      const first = command === 'prepare_job' || (command === 'run_container_step' && state === null);
      if (first) log.info(config.featuresReason);
      else log.debug(config.featuresReason);
    }
    const engine = containerEngineOf(
      new EngineApi(
        engineConnectionOf(config.engineEndpoint, config.dockerPath, config.cliEnv),
        log,
        state?.apiVersion,
      ),
    );
    const context = { config, docker, engine, log, runnerId, stepOutput: io.stepOutput, events };
    const response = await dispatch(context, input, state);
    writeHookResponse(input.responseFile, response);
    recordEvents(io, config, events, null);
    return 0;
  } catch (error) {
    recordEvents(io, config, events, error);
    io.stdout.write(`${formatWorkflowCommand('error', `dockhand ${command}: ${messageOf(error)}`)}\n`);
    return error instanceof StepFailedError ? error.exitCode : 1;
  }
}
