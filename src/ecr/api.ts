// The only code that touches the AWS SDK: resolve credentials through the SDK's default chain (bounded in
// time), and call GetAuthorizationToken for one registry. Built as its own bundle (dist/ecr-login-aws.js)
// and loaded only on a cache miss, so a cache hit runs no SDK code. Errors come out as EcrApiError with a
// redacted one-line reason.
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  ECRPUBLICClient,
  GetAuthorizationTokenCommand as GetPublicTokenCommand,
} from '@aws-sdk/client-ecr-public';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { describeRegistry, PUBLIC_REGION, type EcrRegistry } from './registry';
import { describeAwsError, EcrApiError } from './failure';
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
): Promise<AuthorizationData | undefined> {
  const settings = { ...common, maxAttempts: MAX_ATTEMPTS };
  if (registry.kind === 'public') {
    const client = new ECRPUBLICClient({
      ...settings,
      region: PUBLIC_REGION,
      endpoint: options.endpoints.ecrPublic,
    });
    const { authorizationData } = await client.send(new GetPublicTokenCommand({}));
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
    useFipsEndpoint: registry.fips,
  });
  const { authorizationData } = await client.send(
    new GetAuthorizationTokenCommand({ registryIds: [registry.account] }),
  );
  return firstPrivateToken(authorizationData);
}

export function createAwsSession(registry: EcrRegistry, options: AwsSessionOptions): AwsSession {
  const what = describeRegistry(registry);
  const credentials = defaultProvider({
    profile: options.profile,
    timeout: METADATA_TIMEOUT_MS,
    maxRetries: 0,
    logger: quiet,
  });
  const wrap = (err: unknown): EcrApiError =>
    err instanceof EcrApiError ? err : new EcrApiError(describeAwsError(err, what), { cause: err });
  return {
    async accessKeyId() {
      try {
        return (await credentials()).accessKeyId;
      } catch (err) {
        throw wrap(err);
      }
    },
    async getAuthorizationToken() {
      let data: AuthorizationData | undefined;
      try {
        data = await callApi(
          registry,
          { credentials, requestHandler: httpHandler(options), logger: quiet },
          options,
        );
      } catch (err) {
        throw wrap(err);
      }
      if (!data) throw new EcrApiError(`GetAuthorizationToken for ${what} returned no authorization data`);
      return data;
    },
  };
}
