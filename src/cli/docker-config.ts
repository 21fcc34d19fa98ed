// The docker CLI's config.json, merged rather than replaced: every key the owner had stays, only the
// `credHelpers` entries dockhand manages change, and they can be put back exactly as they were.

import { isJsonObject, type JsonObject } from '../protocol/json';

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
  if (!isJsonObject(parsed)) {
    throw new DockerConfigError(`${file} is not a JSON object: fix or move it, then run again`);
  }
  if (parsed.credHelpers !== undefined && !isJsonObject(parsed.credHelpers)) {
    throw new DockerConfigError(`${file}: "credHelpers" is not an object: fix it, then run again`);
  }
  return parsed;
}

export function credHelpersOf(config: JsonObject): Record<string, string> {
  const helpers = isJsonObject(config.credHelpers) ? config.credHelpers : {};
  const result: Record<string, string> = {};
  for (const [host, name] of Object.entries(helpers)) {
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
  const helpers: JsonObject = { ...(isJsonObject(config.credHelpers) ? config.credHelpers : {}) };
  for (const [host, name] of Object.entries(changes)) {
    if (name === null) delete helpers[host];
    else helpers[host] = name;
  }
  const next: JsonObject = { ...config, credHelpers: helpers };
  if (dropEmpty && Object.keys(helpers).length === 0) delete next.credHelpers;
  return next;
}

/** The indent `text` uses: tab (the docker CLI's) for a new file, undefined for one-line JSON. */
function indentOf(text: string | null): string | undefined {
  if (text === null || text.trim() === '') return '\t';
  const first = /^\{\r?\n([ \t]+)"/.exec(text.trimStart());
  return first === null ? undefined : first[1];
}

/**
 * Written in the file's own style (its indent, its final newline), so a merge changes only the lines
 * it must; tab-indented like the docker CLI writes it when there is no file yet.
 */
export function formatDockerConfig(config: JsonObject, like: string | null = null): string {
  const newline = like === null || like.endsWith('\n') ? '\n' : '';
  return `${JSON.stringify(config, null, indentOf(like))}${newline}`;
}

/**
 * What a change does to credHelpers, one line per host, for people: helper names only, so nothing
 * else in the file (auths, tokens) is ever shown.
 */
export function describeCredHelperChanges(before: JsonObject, after: JsonObject): string[] {
  const was = credHelpersOf(before);
  const now = credHelpersOf(after);
  const show = (name: string | undefined) => (name === undefined ? '(none)' : JSON.stringify(name));
  return [...new Set([...Object.keys(was), ...Object.keys(now)])]
    .filter((host) => was[host] !== now[host])
    .map((host) => `credHelpers[${JSON.stringify(host)}]: ${show(was[host])} -> ${show(now[host])}`);
}
