// Which credential helper serves which registry. `--registry <host>` means ECR through ecr-login;
// `--registry <host>=<helper>` names any other docker-credential-<helper>.

export const ECR_HELPER = 'ecr-login';

// Private ECR hosts as ecr-login recognises them (ecr-credential-helper.md), and the two public ones.
const PRIVATE_ECR =
  /^(\d{12})\.dkr[.-]ecr(-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;
const PUBLIC_ECR = new Set(['public.ecr.aws', 'ecr-public.aws.com']);

export function isEcrHost(host: string): boolean {
  return PRIVATE_ECR.test(host) || PUBLIC_ECR.has(host);
}

export interface RegistryHelper {
  host: string;
  helper: string;
}

export class RegistryArgumentError extends Error {
  override name = 'RegistryArgumentError';
}

// A registry host as docker keys it: host name, optional port, nothing else.
const HOST = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:\d{1,5})?$/;
const HELPER = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

export function parseRegistryArgument(argument: string): RegistryHelper {
  const at = argument.indexOf('=');
  const host = at < 0 ? argument : argument.slice(0, at);
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
  if (!HELPER.test(helper)) {
    throw new RegistryArgumentError(`--registry ${argument}: the helper name after '=' must be a plain name`);
  }
  return { host, helper };
}
