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
  type JobResult,
  type JobSpec,
  type JobStatus,
  type StepSource,
  type StepSpec,
} from './job';
export { createJobLayout, jobLayout, type JobLayout } from './layout';
export {
  containerStep,
  fileCommandFiles,
  jobContainer,
  registryHost,
  scriptStep,
  serviceContainer,
  userMount,
  type WorkflowContainer,
} from './builders';
export { checkPrepareJobResponse, nextState, parseResponseFile, RunnerCheckError } from './checks';
