// The runner never sends a service's `services:` key, so each service gets a name the user can predict:
// HOOK_SERVICE_ALIASES if it maps the image, else the image's repository basename, de-duplicated.
import { repositoryBasename, repositoryOf } from '../docker/reference';

export interface ServiceAliasRule {
  /** A full image reference, or a repository without tag. */
  image: string;
  alias: string;
}

export class ServiceAliasError extends Error {
  override name = 'ServiceAliasError';
}

const VALID_ALIAS = /^[a-z0-9]([a-z0-9_.-]*[a-z0-9])?$/i;

/** "registry/team/pg:16=db,redis=cache" -> rules; a bad entry is a one-line error naming it. */
export function parseServiceAliases(spec: string | undefined): ServiceAliasRule[] {
  return (spec ?? '')
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const eq = item.lastIndexOf('=');
      const image = item.slice(0, eq).trim();
      const alias = item.slice(eq + 1).trim();
      if (eq <= 0 || !VALID_ALIAS.test(alias)) {
        throw new ServiceAliasError(
          `HOOK_SERVICE_ALIASES: '${item}' is not image=alias with a DNS-safe alias; fix the entry`,
        );
      }
      return { image, alias };
    });
}

function sanitize(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'service'
  );
}

/**
 * One alias per service, by index, every one different: a service keeps its name when it is the first to
 * have it, and a later one with the same name gets `<name>-2`, or the next number that no service has
 * (`web`, `web`, `web-2` -> `web`, `web-3`, `web-2`).
 */
export function serviceAliases(
  images: readonly string[],
  rules: readonly ServiceAliasRule[],
  contextNames: ReadonlyArray<string | undefined> = [],
): string[] {
  const bases = images.map((image, index) => {
    const rule = rules.find((r) => r.image === image || r.image === repositoryOf(image));
    return sanitize(contextNames[index] ?? rule?.alias ?? repositoryBasename(image));
  });
  const taken = new Set(bases);
  const firstOf = new Set<string>();
  return bases.map((base) => {
    if (!firstOf.has(base)) {
      firstOf.add(base);
      return base;
    }
    let count = 2;
    while (taken.has(`${base}-${count}`)) count++;
    taken.add(`${base}-${count}`);
    return `${base}-${count}`;
  });
}
