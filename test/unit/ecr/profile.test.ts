import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { definesProfile, missingProfileReason } from '../../../src/ecr/profile';
import { makeTempDir, removeTempDirs } from '../../support/temp';

afterAll(removeTempDirs);

test.each([
  ['[profile prod]\nregion = x\n', 'prod', true],
  ['[default]\n', 'default', true],
  ['  [ profile  prod ]\n', 'prod', true],
  ['[prod]\naws_access_key_id = A\n', 'prod', true],
  ['[profile production]\n', 'prod', false],
  ['[sso-session prod]\n', 'prod', false],
  ['# [profile prod]\n', 'prod', false],
  ['', 'prod', false],
])('%j defines %j: %s', (text, name, defined) => {
  expect(definesProfile(text, name)).toBe(defined);
});

test('the reason names the profile, where it comes from and both files; none when it exists', () => {
  const dir = makeTempDir('ecr-profile-');
  const files = { config: path.join(dir, 'config'), credentials: path.join(dir, 'credentials') };
  writeFileSync(files.credentials, '[other]\n');
  expect(missingProfileReason(files, 'prod', 'AWS_PROFILE')).toBe(
    `AWS profile 'prod' (AWS_PROFILE) is in neither ${files.config} nor ${files.credentials}: ` +
      'add it there, or name an existing profile in AWS_PROFILE',
  );
  expect(missingProfileReason(files, 'other', 'AWS_PROFILE')).toBeUndefined();
});
