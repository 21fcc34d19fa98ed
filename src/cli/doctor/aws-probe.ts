// The AWS half of doctor's credentials check, run as `dockhand __aws-probe` in a child process whose
// environment is exactly what the hook gives docker and so ecr-login: the SDK's default chain reads
// process.env itself, and doctor's own environment lacks what the runner's .env adds.
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { messageOf } from '../../protocol/errors';

export const AWS_PROBE_COMMAND = '__aws-probe';

export type AwsProbeResult = { ok: true; keyIdTail: string } | { ok: false; reason: string };

/** Resolves credentials with the default chain, as ecr-login does; prints no secret, only the key id's tail. */
export async function probeAwsCredentials(): Promise<AwsProbeResult> {
  try {
    const credentials = await defaultProvider()();
    // The last four characters of the key id say which key without revealing anything usable.
    return { ok: true, keyIdTail: credentials.accessKeyId.slice(-4) };
  } catch (error) {
    return { ok: false, reason: messageOf(error).split('\n')[0] ?? 'unknown error' };
  }
}
