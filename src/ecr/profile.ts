// Whether a named AWS profile exists in the shared files: the SDK's chain only says "no credentials"
// when AWS_PROFILE (or a DOCKHAND_ECR_PROFILES entry) names a profile that is not there.
import { readFileSync } from 'node:fs';

export interface AwsSharedFiles {
  /** `AWS_CONFIG_FILE` or `~/.aws/config`: `[profile <name>]` sections (and `[default]`). */
  config: string;
  /** `AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`: `[<name>]` sections. */
  credentials: string;
}

/** True when `text` has a `[name]` or `[profile name]` section. Pure. */
export function definesProfile(text: string, name: string): boolean {
  for (const match of text.matchAll(/^[ \t]*\[[ \t]*(?:profile[ \t]+)?([^\]\r\n]*?)[ \t]*\]/gm)) {
    if (match[1] === name) return true;
  }
  return false;
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The reason line when `profile` (named by `source`) is in neither file; undefined when it is there. */
export function missingProfileReason(
  files: AwsSharedFiles,
  profile: string,
  source: string,
): string | undefined {
  if ([files.config, files.credentials].some((file) => definesProfile(readOrEmpty(file), profile)))
    return undefined;
  return (
    `AWS profile '${profile}' (${source}) is in neither ${files.config} nor ${files.credentials}: ` +
    `add it there, or name an existing profile in ${source}`
  );
}
