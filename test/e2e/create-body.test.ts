// A plain container (no options, no ports: every step the runner sends) is created through the Engine API
// with the body of src/docker/create-body.ts. Created both ways from one spec, by `docker create` with the
// flags of src/docker/args.ts and through the API, the two containers must come out the same in every
// field a step depends on; and the docker config's `proxies` reach a job's containers as docker gives them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createArgs, type ContainerSpec } from '../../src/docker/args';
import { createBodyOf } from '../../src/docker/create-body';
import { EngineApi } from '../../src/docker/engine-api';
import { containerEngineOf } from '../../src/docker/engine-objects';
import { createJobLog } from '../../src/protocol/job-log';
import { replayJob } from '../../src/replay';
import { testEngineHost } from '../support/stack';
import { docker, ecr, stack, testRunner, type TestRunner } from './hook-support';

const engine = containerEngineOf(
  new EngineApi(
    {
      socketPath: testEngineHost()?.slice('unix://'.length) ?? '/var/run/docker.sock',
      describe: 'the stack engine',
    },
    createJobLog({ write: () => true }, false),
  ),
);
const label = `dockhand.test-create-body=${process.pid}`;
const network = `dockhand-create-body-${process.pid}`;
const runners: TestRunner[] = [];

afterAll(() => {
  const ids = docker('ps', '--all', '--quiet', '--filter', `label=${label}`).split('\n').filter(Boolean);
  if (ids.length) docker('rm', '--force', ...ids);
  docker('network', 'rm', network);
  for (const runner of runners) runner.dispose();
});

/** The fields of `docker inspect` a step's container depends on, with its own name and id left out. */
function stepFields(id: string): unknown {
  type Fields = Record<string, unknown> & { Env: string[] };
  const [inspected] = JSON.parse(docker('inspect', id)) as Array<{
    Config: Fields;
    HostConfig: Record<string, unknown>;
    NetworkSettings: { Networks: Record<string, { Aliases?: string[] | null }> };
  }>;
  const { Config, HostConfig, NetworkSettings } = inspected!;
  return {
    Config: {
      Image: Config.Image,
      Entrypoint: Config.Entrypoint,
      Cmd: Config.Cmd,
      Env: [...Config.Env].sort(),
      WorkingDir: Config.WorkingDir,
      Labels: Config.Labels,
      AttachStdin: Config.AttachStdin,
      AttachStdout: Config.AttachStdout,
      AttachStderr: Config.AttachStderr,
      Tty: Config.Tty,
      OpenStdin: Config.OpenStdin,
      Volumes: Config.Volumes,
      User: Config.User,
    },
    HostConfig: {
      // The CLI lists them in no fixed order; dockerd sorts mounts by their target before it mounts them.
      // podman lists anonymous volumes here too, each under a name of its own.
      Binds: (HostConfig.Binds as string[])
        .map((bind) => bind.replace(/^[0-9a-f]{64}:/, '<anonymous>:'))
        .sort(),
      AutoRemove: HostConfig.AutoRemove,
      NetworkMode: HostConfig.NetworkMode,
      Privileged: HostConfig.Privileged,
      RestartPolicy: HostConfig.RestartPolicy,
      Mounts: HostConfig.Mounts ?? null,
    },
    Aliases: NetworkSettings.Networks[network]?.Aliases?.filter((alias) => alias !== id.slice(0, 12)),
  };
}

describe('a plain container through the Engine API', () => {
  it('comes out as `docker create` makes it from the same flags', async () => {
    docker('network', 'create', '--label', label, network);
    const dir = mkdtempSync(path.join(tmpdir(), 'dockhand-create-body-'));
    const spec = (name: string): ContainerSpec => ({
      name,
      image: stack.localImages.shell,
      labels: { 'dockhand.test-create-body': String(process.pid) },
      network,
      networkAliases: ['action'],
      workdir: '/github/workspace',
      entrypoint: 'sh',
      command: ['-c', 'echo "$GREETING"'],
      ports: [],
      mounts: [
        { sourceVolumePath: dir, targetVolumePath: '/github/workspace', readOnly: false },
        { sourceVolumePath: dir, targetVolumePath: '/github/ro', readOnly: true },
        { sourceVolumePath: null, targetVolumePath: '/scratch', readOnly: false },
      ] as ContainerSpec['mounts'],
      options: [],
    });
    // The variable as the CLI takes it, ahead of the image (the hook's env proxy adds it instead).
    const args = createArgs(spec(`cli-${process.pid}`), { autoRemove: true });
    args.splice(args.indexOf('--'), 0, '-e', 'GREETING=hi');
    const byCli = docker(...args);
    const byApi = await engine.create(
      `api-${process.pid}`,
      createBodyOf(spec(`api-${process.pid}`), ['GREETING=hi'], { autoRemove: true }),
    );
    expect(stepFields(byApi)).toEqual(stepFields(byCli));
  });
});

describe("the docker config's proxies", () => {
  it('reach a job container and a step container, and a value the workflow gives wins', async () => {
    const config = mkdtempSync(path.join(tmpdir(), 'dockhand-create-proxies-'));
    // The stack's config (its helper serves the registries), with proxies added.
    const stackConfig = JSON.parse(
      readFileSync(path.join(stack.stackHelper.dockerConfig, 'config.json'), 'utf8'),
    );
    writeFileSync(
      path.join(config, 'config.json'),
      JSON.stringify({
        ...stackConfig,
        proxies: { default: { httpProxy: 'http://proxy.internal:3128', noProxy: 'localhost' } },
      }),
    );
    const runner = testRunner({ HOOK_DOCKER_CONFIG: config });
    runners.push(runner);
    const show = 'echo "[$HTTP_PROXY|$http_proxy|$NO_PROXY|$HTTPS_PROXY]"';
    const result = await replayJob(runner.replayer, {
      container: { image: ecr('dockhand/shell:1'), env: { http_proxy: 'http://mine:8080' } },
      steps: [
        { kind: 'script', script: show },
        { kind: 'container', image: ecr('dockhand/shell:1'), entryPoint: 'sh', args: `-c env` },
      ],
    });
    const output = runner.output();
    expect(result.ok, output).toBe(true);
    expect(output).toContain('[http://proxy.internal:3128|http://mine:8080|localhost|]');
    expect(output).toMatch(/^HTTP_PROXY=http:\/\/proxy\.internal:3128$/m);
    expect(output).toMatch(/^no_proxy=localhost$/m);
  });
});
