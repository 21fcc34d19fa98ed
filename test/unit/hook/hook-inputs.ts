// What the runner sends for a container of prepare_job, and what a job's saved state holds.
import type { HookState } from '../../../src/hook/state';
import type { JobContainer } from '../../../src/protocol/hook-types';

/** A container of prepare_job with nothing set but the image. */
export function jobContainer(image: string, extra: Partial<JobContainer> = {}): JobContainer {
  return {
    image,
    dockerfile: null,
    entryPointArgs: [],
    entryPoint: null,
    workingDirectory: null,
    createOptions: null,
    registry: null,
    environmentVariables: {},
    portMappings: [],
    systemMountVolumes: [],
    userMountVolumes: [],
    ...extra,
  };
}

/** A job's saved state as prepare_job leaves it (unsigned: the commands under test do not verify it). */
export function savedState(extra: Partial<HookState> = {}): HookState {
  return {
    version: 1,
    runnerId: 'abcdef0123456789',
    jobId: 'j1',
    network: 'net',
    container: { id: 'job', path: '/usr/bin:/bin' },
    services: [],
    keyName: `dockhand-state-abcdef0123456789-${'0'.repeat(32)}.key`,
    mac: '',
    ...extra,
  };
}
