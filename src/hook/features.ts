// Each behaviour that differs from the reference hook can be switched off on its own (HOOK_FEATURES), so
// an operator can roll dockhand out gradually and back out of any single change. Rules by repository
// (HOOK_FEATURES_RULES or the JSON file HOOK_FEATURES_FILE) let one runner group serve pilot repositories
// with every improvement and the rest with reference behaviour.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import * as v from 'valibot';
import { messageOf } from '../protocol/errors';

export const FEATURES = {
  'helper-fallback': "pull through the host's credential helper when the workflow's credentials are refused",
  'service-aliases': "alias each service by its image's repository basename (or HOOK_SERVICE_ALIASES)",
  parallel: 'pull, create and health-wait all containers at once instead of one after another',
  'early-health-checks':
    "run each starting service's own health check from the start of the wait, not only at Docker's interval",
  'service-logs': "print each service's logs at cleanup_job",
  'remove-built-images': 'remove images built for Dockerfile actions at the end of the job',
  'local-fallback':
    'use an image already on the host when its registry cannot be reached (never on auth refusal)',
  'registry-mirrors': 'pull through the mirrors HOOK_REGISTRY_MIRRORS names, falling back to the source',
  'pull-progress': 'print one progress line every 5 s while pulls run longer than 5 s',
  'restore-ownership':
    "give the files under _work that the job's containers left to other users back to the runner user at cleanup_job",
} as const;

export type Feature = keyof typeof FEATURES;
export type FeatureSet = Record<Feature, boolean>;
// Safe: Object.keys of a literal object declared above gives exactly its keys.
const FEATURE_NAMES = Object.keys(FEATURES) as Feature[];

/**
 * Off unless asked for (`+early-health-checks`, or `all`). An early check passes as soon as the service's
 * own check command does, and some images pass it before they serve: the official postgres image's first
 * start runs a server on its unix socket only, where `pg_isready -U postgres` passes, then restarts it on
 * TCP, so a step's first connection was refused. The runner, waiting for Docker's check at the service's
 * interval, does not meet this; a check that tests what steps use (`pg_isready -h 127.0.0.1`) is safe.
 */
const OFF_BY_DEFAULT: ReadonlySet<Feature> = new Set<Feature>(['early-health-checks']);

export class FeatureError extends Error {
  override name = 'FeatureError';
}

/**
 * "" = the defaults (all on but OFF_BY_DEFAULT); "-parallel,-service-logs" switches those off, "+x" or "x"
 * on; "none" switches all off and "all" all on, before what follows.
 */
export function parseFeatures(spec: string | undefined, setting = 'HOOK_FEATURES'): FeatureSet {
  const names = FEATURE_NAMES;
  // Safe: fromEntries over every feature's name gives a value for each key of FeatureSet.
  const set = Object.fromEntries(names.map((name) => [name, !OFF_BY_DEFAULT.has(name)])) as FeatureSet;
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
      throw new FeatureError(`${setting}: unknown feature '${name}'; known: ${names.join(', ')}`);
    }
    set[name as Feature] = enable;
  }
  return set;
}

/** One rule: repositories matching `repository` (`*` = any characters) get the features `features` names. */
export interface FeatureRule {
  repository: string;
  features: string;
}

/** The features of one job and why: which rule (or setting) chose them. */
export interface JobFeatures {
  features: FeatureSet;
  /** Said in the job log when rules are set; null when only HOOK_FEATURES applies. */
  reason: string | null;
}

/** `owner/name` patterns: GitHub's name characters plus `*`. */
const PATTERN = /^[A-Za-z0-9._*-]+(\/[A-Za-z0-9._*-]+)?$/;
/** The rules file is a few lines; anything larger is not one. */
const MAX_RULES_FILE_BYTES = 64 * 1024;

const RulesFileSchema = v.strictObject({
  rules: v.array(
    v.strictObject({
      repository: v.pipe(v.string(), v.regex(PATTERN, 'a repository pattern is owner/name with * wildcards')),
      features: v.string(),
    }),
  ),
});

