// Which ECR registry a server URL names (amazon-ecr-credential-helper 0.12.0 `ExtractRegistry`): every
// private host form (FIPS, China, dual-stack, ISO and EU sovereign partitions) and both ECR Public hosts.
// Pure: no I/O.

export type EcrRegistry =
  | { kind: 'private'; host: string; account: string; region: string; fips: boolean }
  | { kind: 'public'; host: string };

/** ECR Public is served from one API region whatever the host. */
export const PUBLIC_REGION = 'us-east-1';

const PRIVATE_HOST =
  /^(\d{12})\.dkr[.-]ecr(-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;
const PUBLIC_HOSTS = new Set(['public.ecr.aws', 'ecr-public.aws.com']);

/**
 * The host of what Docker passed: trimmed, `https://` optional, port/path/userinfo dropped. Any other
 * scheme (`http://` included) names no ECR registry, as for the Go helper, which strips `https://` only.
 */
function hostOfServerUrl(serverUrl: string): string | undefined {
  const rest = serverUrl.trim().replace(/^https:\/\//, '');
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(rest)) return undefined;
  try {
    return new URL(`https://${rest}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The registry a server URL names, or undefined when it is not an ECR host (suffix spoofing included). */
export function parseRegistry(serverUrl: string): EcrRegistry | undefined {
  const host = hostOfServerUrl(serverUrl);
  if (!host) return undefined;
  if (PUBLIC_HOSTS.has(host)) return { kind: 'public', host };
  const match = PRIVATE_HOST.exec(host);
  if (!match) return undefined;
  return { kind: 'private', host, account: match[1]!, fips: match[2] !== undefined, region: match[3]! };
}

/** A short name for messages and config: the account for private registries, the host for public ones. */
export function describeRegistry(registry: EcrRegistry): string {
  return registry.kind === 'private' ? `${registry.account} (${registry.region})` : registry.host;
}
