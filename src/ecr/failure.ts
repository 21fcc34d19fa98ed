// Turns what went wrong in an AWS call into one line for the user: which call, why, what to do. Secrets
// and signed URLs never reach that line. Pure.

/**
 * Raised by the AWS seam; `reason` is the user's one line (already redacted). Read by its fields, never
 * by `instanceof`: the seam is a bundle of its own, with its own copy of this class.
 */
export class EcrApiError extends Error {
  /** The credential chain found nothing (a named but missing profile may be why). */
  readonly noCredentials: boolean;

  constructor(
    readonly reason: string,
    options?: { cause?: unknown; noCredentials?: boolean },
  ) {
    super(reason, options);
    this.name = 'EcrApiError';
    this.noCredentials = options?.noCredentials ?? false;
  }
}

export function isEcrApiError(err: unknown): err is EcrApiError {
  return (
    err instanceof Error && err.name === 'EcrApiError' && 'reason' in err && typeof err.reason === 'string'
  );
}

/** The shortest value redacted by value: shorter ones would blank out ordinary words. */
const MIN_SECRET_LENGTH = 8;

/**
 * The secret values this run has seen (AWS secret key, session token, ECR token and password), to be
 * removed from any text it prints or logs: a hostile endpoint can reflect them in ways no pattern knows.
 */
export class SecretValues {
  private readonly values = new Set<string>();

  add(...values: (string | undefined)[]): void {
    for (const value of values) if (value && value.length >= MIN_SECRET_LENGTH) this.values.add(value);
  }

  /** `text` with every known secret value, then every secret-looking pattern, replaced. */
  redact(text: string): string {
    let out = text;
    // Longest first, so a value containing another is removed whole.
    for (const value of [...this.values].sort((a, b) => b.length - a.length))
      out = out.split(value).join('<redacted>');
    return redact(out);
  }
}

export const NO_CREDENTIALS =
  'no AWS credentials found (tried env, profile, web identity, container, instance metadata): ' +
  'give the runner AWS credentials (an instance or task role, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)';

/**
 * Removes what must never be logged: user info and query strings of URLs (proxy passwords, presigned
 * URLs), SigV4 credentials and signatures, tokens, access key ids.
 */
export function redact(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@"']+@/gi, '$1<redacted>@')
    .replace(/(https?:\/\/[^\s?"']*)\?[^\s"']*/g, '$1?<redacted>')
    .replace(
      /(Signature|Credential|X-Amz-Security-Token|authorizationToken)(["']?\s*[=:]\s*["']?)[^\s,"'&]+/gi,
      '$1$2<redacted>',
    )
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{12,}\b/g, '$1<redacted>');
}

/** What to do about the API's errors that users meet. */
const ADVICE: Record<string, string> = {
  AccessDeniedException: 'allow ecr:GetAuthorizationToken to the AWS identity of the runner',
  UnrecognizedClientException: "the AWS access key is not valid: check the runner's AWS credentials",
  InvalidSignatureException: 'check the AWS secret key and the region',
  ExpiredTokenException: 'the AWS session credentials expired: refresh them',
  ThrottlingException: 'the API is rate limited: retry later, or cut concurrent cold pulls',
};

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  tryNextLink?: boolean;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** The one line for a failed GetAuthorizationToken (or credential lookup) of `what`. */
export function describeAwsError(err: unknown, what: string): string {
  // Safe: every field is optional and each is checked (or stringified) where it is read.
  const e = (err ?? {}) as SdkErrorShape;
  const message = redact(
    String(e.message ?? err)
      .split('\n')[0]!
      .trim(),
  );
  if (e.name === 'CredentialsProviderError') {
    return /from any providers|AWS_PROFILE is set/.test(message)
      ? NO_CREDENTIALS
      : `AWS credentials: ${message}`;
  }
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const tries = attempts && attempts > 1 ? ` (after ${attempts} attempts)` : '';
  if (e.name === 'TimeoutError') {
    const detail = message.replace(/^@smithy\/node-http-handler - (\[ERROR\] )?/, '').replace(/\.$/, '');
    return `the ECR API for ${what} did not answer in time${tries} (${detail}): check the network, the proxy and AWS_ENDPOINT_URL_ECR`;
  }
  if (status !== undefined) {
    const advice = ADVICE[e.name ?? ''] ?? (status >= 500 ? 'the ECR API failed: retry later' : undefined);
    const todo = advice ? `; ${advice}` : '';
    return `${e.name ?? 'Error'}: ${message}${tries} [ecr:GetAuthorizationToken for ${what}, HTTP ${status}]${todo}`;
  }
  const code = e.code ? `${e.code}: ` : '';
  return `cannot reach the ECR API for ${what}: ${code}${message}`;
}
