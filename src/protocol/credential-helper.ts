// Docker credential-helper framing (docker/docker-credential-helpers `credentials.go`), over a given stdin
// text and returning what goes to stdout: the helper's semantics live elsewhere. Output is byte-compatible
// with the Go helpers, errors included (errors go to stdout, exit 1).
import { messageOf } from './errors';

/** The exact text Docker reads as "no credentials here": it then goes on anonymously. */
export const NOT_FOUND_MESSAGE = 'credentials not found in native keychain';

/**
 * "No credentials" for Docker. `reason` is one line for a human (why, and what to do): it goes to stderr,
 * which Docker passes through to the user, while stdout stays exactly what Docker expects.
 */
export class CredentialsNotFoundError extends Error {
  constructor(
    readonly reason?: string,
    options?: { cause?: unknown },
  ) {
    super(NOT_FOUND_MESSAGE, options);
    this.name = 'CredentialsNotFoundError';
  }
}

export interface Credentials {
  ServerURL: string;
  Username: string;
  Secret: string;
}

export interface CredentialHelper {
  get(serverUrl: string): Promise<Credentials>;
  /** Server URL -> username. */
  list(): Promise<Record<string, string>>;
  store(credentials: Credentials): Promise<void>;
  erase(serverUrl: string): Promise<void>;
}

export interface HelperOutput {
  stdout: string;
  /** Empty, or one line saying why there are no credentials. */
  stderr: string;
  exitCode: 0 | 1;
}

/**
 * Go's encoding/json (Marshal, or MarshalIndent with `indent` spaces): like JSON.stringify, plus `& < >`
 * and U+2028/9 escaped as \uXXXX. Those characters only occur inside strings, so a global replace is safe.
 */
export function goJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[<>&\u2028\u2029]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

/** Go's encoder sorts map keys; JSON.stringify keeps insertion order. */
function sortedKeys(map: Record<string, string>): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(map).sort()) sorted[key] = map[key]!;
  return sorted;
}

function parseStoreInput(input: string): Credentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch (err) {
    throw new Error(`invalid credentials JSON on stdin: ${messageOf(err)}`, { cause: err });
  }
  const field = (name: keyof Credentials): string => {
    const value: unknown =
      typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, name) : undefined;
    return typeof value === 'string' ? value : '';
  };
  const credentials = { ServerURL: field('ServerURL'), Username: field('Username'), Secret: field('Secret') };
  if (credentials.ServerURL === '') throw new Error('no credentials server URL');
  if (credentials.Username === '') throw new Error('no credentials username');
  return credentials;
}

function serverUrlFrom(input: string): string {
  const serverUrl = input.trim();
  if (serverUrl === '') throw new Error('no credentials server URL');
  return serverUrl;
}

async function run(
  helper: CredentialHelper,
  action: string,
  input: string,
  version: string,
): Promise<string> {
  switch (action) {
    case 'get': {
      const serverUrl = serverUrlFrom(input);
      const found = await helper.get(serverUrl);
      return goJson({ ServerURL: serverUrl, Username: found.Username, Secret: found.Secret }) + '\n';
    }
    case 'list':
      return goJson(sortedKeys(await helper.list())) + '\n';
    case 'store':
      await helper.store(parseStoreInput(input));
      return '';
    case 'erase':
      await helper.erase(serverUrlFrom(input));
      return '';
    case 'version':
      return version + '\n';
    default:
      throw new Error(`Unknown credential action \`${action}\``);
  }
}

/** Runs one action; any error becomes its message on stdout and exit code 1, as Docker expects. */
export async function handleCommand(
  helper: CredentialHelper,
  action: string,
  input: string,
  version: string,
): Promise<HelperOutput> {
  try {
    return { stdout: await run(helper, action, input, version), stderr: '', exitCode: 0 };
  } catch (err) {
    if (err instanceof CredentialsNotFoundError) {
      return { stdout: NOT_FOUND_MESSAGE + '\n', stderr: err.reason ? err.reason + '\n' : '', exitCode: 1 };
    }
    return { stdout: messageOf(err) + '\n', stderr: '', exitCode: 1 };
  }
}
