// Each behaviour that differs from the reference hook can be switched off on its own (HOOK_FEATURES), so
// an operator can roll dockhand out gradually and back out of any single change.

export const FEATURES = {
  'helper-fallback': "pull through the host's credential helper when the workflow's login fails",
  'service-aliases': "alias each service by its image's repository basename (or HOOK_SERVICE_ALIASES)",
  parallel: 'pull, create and health-wait all containers at once instead of one after another',
  'early-health-checks':
    "run each starting service's own health check from the start of the wait, not only at Docker's interval",
  'service-logs': "print each service's logs at cleanup_job",
  'remove-built-images': 'remove images built for Dockerfile actions at the end of the job',
  'local-fallback':
    'use an image already on the host when its registry cannot be reached (never on auth refusal)',
} as const;

export type Feature = keyof typeof FEATURES;
export type FeatureSet = Record<Feature, boolean>;

export class FeatureError extends Error {
  override name = 'FeatureError';
}

/** "" = all on; "-parallel,-service-logs" switches those off; "none" switches all off, then "+x"/"x" adds. */
export function parseFeatures(spec: string | undefined): FeatureSet {
  const names = Object.keys(FEATURES) as Feature[];
  const set = Object.fromEntries(names.map((name) => [name, true])) as FeatureSet;
  for (const raw of (spec ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    if (raw === 'none' || raw === 'all') {
      for (const name of names) set[name] = raw === 'all';
      continue;
    }
    const enable = !raw.startsWith('-');
    const name = raw.replace(/^[-+]/, '');
    if (!(name in FEATURES)) {
      throw new FeatureError(`HOOK_FEATURES: unknown feature '${name}'; known: ${names.join(', ')}`);
    }
    set[name as Feature] = enable;
  }
  return set;
}
