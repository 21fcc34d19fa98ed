import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hookConfigFromEnv } from '../../../src/hook/config';
import {
  eventsTargetOf,
  parsePullPolicy,
  parseRegistryMirrors,
  PullSettingError,
} from '../../../src/hook/pull-settings';
import { makeTempDir, removeTempDirs } from '../../support/temp';

afterAll(removeTempDirs);

describe('HOOK_REGISTRY_MIRRORS', () => {
  it('maps each source registry, Docker Hub under one name, to a host with an optional path', () => {
    const mirrors = parseRegistryMirrors(
      'docker.io=123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/, ghcr.io=mirror.internal:5000,quay.io=localhost:5000/quay',
    );
    expect([...mirrors]).toEqual([
      ['docker.io', '123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub'],
      ['ghcr.io', 'mirror.internal:5000'],
      ['quay.io', 'localhost:5000/quay'],
    ]);
    expect([...parseRegistryMirrors('index.docker.io=m.example')]).toEqual([['docker.io', 'm.example']]);
    expect(parseRegistryMirrors('').size).toBe(0);
  });

  it.each([
    ['docker.io=mirror', 'is not SOURCE=TARGET'], // reads as the Docker Hub user "mirror"
    ['docker.io', 'is not SOURCE=TARGET'],
    ['=m.example', 'is not SOURCE=TARGET'],
    ['docker.io=m.example/Upper', 'is not SOURCE=TARGET'],
    ['docker.io=m.example/a b', 'is not SOURCE=TARGET'],
    ['docker.io=https://m.example', 'is not SOURCE=TARGET'],
    ['docker.io=m.example,index.docker.io=n.example', 'docker.io is given twice'],
    ['docker.io=index.docker.io/hub', 'onto itself'],
  ])('refuses %s', (spec, message) => {
    expect(() => parseRegistryMirrors(spec)).toThrow(PullSettingError);
    expect(() => parseRegistryMirrors(spec)).toThrow(message);
  });
});

describe('HOOK_PULL_POLICY', () => {
  it('is always by default, and one of always, missing, never', () => {
    expect(parsePullPolicy(undefined)).toBe('always');
    expect(parsePullPolicy('missing')).toBe('missing');
    expect(parsePullPolicy('never')).toBe('never');
    expect(() => parsePullPolicy('if-not-present')).toThrow(
      "HOOK_PULL_POLICY='if-not-present' is not one of always, missing, never; fix or unset it",
    );
  });
});

describe('HOOK_EVENTS_FILE', () => {
  const env = { RUNNER_NAME: 'r1', GITHUB_REPOSITORY: 'o/r', GITHUB_JOB: 'test' };

  it('names the runner and job the events are about', () => {
    expect(
      eventsTargetOf({ ...env, HOOK_EVENTS_FILE: '/var/log/dockhand/events.jsonl' }, '/runner/_work'),
    ).toEqual({
      file: '/var/log/dockhand/events.jsonl',
      runner: 'r1',
      repository: 'o/r',
      job: 'test',
    });
    expect(eventsTargetOf(env, '/runner/_work')).toBeNull();
  });

  it('refuses a relative path and a file inside _work, also through a link', () => {
    expect(() => eventsTargetOf({ HOOK_EVENTS_FILE: 'events.jsonl' }, null)).toThrow(
      'is not an absolute path',
    );
    const root = makeTempDir('dockhand-events-');
    const work = path.join(root, '_work');
    mkdirSync(path.join(work, '_temp'), { recursive: true });
    expect(() => eventsTargetOf({ HOOK_EVENTS_FILE: path.join(work, 'events.jsonl') }, work)).toThrow(
      "is inside the runner's _work folder",
    );
    symlinkSync(path.join(work, '_temp'), path.join(root, 'logs'));
    expect(() => eventsTargetOf({ HOOK_EVENTS_FILE: path.join(root, 'logs', 'e.jsonl') }, work)).toThrow(
      "is inside the runner's _work folder",
    );
    // Through the hook's settings, with _work from RUNNER_TEMP.
    expect(() =>
      hookConfigFromEnv(
        {
          PATH: '/usr/bin',
          HOOK_DOCKER_PATH: '/usr/bin/docker',
          RUNNER_TEMP: path.join(work, '_temp'),
          HOOK_EVENTS_FILE: path.join(work, '_temp', 'e.jsonl'),
        },
        { homedir: '/h', tmpdir: '/tmp' },
      ),
    ).toThrow("is inside the runner's _work folder");
  });
});
