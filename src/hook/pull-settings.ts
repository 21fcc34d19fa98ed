// The pull settings an operator gives the hook: registry mirrors (HOOK_REGISTRY_MIRRORS), the pull policy
// (HOOK_PULL_POLICY) and the events file (HOOK_EVENTS_FILE). Each is checked whole before anything runs.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { PullPolicy } from '../docker/pull';
import { canonicalRegistry, namedRegistryOf } from '../protocol/image-reference';

const PULL_POLICIES: readonly PullPolicy[] = ['always', 'missing', 'never'];

export class PullSettingError extends Error {
  override name = 'PullSettingError';
}

/** A registry host: a DNS name or address, an optional port. */
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$/;
/** Repository path components, as the distribution spec allows them. */
const PATH_PREFIX = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

const EXAMPLE = 'docker.io=123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub';

/**
 * `SOURCE=TARGET,...` -> source registry -> target (host and optional path prefix). The target's first part
 * must name a host (a dot, a port or localhost): `docker.io=mirror` would read as the Docker Hub user
 * `mirror`, sending every pull back to Docker Hub under someone else's namespace.
 */
export function parseRegistryMirrors(spec: string | undefined): Map<string, string> {
  const mirrors = new Map<string, string>();
  for (const pair of (spec ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const at = pair.indexOf('=');
    const source = at < 0 ? '' : pair.slice(0, at).trim();
    const target =
      at < 0
        ? ''
        : pair
            .slice(at + 1)
            .trim()
            .replace(/\/+$/, '');
    const targetHost = namedRegistryOf(`${target}/x`);
    const prefix = targetHost === null ? '' : target.slice(targetHost.length + 1);
    if (
      !HOST.test(source) ||
      targetHost === null ||
      !HOST.test(targetHost) ||
      (prefix && !PATH_PREFIX.test(prefix))
    )
      throw new PullSettingError(
        `HOOK_REGISTRY_MIRRORS: '${pair}' is not SOURCE=TARGET with registry hosts (TARGET may add a lower-case path), e.g. ${EXAMPLE}`,
      );
    const key = canonicalRegistry(source);
    if (mirrors.has(key))
      throw new PullSettingError(
        `HOOK_REGISTRY_MIRRORS: ${key} is given twice; keep one mirror per registry`,
      );
    if (canonicalRegistry(targetHost) === key)
      throw new PullSettingError(
        `HOOK_REGISTRY_MIRRORS: '${pair}' mirrors ${key} onto itself; name another host`,
      );
    mirrors.set(key, target);
  }
  return mirrors;
}

export function parsePullPolicy(value: string | undefined): PullPolicy {
  if (value === undefined || value === '') return 'always';
  const policy = PULL_POLICIES.find((known) => known === value);
  if (policy) return policy;
  throw new PullSettingError(
    `HOOK_PULL_POLICY='${value}' is not one of ${PULL_POLICIES.join(', ')}; fix or unset it`,
  );
}

/** Where a hook call's events go, and which runner and job they are about. */
export interface EventsTarget {
  file: string;
  runner: string;
  repository: string;
  job: string;
}

/**
 * The events file: an absolute path outside the runner's `_work` (`workDir`), where jobs could plant a
 * link or read what fleets record. The file itself is opened without following links at each write.
 */
export function eventsTargetOf(
  env: Readonly<Record<string, string | undefined>>,
  workDir: string | null,
): EventsTarget | null {
  const value = env.HOOK_EVENTS_FILE;
  if (value === undefined || value === '') return null;
  if (!path.isAbsolute(value))
    throw new PullSettingError(
      `HOOK_EVENTS_FILE='${value}' is not an absolute path; give the file's full path`,
    );
  // Where the file really is: a link to a folder inside _work counts as inside.
  let file = path.resolve(value);
  try {
    file = path.join(realpathSync(path.dirname(file)), path.basename(file));
  } catch {
    // A folder that does not exist yet: the first write says so.
  }
  if (workDir && (file === workDir || file.startsWith(`${workDir}${path.sep}`)))
    throw new PullSettingError(
      `HOOK_EVENTS_FILE ${file} is inside the runner's _work folder, which jobs can write; put it outside, e.g. /var/log/dockhand/events.jsonl`,
    );
  // The runner sets these from the job's github context; a workflow's `env:` never reaches them.
  return {
    file,
    runner: env.RUNNER_NAME ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    job: env.GITHUB_JOB ?? '',
  };
}
