// Which `services:` keys a job will not reach by name under dockhand: the runner never tells a hook a
// service's key, so the hook names each service by its image's repository basename (or the name
// HOOK_SERVICE_ALIASES gives its image), keeping any --network-alias of its options (README "Services by
// name"). A workflow written for GitHub's hosted runners reaches `cache:` as `cache`; here it would not.
import { repositoryOf } from '../../docker/reference';
import { networkAliasesIn, parseCreateOptions } from '../../docker/create-options';
import { jobFeaturesOf } from '../../hook/features';
import { parseServiceAliases, serviceAliases } from '../../hook/service-aliases';
import type { WorkflowContainer } from '../../replay';

/** One warning line per service whose key will not be one of its names, with the two fixes. */
export function serviceNameWarnings(
  services: { key: string; spec: WorkflowContainer }[],
  hookEnv: Readonly<Record<string, string>>,
): string[] {
  // The runner skips services with an empty image.
  const played = services.filter((s) => s.spec.image !== '');
  let aliases: string[];
  try {
    aliases = jobFeaturesOf(hookEnv).features['service-aliases']
      ? serviceAliases(
          played.map((s) => s.spec.image),
          parseServiceAliases(hookEnv.HOOK_SERVICE_ALIASES),
        )
      : played.map(() => '');
  } catch {
    return []; // a bad setting: the hook itself refuses the job with it, in one line
  }
  return played.flatMap(({ key, spec }, index) => {
    let optionAliases: string[];
    try {
      optionAliases = networkAliasesIn(parseCreateOptions(spec.options ?? null, `services.${key}.options`));
    } catch {
      return []; // bad options: the hook refuses them in prepare_job
    }
    const alias = aliases[index] ?? '';
    const names = [alias, ...optionAliases].filter(Boolean);
    if (names.some((name) => name.toLowerCase() === key.toLowerCase())) return [];
    const known = names.length === 0 ? 'no name' : names.map((n) => `'${n}'`).join(', ');
    return [
      `Warning: service '${key}' will not be reachable as '${key}' under the hook, which names it ${known}: ` +
        `add 'options: --network-alias ${key}' to it, or set HOOK_SERVICE_ALIASES=${repositoryOf(spec.image)}=${key} on the runner`,
    ];
  });
}
