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

/** One alias per service, by index; a second service with the same name gets `<name>-2`, and so on. */
export function serviceAliases(
  images: readonly string[],
  rules: readonly ServiceAliasRule[],
  contextNames: ReadonlyArray<string | undefined> = [],
): string[] {
  const used = new Map<string, number>();
  return images.map((image, index) => {
    const rule = rules.find((r) => r.image === image || r.image === repositoryOf(image));
    const base = sanitize(contextNames[index] ?? rule?.alias ?? repositoryBasename(image));
    const count = (used.get(base) ?? 0) + 1;
    used.set(base, count);
    return count === 1 ? base : `${base}-${count}`;
  });
}