/** "my-org/pilot-*=all;*=none": rules separated by `;`, first match wins. */
export function parseFeatureRules(text: string): FeatureRule[] {
  return text
    .split(';')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const at = item.indexOf('=');
      const repository = at < 0 ? '' : item.slice(0, at).trim();
      if (!PATTERN.test(repository)) {
        throw new FeatureError(
          `HOOK_FEATURES_RULES: '${item}' is not <owner/name pattern>=<features>, e.g. my-org/pilot-*=all;*=none`,
        );
      }
      return { repository, features: item.slice(at + 1).trim() };
    });
}

function readBounded(file: string): string {
  // O_NONBLOCK: a FIFO in place of the file must not hang the hook.
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new Error('not a regular file');
    // One byte more than allowed tells a file that is too large, without reading it all.
    const buffer = Buffer.alloc(MAX_RULES_FILE_BYTES + 1);
    const size = readSync(fd, buffer, 0, buffer.length, 0);
    if (size > MAX_RULES_FILE_BYTES) throw new Error('larger than 64 KiB');
    return buffer.subarray(0, size).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The rules of the JSON file `{"rules": [{"repository": "my-org/pilot-*", "features": "all"}, ...]}`. */
export function readFeatureRulesFile(file: string): FeatureRule[] {
  let json: unknown;
  try {
    json = JSON.parse(readBounded(file));
  } catch (error) {
    throw new FeatureError(`HOOK_FEATURES_FILE ${file}: ${messageOf(error)}; fix the file or unset it`);
  }
  const result = v.safeParse(RulesFileSchema, json);
  if (!result.success) {
    const issue = result.issues[0];
    const where = v.getDotPath(issue) ?? 'the top level';
    throw new FeatureError(
      `HOOK_FEATURES_FILE ${file}: ${where}: ${issue.message}; expected {"rules": [{"repository": "my-org/pilot-*", "features": "all"}]}`,
    );
  }
  return result.output.rules;
}

/** GitHub names are case-insensitive; `*` matches any run of characters. */
function matches(pattern: string, repository: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.]/g, '\\.'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(repository);
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The features for this job: the first rule matching GITHUB_REPOSITORY, else HOOK_FEATURES. The
 * repository comes from the hook's own environment, which the runner fills from the job's github
 * context; a workflow's `env:` reaches the hook only in its input, which is never read here.
 */
export function jobFeaturesOf(env: Env): JobFeatures {
  const base = parseFeatures(env.HOOK_FEATURES);
  const inline = env.HOOK_FEATURES_RULES ? parseFeatureRules(env.HOOK_FEATURES_RULES) : [];
  const fromFile = env.HOOK_FEATURES_FILE ? readFeatureRulesFile(env.HOOK_FEATURES_FILE) : [];
  const rules = [...inline, ...fromFile];
  // Every rule is checked, matched or not: a typo shows on the first job, not on the one it would hit.
  const sets = rules.map((rule) => parseFeatures(rule.features, `feature rule ${rule.repository}`));
  if (rules.length === 0) return { features: base, reason: null };
  const repository = env.GITHUB_REPOSITORY ?? '';
  const index = rules.findIndex((rule) => matches(rule.repository, repository));
  const rule = rules[index];
  const features = sets[index] ?? base;
  const why =
    rule === undefined
      ? `no feature rule matches ${repository || '(no GITHUB_REPOSITORY)'}, so HOOK_FEATURES applies`
      : `feature rule ${rule.repository}=${rule.features || 'all'} applies to ${repository}`;
  return { features, reason: `${why}: features ${describe(features)}` };
}

function describe(set: FeatureSet): string {
  const on = FEATURE_NAMES.filter((name) => set[name]);
  return on.length === 0 ? 'none' : on.length === FEATURE_NAMES.length ? 'all' : on.join(',');
}
