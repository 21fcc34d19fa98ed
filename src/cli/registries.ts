// Which credential helper serves which registry. `--registry <host>` means ECR through ecr-login;
// `--registry <host>=<helper>` names any other docker-credential-<helper>.
import { parseRegistry } from '../ecr/registry';

export const ECR_HELPER = 'ecr-login';

/** A bare host that ecr-login serves: the helper's own parser decides, so the two never disagree. */
export function isEcrHost(host: string): boolean {
  return parseRegistry(host)?.host === host.toLowerCase();
}

export interface RegistryHelper {
  host: string;
  helper: string;
}

export class RegistryArgumentError extends Error {
  override name = 'RegistryArgumentError';
}

// A registry host as docker keys it: host name, optional port, nothing else.
export const HOST = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:\d{1,5})?$/;
export const HELPER = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const HELPER_PREFIX = 'docker-credential-';

export function parseRegistryArgument(argument: string): RegistryHelper {
  const at = argument.indexOf('=');
  // Image references are lower-case, so docker looks credHelpers up by the lower-case host.
  const host = (at < 0 ? argument : argument.slice(0, at)).toLowerCase();
  const helper = at < 0 ? undefined : argument.slice(at + 1);
  if (!HOST.test(host)) {
    throw new RegistryArgumentError(
      `--registry ${JSON.stringify(argument)}: give a registry host such as 123456789012.dkr.ecr.us-east-1.amazonaws.com (no scheme, no path)`,
    );
  }
  if (helper === undefined) {
    if (!isEcrHost(host)) {
      throw new RegistryArgumentError(
        `--registry ${host}: not an ECR host; name its helper as ${host}=<helper> (docker-credential-<helper>)`,
      );
    }
    return { host, helper: ECR_HELPER };
  }
  if (helper.startsWith(HELPER_PREFIX)) {
    throw new RegistryArgumentError(
      `--registry ${argument}: name the helper without its ${HELPER_PREFIX} prefix: --registry ${host}=${helper.slice(HELPER_PREFIX.length)}`,
    );
  }
  if (!HELPER.test(helper)) {
    throw new RegistryArgumentError(`--registry ${argument}: the helper name after '=' must be a plain name`);
  }
  return { host, helper };
}
