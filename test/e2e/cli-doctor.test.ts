// `dockhand doctor` on a healthy scratch runner and on each broken one, through the built bundle, with
// real docker, real credential-helper processes and the real registry.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSecrets, loadStack } from '../support/stack';
import { makeScratchRunner, removeScratch, runCli, type Scratch } from './cli-support';

const stack = loadStack();
const secrets = loadSecrets(stack);
const { ecrUsEast1, ecrEuWest1, plain } = stack.registries;
const helper = stack.stackHelper.name;

/** A real credential helper that answers with a password the registry does not accept. */
function writeWrongHelper(binDir: string): string {
  mkdirSync(binDir, { recursive: true });
  const file = path.join(binDir, 'docker-credential-dockhand-wrong');
  writeFileSync(
    file,
    `#!/bin/sh\necho '{"ServerURL":"${plain}","Username":"ci-bot","Secret":"not-the-password"}'\n`,
  );
  chmodSync(file, 0o755);
  return 'dockhand-wrong';
}

describe('dockhand doctor', () => {
  let scratch: Scratch;
  let binDir: string;

  function setUp(extraEnv: string, registries: string[]): void {
    binDir = path.join(scratch.root, 'bin');
    writeFileSync(
      path.join(scratch.runner, '.env'),
      `LANG=C.UTF-8\nPATH=${binDir}:${stack.stackHelper.binDir}:/usr/local/bin:/usr/bin:/bin\n${extraEnv}`,
    );
    const args = ['--runner', scratch.runner, '--docker-config', scratch.dockerConfig];
    const install = runCli(['install', ...args, ...registries.flatMap((r) => ['--registry', r])]);
    expect(install.stderr).toBe('');
  }

  function doctor(json = false) {
    const result = runCli(['doctor', '--runner', scratch.runner, ...(json ? ['--json'] : [])], {
      HOME: scratch.home,
    });
    expect(result.stderr).toBe('');
    // Never a secret: neither the passwords nor the token they travel in.
    for (const secret of [
      secrets.ecrPassword,
      secrets.plainPassword,
      Buffer.from(`AWS:${secrets.ecrPassword}`).toString('base64'),
    ]) {
      expect(result.stdout).not.toContain(secret);
    }
    return result;
  }

  afterEach(() => removeScratch(scratch));

  beforeEach(() => {
    scratch = makeScratchRunner('');
  });

  it('passes every check on a healthy runner', () => {
    setUp('', [`${ecrUsEast1}=${helper}`, `${ecrEuWest1}=${helper}`, `${plain}=${helper}`]);
    const result = doctor();
    expect(result.stdout).not.toContain('FAIL');
    for (const line of [
      `ok   runner .env: ACTIONS_RUNNER_CONTAINER_HOOKS=${scratch.runner}/.dockhand/hook.js`,
      'ok   hook loads under Node 20:',
      'ok   docker daemon: reachable',
      'ok   docker Engine API: Docker ',
      `ok   docker config: ${scratch.dockerConfig}/config.json (from HOOK_DOCKER_CONFIG)`,
      `ok   helper for ${ecrEuWest1}: ${stack.stackHelper.binDir}/docker-credential-${helper}`,
      `ok   credentials for ${plain}: docker-credential-${helper} gave credentials for user ${secrets.plainUser}`,
      `ok   registry ${ecrUsEast1}: accepts the credentials (GET /v2/ 200)`,
      `ok   registry ${ecrEuWest1}: accepts the credentials (GET /v2/ 200)`,
      'all checks passed',
    ]) {
      expect(result.stdout).toContain(line);
    }
    expect(result.status).toBe(0);
    const json = JSON.parse(doctor(true).stdout) as { ok: boolean; checks: { status: string }[] };
    expect(json.ok).toBe(true);
    expect(json.checks.filter((c) => c.status === 'pass').length).toBeGreaterThanOrEqual(12);
  });

  it('passes with ecr-login serving the ECR registries through the ECR API, credentials from .env only', () => {
    const cacheDir = path.join(scratch.root, 'ecr-cache');
    setUp(
      `AWS_ACCESS_KEY_ID=AKIDDOCKHANDDOCTOR\nAWS_SECRET_ACCESS_KEY=doctor-test\nAWS_ENDPOINT_URL_ECR=${stack.emulator.url}\nAWS_ECR_CACHE_DIR=${cacheDir}\n`,
      [ecrUsEast1, ecrEuWest1],
    );
    const result = doctor();
    for (const line of [
      'ok   AWS credentials: resolved (access key id ending CTOR)',
      `ok   credentials for ${ecrUsEast1}: docker-credential-ecr-login gave credentials for user AWS`,
      `ok   registry ${ecrEuWest1}: accepts the credentials (GET /v2/ 200)`,
      `ok   ecr-login cache: ${cacheDir} is private (0700)`,
      'all checks passed',
    ]) {
      expect(result.stdout).toContain(line);
    }
    expect(result.status).toBe(0);
  });

  it('fails the AWS line when no AWS credentials resolve, with what to set', () => {
    // Instance metadata is pointed at a closed local port so the chain ends at once.
    setUp(
      `AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9\nAWS_CONFIG_FILE=/nonexistent\nAWS_SHARED_CREDENTIALS_FILE=/nonexistent\nAWS_ENDPOINT_URL_ECR=${stack.emulator.url}\n`,
      [ecrUsEast1],
    );
    const result = doctor();
    expect(result.stdout).toMatch(
      /FAIL AWS credentials: the AWS default credential chain found none: .*\n {5}fix: give the runner an instance role/,
    );
    expect(result.status).toBe(1);
  });

  it('fails the helper line when the helper is not on the PATH docker gets', () => {
    setUp('', [`${plain}=dockhand-missing`]);
    const result = doctor();
    expect(result.stdout).toContain(
      `FAIL helper for ${plain}: docker-credential-dockhand-missing is not on the PATH the hook gives docker\n     fix: install docker-credential-dockhand-missing`,
    );
    expect(result.status).toBe(1);
  });

  it('fails the registry line when the helper hands out wrong credentials', () => {
    const wrong = writeWrongHelper(path.join(scratch.root, 'bin'));
    setUp('', [`${plain}=${wrong}`]);
    const result = doctor();
    expect(result.stdout).toContain(`ok   credentials for ${plain}`);
    expect(result.stdout).toContain(
      `FAIL registry ${plain}: refused the credentials from docker-credential-${wrong} (GET /v2/ 401)\n     fix:`,
    );
    expect(result.stdout).not.toContain('not-the-password');
    expect(result.status).toBe(1);
    const json = JSON.parse(doctor(true).stdout) as {
      ok: boolean;
      checks: { name: string; status: string }[];
    };
    expect(json.ok).toBe(false);
    expect(json.checks.find((c) => c.name === `registry ${plain}`)?.status).toBe('fail');
  });

  it('fails the daemon line when docker cannot reach a daemon', () => {
    const socket = path.join(scratch.root, 'no-dockerd.sock');
    setUp(`DOCKER_HOST=unix://${socket}\n`, [`${plain}=${helper}`]);
    const result = doctor();
    expect(result.stdout).toContain(`ok   docker CLI: /usr/local/bin/docker`);
    expect(result.stdout).toContain(`FAIL docker daemon: not reachable at unix://${socket}:`);
    expect(result.stdout).toContain('     fix: start dockerd, or fix DOCKER_HOST');
    expect(result.status).toBe(1);
  });

  it('fails the .env line on a runner without dockhand, with the install command as the fix', () => {
    const result = doctor();
    expect(result.stdout).toContain(
      'FAIL runner .env: ACTIONS_RUNNER_CONTAINER_HOOKS is not set\n     fix: run: dockhand install',
    );
    expect(result.status).toBe(1);
  });
});
