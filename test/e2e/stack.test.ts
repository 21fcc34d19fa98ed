// The test stack itself: it must enforce auth like a real private registry, serve every name over TLS,
// and let the real docker CLI pull through a credential helper with no login.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStack, repoRoot } from '../support/stack';

const stack = loadStack();
const hosts = Object.values(stack.registries);

function docker(args: string[], env: Record<string, string>) {
  return spawnSync('docker', args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    encoding: 'utf8',
  });
}

function emptyConfig(): string {
  return mkdtempSync(path.join(tmpdir(), 'dockhand-empty-config-'));
}

describe('test stack', () => {
  it.each(hosts)('refuses an anonymous pull from %s with "no basic auth credentials"', (host) => {
    const config = emptyConfig();
    try {
      const image = `${host}/${stack.images.shell}`;
      docker(['image', 'rm', '--force', image], { DOCKER_CONFIG: config });
      const pull = docker(['pull', image], { DOCKER_CONFIG: config });
      expect(pull.status).not.toBe(0);
      expect(pull.stderr).toContain('no basic auth credentials');
      expect(pull.stderr).not.toContain(':80');
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });

  it.each(hosts)('pulls %s/dockhand/shell:1 through the stack credential helper, no docker login', (host) => {
    const image = `${host}/${stack.images.shell}`;
    const env = {
      DOCKER_CONFIG: stack.stackHelper.dockerConfig,
      PATH: `${stack.stackHelper.binDir}:${process.env.PATH ?? ''}`,
    };
    docker(['image', 'rm', '--force', image], env);
    const pull = docker(['pull', '--quiet', image], env);
    expect(pull.stderr).toBe('');
    expect(pull.status).toBe(0);
    const run = docker(['run', '--rm', image, 'cat', '/etc/os-release'], env);
    expect(run.stdout).toContain('ID=busybox');
  });

  it('serves the registry from its own network namespace, not from the host', () => {
    const pid = readFileSync(path.join(stack.dir, 'registry.pid'), 'utf8').trim();
    const inNamespace = execFileSync('ip', ['netns', 'pids', 'dockhand-registry'], { encoding: 'utf8' });
    expect(inNamespace.split('\n')).toContain(pid);
    const hostListeners = execFileSync('ss', ['-Hltn'], { encoding: 'utf8' });
    expect(hostListeners).not.toContain(':443 ');
  });

  it('has an Alpine image that says so and a web image with a health check', () => {
    const osRelease = docker(['run', '--rm', stack.localImages.alpine, 'cat', '/etc/os-release'], {});
    expect(osRelease.stdout).toMatch(/^ID=alpine$/m);
    const health = docker(
      ['image', 'inspect', '--format', '{{json .Config.Healthcheck.Test}}', stack.localImages.web],
      {},
    );
    expect(health.stdout).toContain('wget');
  });

  it('is harmless to start twice', () => {
    const pids = ['registry', 'emulator'].map((s) => readFileSync(path.join(stack.dir, `${s}.pid`), 'utf8'));
    execFileSync('bash', [path.join(repoRoot, 'test/stack/stack.sh'), 'up'], { stdio: 'ignore' });
    expect(
      ['registry', 'emulator'].map((s) => readFileSync(path.join(stack.dir, `${s}.pid`), 'utf8')),
    ).toEqual(pids);
    const hostsFile = readFileSync('/etc/hosts', 'utf8');
    for (const host of hosts) expect(hostsFile.split(host).length - 1).toBe(1);
  });

  it('hands out ECR tokens that decode to the registry password, through the emulator', async () => {
    const res = await fetch(stack.emulator.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify({ registryIds: ['123456789012'] }),
    });
    const body = (await res.json()) as {
      authorizationData: Array<{ authorizationToken: string; proxyEndpoint: string }>;
    };
    const secrets = JSON.parse(readFileSync(stack.secretsFile, 'utf8')) as { ecrPassword: string };
    expect(Buffer.from(body.authorizationData[0]!.authorizationToken, 'base64').toString()).toBe(
      `AWS:${secrets.ecrPassword}`,
    );
    expect(body.authorizationData[0]!.proxyEndpoint).toBe(`https://${stack.registries.ecrUsEast1}`);
  });
});
