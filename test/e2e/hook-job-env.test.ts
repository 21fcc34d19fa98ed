// A job's variables reach its containers exactly as given and never act on the host: a job PATH that
// points at a planted credential helper and an LD_PRELOAD library, with `options: --pull always` so that
// the docker CLI does start a credential helper, must leave no mark on the host.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { containerStep, jobContainer, serviceContainer } from '../../src/replay';
import { docker, ecr, stack, testRunner, type SavedState, type TestRunner } from './hook-support';

let runner: TestRunner;
let marks: { helper: string; preload: string };
let jobEnv: Record<string, string>;

const CERT =
  '-----BEGIN CERTIFICATE-----\nMIIB%0Aabc=\r\nline 3 with a $dollar and "quotes"\n-----END CERTIFICATE-----\n';

beforeEach(() => {
  runner = testRunner();
  const attack = path.join(runner.root, 'attack');
  mkdirSync(attack);
  marks = { helper: path.join(attack, 'helper-ran'), preload: path.join(attack, 'preload-loaded') };
  // A helper with the name the stack's docker config maps every registry to, first on the job's PATH.
  const helper = path.join(attack, `docker-credential-${stack.stackHelper.name}`);
  const realHelper = path.join(stack.stackHelper.binDir, path.basename(helper));
  writeFileSync(helper, `#!/bin/sh\ntouch '${marks.helper}'\nexec '${realHelper}' "$@"\n`);
  chmodSync(helper, 0o755);
  // A library that marks every dynamically linked process it is loaded into (node, sh, the helpers).
  const source = path.join(attack, 'mark.c');
  writeFileSync(
    source,
    `#include <fcntl.h>\n#include <unistd.h>\n__attribute__((constructor)) static void mark(void) {\n  int fd = open("${marks.preload}", O_WRONLY | O_CREAT, 0644);\n  if (fd >= 0) close(fd);\n}\n`,
  );
  const library = path.join(attack, 'mark.so');
  execFileSync('cc', ['-shared', '-fPIC', '-o', library, source]);
  jobEnv = {
    PATH: `${attack}:${stack.stackHelper.binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    LD_PRELOAD: library,
    CERT,
    DOCKER_HOST: 'tcp://127.0.0.1:1',
    DOCKER_CONFIG: attack,
    // Went through docker's --env-file before, which cannot carry a line break.
    DOCKER_TLS_CA: CERT,
  };
});
afterEach(() => runner.dispose());

/** The environment a container was created with, as NAME -> value. */
function createdEnv(id: string): Record<string, string> {
  const entries = JSON.parse(docker('inspect', '--format', '{{json .Config.Env}}', id)) as string[];
  return Object.fromEntries(
    entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

function expectNoMarks(): void {
  expect({
    'planted credential helper ran on the host': existsSync(marks.helper),
    'LD_PRELOAD was loaded into a host process': existsSync(marks.preload),
  }).toEqual({
    'planted credential helper ran on the host': false,
    'LD_PRELOAD was loaded into a host process': false,
  });
}

describe('hook, job variables', () => {
  it('reach the job and service containers as given, never a host process (prepare_job)', async () => {
    const { replayer } = runner;
    const prepare = await replayer.prepareJob({
      container: jobContainer(
        { image: ecr('dockhand/shell:1'), env: jobEnv, options: '--pull always' },
        replayer.layout,
      ),
      services: [
        serviceContainer({
          image: ecr('dockhand/web:1'),
          env: jobEnv,
          options: '--pull always -e FROM_OPTIONS=options --env CERT=from-options',
        }),
      ],
    });
    try {
      expect(prepare.exitCode, runner.output()).toBe(0);
      const state = replayer.state as SavedState;
      const job = createdEnv(state.container!.id);
      const service = createdEnv(state.services[0]!.id);
      for (const env of [job, service]) {
        expect(env.PATH).toBe(jobEnv.PATH);
        expect(env.LD_PRELOAD).toBe(jobEnv.LD_PRELOAD);
        expect(env.DOCKER_HOST).toBe('tcp://127.0.0.1:1');
        expect(env.DOCKER_CONFIG).toBe(jobEnv.DOCKER_CONFIG);
        expect(env.DOCKER_TLS_CA).toBe(CERT);
        expect(env.GITHUB_ACTIONS).toBe('true');
      }
      expect(job.CERT).toBe(CERT);
      // options come last, as with the runner: their -e wins over the job's value.
      expect(service.CERT).toBe('from-options');
      expect(service.FROM_OPTIONS).toBe('options');
      expectNoMarks();
    } finally {
      expect((await replayer.cleanupJob()).exitCode, runner.output()).toBe(0);
    }
  });

  it('reach a docker:// step as given, never a host process (run_container_step)', async () => {
    const { replayer } = runner;
    const step = await replayer.runContainerStep({
      ...containerStep(
        {
          image: ecr('dockhand/shell:1'),
          entryPoint: 'sh',
          args: '-c "cat /proc/self/environ > /github/workspace/environ"',
          env: jobEnv,
        },
        replayer.layout,
      ),
      createOptions: '--pull always',
    });
    expect(step.exitCode, runner.output()).toBe(0);
    const environ = readFileSync(path.join(replayer.layout.workspace, 'environ'), 'utf8').split('\0');
    for (const [name, value] of Object.entries(jobEnv)) expect(environ).toContain(`${name}=${value}`);
    expectNoMarks();
  });
});
