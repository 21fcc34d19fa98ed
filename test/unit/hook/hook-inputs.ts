// What the runner sends for a container of prepare_job, with nothing set but the image.
import type { JobContainer } from '../../../src/protocol/hook-types';

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
