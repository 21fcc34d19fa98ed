// The stack's real images (test/stack/stack.sh images-real) behave as the official ones do for what jobs
// use, and the registry link can be limited like a real network and freed again.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';
import { docker, stack } from './hook-support';

const local = (image: string) => image.replace(/^dockhand\//, 'dockhand-test/');
const real = stack.realImages;
const started: string[] = [];
afterAll(() => {
  if (started.length) docker('rm', '--force', '--volumes', ...started);
  removeTempDirs();
});

/** Starts a container of `image` with `args` (docker run flags) and returns its id. */
function start(args: string[], image: string, command: string[] = []): string {
  const id = docker(
    'run',
    '--detach',
    '--label',
    'dockhand.test=stack-real-images',
    ...args,
    image,
    ...command,
  );
  started.push(id);
  return id;
}

interface Result {
  status: number | null;
  output: string;
}

/** Polls `docker check` (at most 60 times, 0.5 s apart) until `done`, by default until it exits 0. */
async function until(check: string[], done = (r: Result) => r.status === 0): Promise<Result> {
  let last: Result = { status: null, output: '' };
  for (let i = 0; i < 60; i++) {
    const r = spawnSync('docker', check, { encoding: 'utf8' });
    last = { status: r.status, output: r.stdout + r.stderr };
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return last;
}

describe('stack real images', () => {
  it('postgres: a first start makes POSTGRES_USER, POSTGRES_DB and runs the init scripts; it listens on all addresses', async () => {
    const init = makeTempDir('dockhand-initdb-');
    writeFileSync(
      path.join(init, '01-items.sql'),
      "CREATE TABLE items (name text); INSERT INTO items VALUES ('seeded');\n",
    );
    chmodSync(init, 0o755);
    const pg = start(
      [
        '-e',
        'POSTGRES_PASSWORD=pw-1',
        '-e',
        'POSTGRES_USER=ci',
        '-e',
        'POSTGRES_DB=shop',
        '-v',
        `${init}:/docker-entrypoint-initdb.d:ro`,
      ],
      local(real!.postgres),
    );
    const ready = await until(['exec', pg, 'pg_isready', '-U', 'ci', '-h', '127.0.0.1']);
    expect(ready.status, docker('logs', pg)).toBe(0);
    // Over TCP from another container on the same network, with the password: the path a job takes.
    const ip = docker('inspect', '--format', '{{.NetworkSettings.IPAddress}}', pg);
    const query = [
      '-h',
      ip,
      '-U',
      'ci',
      '-d',
      'shop',
      '-tA',
      '-c',
      'SELECT current_user || current_database() || name FROM items',
    ];
    const client = (password: string) =>
      spawnSync(
        'docker',
        ['run', '--rm', '-e', `PGPASSWORD=${password}`, local(real!.app), 'psql', ...query],
        {
          encoding: 'utf8',
        },
      );
    expect(client('pw-1').stdout).toBe('cishopseeded\n');
    const refused = client('wrong');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('password authentication failed for user "ci"');
  });

  it('postgres: refuses to start uninitialised with no POSTGRES_PASSWORD, saying what to set', async () => {
    const pg = start([], local(real!.postgres));
    const state = ['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', pg];
    expect((await until(state, (r) => r.output.startsWith('exited'))).output).toBe('exited 1\n');
    expect((await until(['logs', pg])).output).toBe(
      'error: the database is not initialised and POSTGRES_PASSWORD is not set: set it, or POSTGRES_HOST_AUTH_METHOD=trust\n',
    );
  });

  it('redis answers on all addresses; the app image has bash, psql and redis-cli', async () => {
    const redis = start([], local(real!.redis));
    const ip = docker('inspect', '--format', '{{.NetworkSettings.IPAddress}}', redis);
    const ping = await until(['run', '--rm', local(real!.app), 'redis-cli', '-h', ip, 'ping']);
    expect(ping.output).toBe('PONG\n');
    expect(docker('run', '--rm', local(real!.app), 'bash', '-c', 'command -v psql redis-cli curl')).toBe(
      '/usr/bin/psql\n/usr/bin/redis-cli\n/usr/bin/curl',
    );
  });

  it('shape on limits the registry link with a token bucket; shape off removes it', () => {
    const shape = (arg: string) =>
      execFileSync('bash', [`${repoRoot}/test/stack/stack.sh`, 'shape', arg], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    const before = shape('status');
    try {
      shape('on');
      expect(shape('status')).toMatch(/qdisc tbf .* rate 200Mbit/);
      shape('off');
      expect(shape('status')).not.toContain('tbf');
    } finally {
      if (before.includes('tbf')) shape('on'); // leave the link as it was found
    }
  });
});
