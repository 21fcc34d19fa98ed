// Workflow credentials: sent to the daemon with the one pull (X-Registry-Auth), with no `docker login`
// process and no file; when they are wrong, rescued by the host's credential helper, saying so; without a
// helper, a clear auth failure.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replayJob } from '../../src/replay';
import { loadSecrets } from '../support/stack';
import { plain, stack, testRunner, type TestRunner } from './hook-support';

const secrets = loadSecrets(stack);
let runner: TestRunner | undefined;
const configs: string[] = [];
afterEach(() => {
  runner?.dispose();
  for (const dir of configs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A docker config with no credential helper at all: only the workflow's credentials can work. */
function emptyDockerConfig(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'dockhand-empty-config-'));
  writeFileSync(path.join(dir, 'config.json'), '{}');
  configs.push(dir);
  return dir;
}

const job = (password: string) => ({
  container: { image: plain('dockhand/shell:1'), credentials: { username: secrets.plainUser, password } },
  steps: [{ kind: 'script' as const, script: 'echo pulled-and-running' }],
});

describe('hook, login path', () => {
  it('logs in with the workflow credentials when no helper covers the registry', async () => {
    runner = testRunner({ HOOK_DOCKER_CONFIG: emptyDockerConfig() });
    const result = await replayJob(runner.replayer, job(secrets.plainPassword));
    expect(result.ok, runner.output()).toBe(true);
    expect(runner.output()).toContain('pulled-and-running');
    // the password is masked before anything could print it, and never printed otherwise
    expect(runner.output().split(`::add-mask::${secrets.plainPassword}`).join('')).not.toContain(
      secrets.plainPassword,
    );
    expect(readdirSync(path.join(runner.root, 'private'))).toEqual([]);
  });

  it('pulls with the workflow credentials with no docker login or pull process and no file written', async () => {
    // docker itself, behind a wrapper that records each call's verb and every file in the private folder
    // at that moment (a login's config would be one): never stdin, where a password would travel.
    const dir = mkdtempSync(path.join(tmpdir(), 'dockhand-docker-wrapper-'));
    configs.push(dir);
    const wrapper = path.join(dir, 'docker');
    const calls = path.join(dir, 'calls');
    runner = testRunner({ HOOK_DOCKER_CONFIG: emptyDockerConfig(), HOOK_DOCKER_PATH: wrapper });
    const privateDir = path.join(runner.root, 'private');
    writeFileSync(
      wrapper,
      `#!/bin/sh
echo "call $1" >> ${calls}
find ${privateDir} -type f | sed 's/^/file /' >> ${calls}
exec docker "$@"
`,
      { mode: 0o755 },
    );
    const result = await replayJob(runner.replayer, job(secrets.plainPassword));
    expect(result.ok, runner.output()).toBe(true);
    expect(runner.output()).toContain(`${plain('dockhand/shell:1')}: pulled from registry.dockhand.test in`);
    const recorded = readFileSync(calls, 'utf8').split('\n').filter(Boolean);
    // The wrapper was in use (the job's network is made by the CLI; its plain containers through the API).
    expect(recorded).toContain('call network');
    expect(recorded.filter((line) => /^call (login|pull)$/.test(line))).toEqual([]);
    expect(recorded.filter((line) => line.startsWith('file '))).toEqual([]);
    expect(readdirSync(privateDir)).toEqual([]);
  });

  it('falls back to the credential helper when the workflow credentials are wrong, and says so', async () => {
    runner = testRunner();
    const result = await replayJob(runner.replayer, job('expired-password'));
    expect(result.ok, runner.output()).toBe(true);
    expect(runner.output()).toMatch(
      /registry\.dockhand\.test refused the workflow's credentials; pulling .* through docker config .* \(credential helper docker-credential-dockhand-stack\) instead/,
    );
    expect(runner.output()).toContain('pulled-and-running');
  });

  it('fails clearly, naming registry and config, when credentials are wrong and no helper covers it', async () => {
    const config = emptyDockerConfig();
    runner = testRunner({ HOOK_DOCKER_CONFIG: config });
    const result = await replayJob(runner.replayer, job('expired-password'));
    expect(result.prepare?.exitCode).not.toBe(0);
    expect(runner.output()).toMatch(
      /::error::dockhand prepare_job: pull of registry\.dockhand\.test\/dockhand\/shell:1 from registry\.dockhand\.test was refused \(authentication\)/,
    );
    expect(result.cleanup?.exitCode).toBe(0);
  });

  it('explains an auth failure of a registry no helper covers, with no workflow credentials', async () => {
    const config = emptyDockerConfig();
    runner = testRunner({ HOOK_DOCKER_CONFIG: config });
    const result = await replayJob(runner.replayer, {
      container: { image: plain('dockhand/shell:1') },
      steps: [],
    });
    expect(result.prepare?.exitCode).not.toBe(0);
    expect(runner.output()).toContain(
      `using docker config ${config} (no credential helper for registry.dockhand.test)`,
    );
    expect(runner.output()).toContain('"credHelpers": {"registry.dockhand.test": "<helper>"}');
  });

  it('passes HOOK_ENV_PASSTHROUGH variables to a credential helper that needs them, and only then', async () => {
    // A real helper process that answers only when the runner's CORP_VAULT_TOKEN reaches it.
    const dir = mkdtempSync(path.join(tmpdir(), 'dockhand-env-helper-'));
    configs.push(dir);
    const helper = path.join(dir, 'docker-credential-needs-env');
    writeFileSync(
      helper,
      `#!/bin/sh\n[ "$1" = get ] && [ "$CORP_VAULT_TOKEN" = let-me-in ] || { echo "no vault token" >&2; exit 1; }\n` +
        `printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' ${stack.registries.plain} ${secrets.plainUser} '${secrets.plainPassword}'\n`,
      { mode: 0o700 },
    );
    writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ credHelpers: { [stack.registries.plain]: 'needs-env' } }),
    );
    const env = {
      HOOK_DOCKER_CONFIG: dir,
      PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      CORP_VAULT_TOKEN: 'let-me-in',
    };
    const noCredentials = { container: { image: plain('dockhand/shell:1') }, steps: [] };

    runner = testRunner(env);
    expect((await replayJob(runner.replayer, noCredentials)).prepare?.exitCode).not.toBe(0);
    expect(runner.output()).toContain('no vault token');
    runner.dispose();

    runner = testRunner({ ...env, HOOK_ENV_PASSTHROUGH: 'CORP_VAULT_*' });
    const result = await replayJob(runner.replayer, noCredentials);
    expect(result.ok, runner.output()).toBe(true);
  });

  it("never lets docker login put the workflow's password into the host's default credential store", async () => {
    // docker picks `secretservice`, then `pass`, when one is on PATH and the config names no store:
    // fakes that record every call (never the secret) stand in for the host's keyring.
    const dir = mkdtempSync(path.join(tmpdir(), 'dockhand-default-store-'));
    configs.push(dir);
    const calls = path.join(dir, 'calls');
    for (const store of ['secretservice', 'pass']) {
      writeFileSync(
        path.join(dir, `docker-credential-${store}`),
        `#!/bin/sh\necho "${store} $1" >> ${calls}\ncat > /dev/null\n` +
          `[ "$1" = list ] && { echo '{}'; exit 0; }\n[ "$1" = store ] && exit 0\n` +
          `echo "credentials not found in native keychain"; exit 1\n`,
        { mode: 0o755 },
      );
    }
    runner = testRunner({
      HOOK_DOCKER_CONFIG: emptyDockerConfig(),
      PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    });
    const result = await replayJob(runner.replayer, job(secrets.plainPassword));
    expect(result.ok, runner.output()).toBe(true);
    const recorded = existsSync(calls) ? readFileSync(calls, 'utf8') : '';
    // Not asked for anything, and above all never given the password to store.
    expect(recorded).not.toMatch(/ store$/m);
    expect(recorded).toBe('');
  });
});
