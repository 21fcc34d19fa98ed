import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FeatureError, jobFeaturesOf, parseFeatureRules } from '../../../src/hook/features';

const dir = mkdtempSync(path.join(os.tmpdir(), 'dockhand-features-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rulesFile(content: string): string {
  const file = path.join(dir, `rules-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, content);
  return file;
}

const RULES = 'my-org/pilot-*=all; *=none';

describe('feature rules by repository', () => {
  it('gives a pilot repository every feature and the rest reference behaviour, saying which rule', () => {
    const pilot = jobFeaturesOf({ HOOK_FEATURES_RULES: RULES, GITHUB_REPOSITORY: 'My-Org/Pilot-API' });
    expect(Object.values(pilot.features).every(Boolean)).toBe(true);
    expect(pilot.reason).toBe('feature rule my-org/pilot-*=all applies to My-Org/Pilot-API: features all');
    const other = jobFeaturesOf({ HOOK_FEATURES_RULES: RULES, GITHUB_REPOSITORY: 'my-org/billing' });
    expect(Object.values(other.features).some(Boolean)).toBe(false);
    expect(other.reason).toBe('feature rule *=none applies to my-org/billing: features none');
  });

  it('falls back to HOOK_FEATURES when no rule matches, and says so', () => {
    const result = jobFeaturesOf({
      HOOK_FEATURES: 'none,parallel',
      HOOK_FEATURES_RULES: 'my-org/pilot-*=all',
      GITHUB_REPOSITORY: 'other/repo',
    });
    expect(result.features.parallel).toBe(true);
    expect(result.features['service-logs']).toBe(false);
    expect(result.reason).toBe(
      'no feature rule matches other/repo, so HOOK_FEATURES applies: features parallel',
    );
  });

  it('says nothing when no rules are set', () => {
    expect(jobFeaturesOf({ HOOK_FEATURES: '-parallel', GITHUB_REPOSITORY: 'a/b' }).reason).toBeNull();
  });

  it('reads rules from a JSON file after the inline ones; first match wins', () => {
    const file = rulesFile(
      JSON.stringify({
        rules: [
          { repository: 'my-org/*', features: '-parallel' },
          { repository: '*', features: 'none' },
        ],
      }),
    );
    const env = { HOOK_FEATURES_FILE: file, GITHUB_REPOSITORY: 'my-org/web' };
    expect(jobFeaturesOf(env).features).toMatchObject({ parallel: false, 'service-logs': true });
    expect(jobFeaturesOf({ ...env, HOOK_FEATURES_RULES: 'my-org/web=none' }).features.parallel).toBe(false);
    expect(jobFeaturesOf({ ...env, GITHUB_REPOSITORY: 'x/y' }).reason).toContain('feature rule *=none');
  });

  it('matches `.` literally, and `*` only as a wildcard', () => {
    const env = { HOOK_FEATURES_RULES: 'o/a.b=none;*=all' };
    expect(jobFeaturesOf({ ...env, GITHUB_REPOSITORY: 'o/aXb' }).features.parallel).toBe(true);
    expect(jobFeaturesOf({ ...env, GITHUB_REPOSITORY: 'o/a.b' }).features.parallel).toBe(false);
  });

  it.each([
    [
      { HOOK_FEATURES_RULES: 'my-org/pilot-*' },
      "HOOK_FEATURES_RULES: 'my-org/pilot-*' is not <owner/name pattern>=<features>, e.g. my-org/pilot-*=all;*=none",
    ],
    [
      { HOOK_FEATURES_RULES: 'a/(b)=all' },
      "HOOK_FEATURES_RULES: 'a/(b)=all' is not <owner/name pattern>=<features>, e.g. my-org/pilot-*=all;*=none",
    ],
    [
      // A typo in a rule that does not match this repository still fails: it shows on the first job.
      { HOOK_FEATURES_RULES: 'other/*=-paralel;*=all', GITHUB_REPOSITORY: 'a/b' },
      "feature rule other/*: unknown feature 'paralel'; known: helper-fallback, service-aliases, parallel, early-health-checks, service-logs, remove-built-images, local-fallback, registry-mirrors, pull-progress, restore-ownership",
    ],
  ])('refuses bad inline rules in one line %#', (env, message) => {
    expect(() => jobFeaturesOf(env)).toThrow(new FeatureError(message));
  });

  it.each([
    [
      '{"rules": [{"repository": "a/*"}]}',
      /: rules\.0\.features: Invalid key: Expected "features" but received undefined; expected \{"rules"/,
    ],
    [
      '{"rules": [{"repository": "a b", "features": "all"}]}',
      /: rules\.0\.repository: a repository pattern is owner\/name with \* wildcards;/,
    ],
    ['{"rule": []}', /: (rule|rules): /],
    ['not json', /: Unexpected token .*; fix the file or unset it$/],
  ])('refuses a bad rules file in one line naming the file %#', (content, message) => {
    const file = rulesFile(content);
    let thrown: unknown;
    try {
      jobFeaturesOf({ HOOK_FEATURES_FILE: file, GITHUB_REPOSITORY: 'a/b' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FeatureError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).toContain(`HOOK_FEATURES_FILE ${file}`);
    expect((thrown as Error).message).not.toContain('\n');
  });

  it('refuses a rules file that is missing or not a regular file', () => {
    expect(() => jobFeaturesOf({ HOOK_FEATURES_FILE: path.join(dir, 'missing.json') })).toThrow(
      /^HOOK_FEATURES_FILE .*missing\.json: ENOENT: no such file or directory.*; fix the file or unset it$/,
    );
    expect(() => jobFeaturesOf({ HOOK_FEATURES_FILE: dir })).toThrow(/: not a regular file; fix the file/);
    const large = rulesFile(' '.repeat(64 * 1024 + 1));
    expect(() => jobFeaturesOf({ HOOK_FEATURES_FILE: large })).toThrow(/: larger than 64 KiB; fix the file/);
  });

  it('parses rules with spaces around them', () => {
    expect(parseFeatureRules(' a/b = -parallel ; * = none ')).toEqual([
      { repository: 'a/b', features: '-parallel' },
      { repository: '*', features: 'none' },
    ]);
  });
});
