export { createReplayer, hookEnvironment, type HookCall, type Replayer } from './replayer';
export { replayJob, type JobCall, type JobResult, type StepSpec } from './job';
export { createJobLayout, jobLayout, type JobLayout } from './layout';
export {
  containerStep,
  jobContainer,
  registryHost,
  scriptStep,
  serviceContainer,
  userMount,
  type WorkflowContainer,
} from './builders';
export { RunnerCheckError } from './checks';
