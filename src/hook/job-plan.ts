// Turns prepare_job's input into what will be created, before anything is: options are parsed and
// aliases chosen here, so bad input fails with one line and leaves nothing behind.
import { networkAliasesIn, parseCreateOptions, retokenizeArgs } from '../docker/create-options';
import { checkContainerSyntax } from '../docker/input-syntax';
import { jobContainerPrefix, jobNetworkName, newJobId } from '../docker/own-names';
import type { JobContainer, PrepareJobArgs } from '../protocol/hook-types';
import type { ContainerRole } from './container-ref';
import { serviceAliases, type ServiceAliasRule } from './service-aliases';

export interface PlannedContainer {
  role: ContainerRole;
  input: JobContainer;
  name: string;
  /** The alias we give a service; null for the job container. */
  alias: string | null;
  /** --network-alias values the workflow's options already give (they stay in options, as written). */
  optionAliases: string[];
  options: string[];
  /** Services' arguments, re-tokenized; the job container always runs `tail -f /dev/null`. */
  command: string[];
}

export interface JobPlan {
  jobId: string;
  network: string;
  /**
   * Services first, the job container last: services' health checks gate the job and the job container
   * has none, so their pulls are asked for first (all still run at once) and their creates and starts
   * go first.
   */
  containers: PlannedContainer[];
}

/** What names a job's containers: this runner, and the alias rules (null: the service-aliases feature is off). */
export interface JobNaming {
  runnerId: string;
  aliasRules: ServiceAliasRule[] | null;
}

export function planJob(args: PrepareJobArgs, naming: JobNaming): JobPlan {
  const jobId = newJobId();
  const prefix = jobContainerPrefix(naming.runnerId, jobId);
  const { services } = args;
  const contextNames = services.map((service) => service.contextName || undefined);
  const aliases = naming.aliasRules
    ? serviceAliases(
        services.map((s) => s.image),
        naming.aliasRules,
        contextNames,
      )
    : contextNames.map((name) => name ?? '');
  const containers: PlannedContainer[] = [];
  let job: PlannedContainer | null = null;
  if (args.container) {
    checkContainerSyntax(args.container, 'args.container');
    job = {
      role: 'job',
      input: args.container,
      name: `${prefix}-job`,
      alias: null,
      optionAliases: [],
      options: parseCreateOptions(args.container.createOptions, 'args.container.createOptions'),
      command: ['-f', '/dev/null'],
    };
  }
  services.forEach((service, index) => {
    checkContainerSyntax(service, `args.services.${index}`);
    const options = parseCreateOptions(service.createOptions, `args.services.${index}.createOptions`);
    const alias = aliases[index];
    containers.push({
      role: 'service',
      input: service,
      name: `${prefix}-${alias || `service-${index + 1}`}`,
      alias: alias || null,
      optionAliases: networkAliasesIn(options),
      options,
      command: retokenizeArgs(service.entryPointArgs, `args.services.${index}.entryPointArgs`),
    });
  });
  if (job) containers.push(job);
  return { jobId, network: jobNetworkName(), containers };
}
