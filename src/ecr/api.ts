// The only code that touches the AWS SDK: resolve credentials through the SDK's default chain (bounded in
// time), and call GetAuthorizationToken for one registry, all under one deadline. Built as its own bundle
// (dist/ecr-login-aws.js) and loaded only on a cache miss, so a cache hit runs no SDK code. Errors come out
// as EcrApiError with a redacted one-line reason.
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  ECRPUBLICClient,
  GetAuthorizationTokenCommand as GetPublicTokenCommand,
} from '@aws-sdk/client-ecr-public';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { describeRegistry, PUBLIC_REGION, type EcrRegistry } from './registry';
import { deadlineSignal, untilAborted } from './deadline';
import { describeAwsError, EcrApiError, isEcrApiError, NO_CREDENTIALS } from './failure';
import { httpHandler, type HttpSettings } from './http';

export interface AuthorizationData {
  /** base64 of `AWS:<password>`. */
  token: string;
  expiresAt: Date;
  proxyEndpoint: string;
}

export interface AwsSessionOptions extends HttpSettings {
  profile?: string;
  endpoints: { ecr?: string; ecrPublic?: string };
  /** Aborted when the helper must stop (its parent is gone); the session's deadline runs inside it. */
  signal: AbortSignal;
  /** Told every secret the session resolves, so no output shows them. */
  secrets: { add(...values: (string | undefined)[]): void };
}

/** One registry's view of AWS: the identity that names its cache entry, and the token call. */
export interface AwsSession {
  accessKeyId(): Promise<string>;
  getAuthorizationToken(): Promise<AuthorizationData>;
}

/**
 * Instance and container metadata: a short timeout per request and no retries. With nothing else
 * configured, the chain then ends after two unanswered metadata requests (IMDSv2 token, then v1), about
 * 1 s, instead of 12 s or more. No deadline over the whole chain: that would also cut a configured but
 * slow provider (an STS call for web identity) and call it "no credentials".
 */
const METADATA_TIMEOUT_MS = 500;
const MAX_ATTEMPTS = 3;
/**
 * Credential resolution and the call with its retries, together: room for three attempts at the HTTP
 * timeouts, then an end whatever hangs (a credential_process, a proxy, an STS call).
 */
export const SESSION_DEADLINE_MS = 15_000;

// The SDK warns on the console; the helper's stderr carries one line only.
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function firstPrivateToken(
  data: { authorizationToken?: string; proxyEndpoint?: string; expiresAt?: Date }[] | undefined,
): AuthorizationData | undefined {
  const found = data?.find((d) => d.authorizationToken && d.proxyEndpoint);
  if (!found?.authorizationToken || !found.proxyEndpoint) return undefined;
  return {
    token: found.authorizationToken,
    proxyEndpoint: found.proxyEndpoint,
    expiresAt: found.expiresAt ?? new Date(),
  };
}

async function callApi(
  registry: EcrRegistry,
  common: {
    credentials: AwsCredentialIdentityProvider;
    requestHandler: NodeHttpHandler;
    logger: typeof quiet;
  },
  options: AwsSessionOptions,
  abortSignal: AbortSignal,
): Promise<AuthorizationData | undefined> {
  const settings = { ...common, maxAttempts: MAX_ATTEMPTS };
  if (registry.kind === 'public') {
    const client = new ECRPUBLICClient({
      ...settings,
      region: PUBLIC_REGION,
      endpoint: options.endpoints.ecrPublic,
    });
    const { authorizationData } = await client.send(new GetPublicTokenCommand({}), { abortSignal });
    if (!authorizationData?.authorizationToken) return undefined;
    return {
      token: authorizationData.authorizationToken,
      expiresAt: authorizationData.expiresAt ?? new Date(),
      proxyEndpoint: `https://${registry.host}`,
    };
  }
  const client = new ECRClient({
    ...settings,
    region: registry.region,
    endpoint: options.endpoints.ecr,
    // A configured endpoint (a FIPS VPC endpoint, say) is used as is: the SDK refuses both together.
    useFipsEndpoint: registry.fips && !options.endpoints.ecr,
  });
  const { authorizationData } = await client.send(
    new GetAuthorizationTokenCommand({ registryIds: [registry.account] }),
    { abortSignal },
  );
  return firstPrivateToken(authorizationData);
}

export function createAwsSession(registry: EcrRegistry, options: AwsSessionOptions): AwsSession {
  const what = describeRegistry(registry);
  const signal = deadlineSignal(
    SESSION_DEADLINE_MS,
    () =>
      new EcrApiError(
        `no AWS credentials and token for ${what} within ${SESSION_DEADLINE_MS / 1000} s ` +
          '(credential source or ECR API not answering): check the network, the proxy and AWS_ENDPOINT_URL_ECR',
      ),
    options.signal,
  );
  const chain = defaultProvider({
    profile: options.profile,
    timeout: METADATA_TIMEOUT_MS,
    maxRetries: 0,
    logger: quiet,
  });
  const credentials: AwsCredentialIdentityProvider = async () => {
    const resolved = await chain();
    options.secrets.add(resolved.secretAccessKey, resolved.sessionToken);
    return resolved;
  };
  const wrap = (err: unknown): EcrApiError => {
    if (isEcrApiError(err)) return err;
    const reason = describeAwsError(err, what);
    return new EcrApiError(reason, { cause: err, noCredentials: reason === NO_CREDENTIALS });
  };
  return {
    async accessKeyId() {
      try {
        return (await untilAborted(credentials(), signal)).accessKeyId;
      } catch (err) {
        throw wrap(err);
      }
    },
    async getAuthorizationToken() {
      let data: AuthorizationData | undefined;
      try {
        const requestHandler = httpHandler(options);
        data = await untilAborted(
          callApi(registry, { credentials, requestHandler, logger: quiet }, options, signal),
          signal,
        );
      } catch (err) {
        throw wrap(err);
      }
      if (!data) throw new EcrApiError(`GetAuthorizationToken for ${what} returned no authorization data`);
      return data;
    },
  };
}
