// Who `dockhand` acts as on a runner folder, through the built bundle: root becomes the folder's owner,
// stays root only on a folder nobody else can change, and never hands its own environment to a program
// the runner user picked; another user acts only on its own folder. Each test is an attack a runner user
// (or a job, which runs as that user) can make with no help.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadStack } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';
import {
  giveTo,
  makeScratchRunner,
  removeScratch,
  runCli,
  runnerUser,
  type RunnerUser,
  type Scratch,
} from './cli-support';

const ecrHost = loadStack().registries.ecrUsEast1;

let scratch: Scratch | undefined;
afterEach(() => {
  removeScratch(scratch);
  scratch = undefined;
});
afterAll(removeTempDirs);

/** Runs `script` with sh as `user`, no supplementary groups. */
function asUser(user: RunnerUser, script: string): void {
  execFileSync('setpriv', [
    `--reuid=${user.uid}`,
    `--regid=${user.gid}`,
    '--clear-groups',
    'sh',
    '-c',
    script,
  ]);
}

/** A program that records who ran it and with what environment into `record`, and answers as docker. */
function spy(file: string, record: string): void {
  writeFileSync(file, `#!/bin/sh\n{ id -u; env; } > '${record}'\necho 27.0.0\n`);
  chmodSync(file, 0o755);
}

/**
 * What a runner user can do alone: replace its own runner folder by a link to a folder root owns and
 * everyone can write (as /tmp, /var/tmp, /dev/shm are), and fill that folder as it likes.
 */
function runnerFolderLinkedToShared(user: RunnerUser): { link: string; shared: string; top: string } {
  const top = makeTempDir('dockhand-privileges-');
  chmodSync(top, 0o755);
  const shared = path.join(top, 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  const home = path.join(top, 'home');
  mkdirSync(home);
  giveTo(user, home);
  const link = path.join(home, 'actions-runner');
  asUser(user, `ln -s '${shared}' '${link}'`);
  return { link, shared, top };
}

describe('dockhand as root on a runner folder the runner user can redirect', () => {
  it('doctor refuses a link to a root-owned folder others can write, and runs nothing from it', () => {
    const user = runnerUser();
    const { link, shared } = runnerFolderLinkedToShared(user);
    const record = path.join(shared, 'ran');
    asUser(
      user,
      `mkdir '${shared}/evil' && printf '#!/bin/sh\\nid -u > ${record}\\necho 27.0.0\\n' > '${shared}/evil/docker' && chmod 755 '${shared}/evil/docker' && echo 'PATH=${shared}/evil:/usr/bin:/bin' > '${shared}/.env'`,
    );
    const result = runCli(['doctor', '--runner', link], { HOME: '/root' });
    expect(existsSync(record)).toBe(false);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^dockhand: ${shared} is root's, but it is writable by others \\(mode 1777\\): .*\\n$`),
    );
  });

  it.each([['install'], ['uninstall'], ['rollback']])(
    '%s refuses it too, and writes no docker config where its .env points',
    (command) => {
      const user = runnerUser();
      const { link, shared, top } = runnerFolderLinkedToShared(user);
      // A folder only root may write, which the planted .env names as the docker config.
      const rootOnly = path.join(top, 'root-only');
      mkdirSync(rootOnly, { mode: 0o700 });
      asUser(
        user,
        `cd '${shared}' && mkdir -p bin externals/node20/bin .dockhand && touch config.sh run.sh bin/Runner.Listener && ln -s '${process.execPath}' externals/node20/bin/node && echo 'HOOK_DOCKER_CONFIG=${rootOnly}' > .env`,
      );
      const args =
        command === 'install'
          ? ['install', '--runner', link, '--registry', ecrHost]
          : [command, '--runner', link];
      const result = runCli(args, { HOME: '/root' });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^dockhand: .* is root's, but it is writable by others .*\n$/);
      expect(readdirSync(rootOnly)).toEqual([]);
      expect(readdirSync(path.join(shared, '.dockhand'))).toEqual([]);
    },
  );

  it("refuses a root-owned runner folder inside a folder the runner user owns, and keeps root's files root's", () => {
    const user = runnerUser();
    const top = makeTempDir('dockhand-privileges-');
    chmodSync(top, 0o755);
    const home = path.join(top, 'home');
    mkdirSync(home);
    giveTo(user, home);
    scratch = makeScratchRunner('');
    const runner = path.join(home, 'actions-runner');
    execFileSync('cp', ['-a', scratch.runner, runner]);
    const result = runCli(['doctor', '--runner', runner], { HOME: '/root' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^dockhand: ${runner} is root's, but ${home} above it belongs to uid ${user.uid}: .*\\n$`),
    );
  });

  it("doctor, through a root-made link to the runner user's folder, runs the docker .env names as that user with only that user's environment", () => {
    const user = runnerUser();
    scratch = makeScratchRunner('');
    const record = path.join(scratch.runner, 'seen');
    spy(path.join(scratch.runner, 'docker'), record);
    writeFileSync(path.join(scratch.runner, '.env'), `PATH=${scratch.runner}:/usr/bin:/bin\n`);
    giveTo(user, scratch.runner);
    const link = path.join(scratch.root, 'runner-link');
    symlinkSync(scratch.runner, link);
    runCli(['doctor', '--runner', link], {
      HOME: '/root',
      AWS_SECRET_ACCESS_KEY: 'root-only-secret-value',
      DOCKER_HOST: 'tcp://root-only-daemon:2376',
    });
    const seen = readFileSync(record, 'utf8');
    expect(seen.split('\n')[0]).toBe(String(user.uid));
    expect(seen).not.toContain('root-only');
    expect(seen).toContain(`\nHOME=${user.home}\n`);
    expect(seen).toContain(`\nPATH=${scratch.runner}:/usr/bin:/bin\n`);
  });
});

describe('dockhand as a user who does not own the runner folder', () => {
  it.each([['doctor'], ['uninstall']])(
    '%s refuses in one line and starts nothing the owner named',
    (command) => {
      const owner = runnerUser();
      const other = runnerUser('dockhand-other');
      scratch = makeScratchRunner('');
      const drop = path.join(scratch.root, 'drop');
      mkdirSync(drop);
      chmodSync(drop, 0o1777);
      const record = path.join(drop, 'ran');
      spy(path.join(scratch.runner, 'docker'), record);
      writeFileSync(path.join(scratch.runner, '.env'), `PATH=${scratch.runner}:/usr/bin:/bin\n`);
      giveTo(owner, scratch.runner);
      const result = runCli([command, '--runner', scratch.runner], {}, other);
      expect(existsSync(record)).toBe(false);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        `dockhand: ${scratch.runner} belongs to uid ${owner.uid}, not to ${other.name}: run dockhand as the runner folder's owner, or as root (it then becomes that owner)\n`,
      );
    },
  );
});
