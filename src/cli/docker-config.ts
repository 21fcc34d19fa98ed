// The docker CLI's config.json, merged rather than replaced: every key the owner had stays, only the
// `credHelpers` entries dockhand manages change, and they can be put back exactly as they were.

export type JsonObject = Record<string, unknown>;

export class DockerConfigError extends Error {
  override name = 'DockerConfigError';
}

export function parseDockerConfig(text: string | null, file: string): JsonObject {
  if (text === null || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DockerConfigError(`${file} is not valid JSON: fix or move it, then run again`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DockerConfigError(`${file} is not a JSON object: fix or move it, then run again`);
  }
  const helpers = (parsed as JsonObject).credHelpers;
  if (helpers !== undefined && (typeof helpers !== 'object' || helpers === null || Array.isArray(helpers))) {
    throw new DockerConfigError(`${file}: "credHelpers" is not an object: fix it, then run again`);
  }
  return parsed as JsonObject;
}

export function credHelpersOf(config: JsonObject): Record<string, string> {
  const helpers = config.credHelpers as Record<string, unknown> | undefined;
  const result: Record<string, string> = {};
  for (const [host, name] of Object.entries(helpers ?? {})) {
    if (typeof name === 'string') result[host] = name;
  }
  return result;
}

/**
 * Sets (string) or removes (null) credHelpers entries; removes `credHelpers` itself when it ends up
 * empty and `dropEmpty` says it was not there before. Returns a new object, other keys untouched.
 */
export function withCredHelpers(
  config: JsonObject,
  changes: Record<string, string | null>,
  dropEmpty = false,
): JsonObject {
  const helpers: Record<string, unknown> = { ...((config.credHelpers as JsonObject | undefined) ?? {}) };
  for (const [host, name] of Object.entries(changes)) {
    if (name === null) delete helpers[host];
    else helpers[host] = name;
  }
  const next: JsonObject = { ...config, credHelpers: helpers };
  if (dropEmpty && Object.keys(helpers).length === 0) delete next.credHelpers;
  return next;
}

/** Tab-indented like the docker CLI writes it. */
export function formatDockerConfig(config: JsonObject): string {
  return `${JSON.stringify(config, null, '\t')}\n`;
}
