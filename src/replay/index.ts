export {
  createReplayer,
  hookEnvironment,
  type HookCall,
  type Replayer,
  type ReplayerOptions,
} from './replayer';
export {
  replayJob,
  type JobCall,
  type JobObserver,
  type JobResult,
  type JobSpec,
  type StepSpec,
} from './job';
export { createRunnerLayout, runnerLayout, type RunnerLayout } from './layout';
export {
  containerStep,
  jobContainer,
  registryHost,
  scriptStep,
  serviceContainer,
  stepEnvironment,
  userMount,
  type ContainerSpec,
  type ContainerStepSpec,
  type ScriptStepSpec,
} from './builders';
export { RunnerCheckError, checkPrepareJobResponse, nextState, parseResponseFile } from './checks';
