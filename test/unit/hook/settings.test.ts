import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HookConfigError, hookConfigFromEnv, runnerIdOf } from '../../../src/hook/config';
import { FeatureError, parseFeatures } from '../../../src/hook/features';
import { ServiceAliasError, parseServiceAliases, serviceAliases } from '../../../src/hook/service-aliases';
import { makeTempDir, removeTempDirs } from '../../support/temp';

const system = { homedir: '/home/runner', tmpdir: '/tmp' };
const base = { PATH: '/usr/bin', HOOK_DOCKER_PATH: '/usr/bin/docker' };

describe('hook settings', () => {
  it('resolves the docker config dir: HOOK_DOCKER_CONFIG, else DOCKER_CONFIG, else ~/.docker', () => {
    expect(
      hookConfigFromEnv({ ...base, HOOK_DOCKER_CONFIG: '/a', DOCKER_CONFIG: '/b' }, system).dockerConfigDir,
    ).toBe('/a');
    expect(hookConfigFromEnv({ ...base, DOCKER_CONFIG: '/b' }, system).dockerConfigDir).toBe('/b');
    expect(hookConfigFromEnv({ ...base, HOME: '/home/ci' }, system).dockerConfigDir).toBe('/home/ci/.docker');
    expect(hookConfigFromEnv(base, system).cliEnv.DOCKER_CONFIG).toBe('/home/runner/.docker');
  });

  it('has safe defaults and reads the runner settings', () => {
    const config = hookConfigFromEnv(
      { ...base, ACTIONS_RUNNER_NETWORK_DRIVER: 'overlay', RUNNER_DEBUG: '1', RUNNER_TEMP: '/r/_work/_temp' },
      system,
    );
    expect(config).toMatchObject({
      networkDriver: 'overlay',
      debug: true,
      healthTimeoutMs: 300_000,
      pullAttempts: 3,
      privateBase: '/tmp',
      runnerTemp: '/r/_work/_temp',
    });
    const { 'early-health-checks': early, ...others } = config.features;
    expect([early, Object.values(others).every(Boolean)]).toEqual([false, true]);
  });

  it.each([
    [
      { HOOK_HEALTH_TIMEOUT_SECONDS: 'soon' },
      "HOOK_HEALTH_TIMEOUT_SECONDS='soon' is not a positive number; fix or unset it",
    ],
    [
      { HOOK_DOCKER_PATH: '', PATH: '/nonexistent' },
      "no executable docker CLI on the runner's PATH; install it or set HOOK_DOCKER_PATH",
    ],
  ])('refuses bad settings in one line %#', (env, message) => {
    expect(() => hookConfigFromEnv({ ...base, ...env }, system)).toThrow(new HookConfigError(message));
  });

  it('tells runners apart by their folder, not their name', () => {
    expect(runnerIdOf('/runners/a/_work/_temp')).not.toBe(runnerIdOf('/runners/b/_work/_temp'));
    expect(runnerIdOf('/runners/a/_work/_temp')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('HOOK_FEATURES', () => {
  it('has early-health-checks off unless asked for, and all the others on', () => {
    expect(parseFeatures(undefined)).toMatchObject({ 'early-health-checks': false, parallel: true });
    expect(parseFeatures('+early-health-checks')['early-health-checks']).toBe(true);
    expect(Object.values(parseFeatures('all')).every(Boolean)).toBe(true);
  });

  it('switches single behaviours off, or all off and some back on', () => {
    expect(parseFeatures('-parallel, -service-logs')).toMatchObject({
      parallel: false,
      'service-logs': false,
      'service-aliases': true,
      'restore-ownership': true,
    });
    expect(parseFeatures('-restore-ownership')['restore-ownership']).toBe(false);
    expect(parseFeatures('none,service-aliases')).toEqual({
      'helper-fallback': false,
      'service-aliases': true,
      parallel: false,
      'early-health-checks': false,
      'service-logs': false,
      'remove-built-images': false,
      'local-fallback': false,
      'registry-mirrors': false,
      'pull-progress': false,
      'restore-ownership': false,
    });
  });

  it('names an unknown feature', () => {
    expect(() => parseFeatures('-paralel')).toThrow(
      new FeatureError(
        "HOOK_FEATURES: unknown feature 'paralel'; known: helper-fallback, service-aliases, parallel, early-health-checks, service-logs, remove-built-images, local-fallback, registry-mirrors, pull-progress, restore-ownership",
      ),
    );
  });
});

describe('service aliases', () => {
  it('uses the repository basename, explicit rules, de-duplicated', () => {
    const rules = parseServiceAliases('r.io/team/pg:16=db, r.io/cache=kv');
    expect(
      serviceAliases(
        ['r.io/team/pg:16', 'r.io/cache:7', 'r.io/team/redis:7', 'other.io/redis', 'Weird_Name:1'],
        rules,
      ),
    ).toEqual(['db', 'kv', 'redis', 'redis-2', 'weird_name']);
  });

  it('gives every service its own alias, even when one is already named like a de-duplicated one', () => {
    expect(serviceAliases(['r.io/a/web', 'r.io/b/web', 'x/web-2', 'r.io/web:2', 'web-3'], [])).toEqual([
      'web',
      'web-4',
      'web-2',
      'web-5',
      'web-3',
    ]);
  });

  it('prefers a contextName if a runner ever sends one', () => {
    expect(serviceAliases(['r.io/pg:16'], [], ['database'])).toEqual(['database']);
  });

  it('refuses a bad rule naming it', () => {
    expect(() => parseServiceAliases('postgres')).toThrow(ServiceAliasError);
    expect(() => parseServiceAliases('pg=-bad')).toThrow(
      "HOOK_SERVICE_ALIASES: 'pg=-bad' is not image=alias with a DNS-safe alias; fix the entry",
    );
  });
});

describe('HOOK_PRIVATE_DIR', () => {
  afterAll(removeTempDirs);
  const uid = process.getuid?.() ?? 0;
  // A runner folder with its _work, and folders of every kind beside it.
  const root = makeTempDir('dockhand-private-base-');
  const work = path.join(root, 'runner', '_work');
  mkdirSync(path.join(work, '_temp'), { recursive: true });
  const env = { ...base, RUNNER_TEMP: path.join(work, '_temp') };
  const folder = (name: string, mode: number) => {
    const dir = path.join(root, name);
    mkdirSync(dir);
    chmodSync(dir, mode);
    return dir;
  };
  const privateBase = (dir: string, asUid = uid) =>
    hookConfigFromEnv({ ...env, HOOK_PRIVATE_DIR: dir }, { ...system, uid: asUid }).privateBase;
  const refusal = (dir: string, asUid = uid) => {
    try {
      privateBase(dir, asUid);
    } catch (error) {
      expect(error).toBeInstanceOf(HookConfigError);
      return (error as Error).message;
    }
    throw new Error(`${dir} was accepted`);
  };

  it('accepts a folder of the runner user closed to others, by its real path', () => {
    const own = folder('own', 0o700);
    symlinkSync(own, path.join(root, 'link-to-own'));
    expect(privateBase(own)).toBe(own);
    expect(privateBase(path.join(root, 'link-to-own'))).toBe(own);
  });

  it('accepts a shared sticky folder like /tmp, owned by root', () => {
    const shared = folder('shared', 0o1777);
    expect(privateBase(shared, 4321)).toBe(shared);
  });

  it('refuses the _work folder, also through a link or as the temp folder', () => {
    symlinkSync(path.join(work, '_temp'), path.join(root, 'link-into-work'));
    expect(refusal(path.join(root, 'link-into-work'))).toBe(
      `HOOK_PRIVATE_DIR ${path.join(root, 'link-into-work')} (a link to ${path.join(work, '_temp')}) is inside the runner's _work folder, which jobs can read; set HOOK_PRIVATE_DIR to a folder outside it`,
    );
    expect(() => hookConfigFromEnv(env, { ...system, tmpdir: path.join(work, '_temp') })).toThrow(
      new HookConfigError(
        `the temp folder ${path.join(work, '_temp')} is inside the runner's _work folder, which jobs can read; set HOOK_PRIVATE_DIR to a folder outside it`,
      ),
    );
  });

  it('refuses a folder of another user', () => {
    const own = folder('not-yours', 0o700);
    expect(refusal(own, 4321)).toBe(
      `HOOK_PRIVATE_DIR ${own} is owned by uid ${uid}, not by the runner user (uid 4321); use a folder the runner user owns`,
    );
  });

  it.each(['775', '757'])('refuses a folder others can write (mode %s)', (mode) => {
    const open = folder(`open-${mode}`, parseInt(mode, 8));
    expect(refusal(open)).toBe(
      `HOOK_PRIVATE_DIR ${open} can be written by others (mode ${mode}); run chmod go-w on it, or use a folder only the runner user can write`,
    );
  });

  it('refuses what is not there, or not a folder', () => {
    const missing = path.join(root, 'missing');
    expect(refusal(missing)).toBe(
      `HOOK_PRIVATE_DIR ${missing} cannot be used (ENOENT); create it as a folder of the runner user, mode 0700`,
    );
    writeFileSync(path.join(root, 'file'), '');
    expect(refusal(path.join(root, 'file'))).toBe(
      `HOOK_PRIVATE_DIR ${path.join(root, 'file')} is not a folder; set HOOK_PRIVATE_DIR to a folder`,
    );
  });
});
