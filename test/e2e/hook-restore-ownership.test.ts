// The workspace belongs to the runner again (actions/runner#434): the hook runs as a non-root runner user
// in the docker group, a root job container writes under _work, and after cleanup_job that user owns all
// of it and can empty it, as the next job's checkout does; nothing outside _work changes owner.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runnerIdOf } from '../../src/hook/config';
import { jobContainer, replayJob, scriptStep, type StepSource } from '../../src/replay';
import { loadSecrets } from '../support/stack';
import { makeTempDir, removeTempDirs } from '../support/temp';
import { giveTo, nodeAs, runnerUser, type RunnerUser } from './cli-support';
import {
  buildShellImage,
  containersLabelled,
  docker,
  plain,
  removeBuiltImages,
  stack,
  testRunner,
  type TestRunner,
} from './hook-support';

let runner: TestRunner | undefined;
afterEach(() => {
  runner?.dispose();
  runner = undefined;
});
afterAll(() => {
  removeTempDirs();
  removeBuiltImages();
});

const secrets = loadSecrets();
const credentials = { username: secrets.plainUser, password: secrets.plainPassword };
const shell = plain('dockhand/shell:1');

/** A runner whose folder, docker config and private folder are `user`'s, and whose hook runs as `user`. */
function runnerOf(user: RunnerUser, env: Record<string, string> = {}): TestRunner {
  const dockerConfig = makeTempDir('dockhand-config-');
  writeFileSync(path.join(dockerConfig, 'config.json'), '{}');
  giveTo(user, dockerConfig);
  const made = testRunner(
    { HOME: user.home, HOOK_DOCKER_CONFIG: dockerConfig, ...env },
    { nodePath: nodeAs(user) },
  );
  chmodSync(made.root, 0o755);
  giveTo(user, path.join(made.root, 'runner'), path.join(made.root, 'private'));
  return made;
}

/** Folders and a file outside _work, root's, that links under _work point at. */
function outsideOf(root: string): { dir: string; file: string; volume: string } {
  const dir = path.join(root, 'outside');
  mkdirSync(path.join(dir, 'volume'), { recursive: true });
  writeFileSync(path.join(dir, 'file'), 'root only\n', { mode: 0o600 });
  return { dir, file: path.join(dir, 'file'), volume: path.join(dir, 'volume') };
}

/** Every entry under `dir` (links not followed) that is not uid:gid's. */
function notOwnedBy(dir: string, user: RunnerUser): string[] {
  const stray: string[] = [];
  const visit = (entry: string) => {
    const stat = lstatSync(entry);
    if (stat.uid !== user.uid || stat.gid !== user.gid) stray.push(`${entry} (${stat.uid}:${stat.gid})`);
    if (stat.isDirectory()) for (const name of readdirSync(entry)) visit(path.join(entry, name));
  };
  visit(dir);
  return stray;
}

/** What the next job's checkout does to the workspace, as the runner user: empty it and write anew. */
function checkoutAs(user: RunnerUser, workspace: string) {
  return spawnSync(
    'setpriv',
    [
      `--reuid=${user.uid}`,
      `--regid=${user.gid}`,
      '--clear-groups',
      'sh',
      '-c',
      'rm -rf "$1" && mkdir "$1" && echo checked out > "$1/README"',
      'sh',
      workspace,
    ],
    { encoding: 'utf8' },
  );
}

/** What a root job writes: nested folders, a read-only folder of files, links out, and the other mounts. */
const ROOT_WRITES = [
  'mkdir -p nested/deeper/deepest && echo x > nested/deeper/deepest/file',
  'mkdir readonly && echo y > readonly/inside && chmod 555 readonly',
  'echo t > /__w/_temp/from-job && mkdir -p /__w/_tool/cache && echo c > /__w/_tool/cache/tool',
  'mkdir -p /github/home/.cache && echo h > /github/home/.cache/h',
].join('\n');

const ownershipLine = /Gave (\d+) files, folders and links under (.+) back to the runner user \(uid (\d+)\)/;

describe('cleanup_job gives _work back to a non-root runner user', () => {
  const user = runnerUser('dockhand-cli');

  it('after a root job container wrote 10,000 files, folders, a read-only folder and links out', async () => {
    runner = runnerOf(user);
    const { layout } = runner.replayer;
    const outside = outsideOf(runner.root);
    const tree =
      'for d in $(seq 1 100); do mkdir -p tree/d$d && (cd tree/d$d && seq 1 100 | xargs touch); done';
    const links = `ln -s ${outside.file} link-to-file && ln -s ${outside.dir} link-to-folder`;
    const result = await replayJob(runner.replayer, {
      container: { image: shell, credentials, volumes: [`${outside.volume}:/outside-volume`] },
      steps: [
        {
          kind: 'script',
          script: [ROOT_WRITES, tree, links, 'echo v > /outside-volume/written-by-job'].join('\n'),
        },
      ],
    });
    expect(result.ok, runner.output()).toBe(true);
    const line = ownershipLine.exec(runner.output());
    expect(line, runner.output()).not.toBeNull();
    expect(Number(line?.[1])).toBeGreaterThanOrEqual(10_100);
    expect(line?.[3]).toBe(String(user.uid));
    expect(runner.output()).not.toContain('::warning::');
    expect(notOwnedBy(layout.work, user)).toEqual([]);
    // Nothing outside _work changed owner: not the links' targets, not a volume the workflow mounted.
    for (const entry of [
      outside.dir,
      outside.file,
      outside.volume,
      path.join(outside.volume, 'written-by-job'),
    ])
      expect(lstatSync(entry).uid, entry).toBe(0);
    expect(lstatSync(outside.file).mode & 0o777).toBe(0o600);
    expect(containersLabelled(`dockhand.runner=${runnerIdOf(layout.temp)}`)).toEqual([]);
    const checkout = checkoutAs(user, layout.workspace);
    expect(checkout.stderr).toBe('');
    expect(checkout.status).toBe(0);
  });

  it('leaves them root-owned with HOOK_FEATURES=-restore-ownership, and the checkout fails', async () => {
    runner = runnerOf(user, { HOOK_FEATURES: '-restore-ownership' });
    const { layout } = runner.replayer;
    const result = await replayJob(runner.replayer, {
      container: { image: shell, credentials },
      steps: [{ kind: 'script', script: ROOT_WRITES }],
    });
    expect(result.ok, runner.output()).toBe(true);
    expect(runner.output()).not.toMatch(ownershipLine);
    expect(lstatSync(path.join(layout.workspace, 'readonly', 'inside')).uid).toBe(0);
    const checkout = checkoutAs(user, layout.workspace);
    expect(checkout.status).not.toBe(0);
    expect(checkout.stderr).toContain('Permission denied');
  });

  it('when a folder under _work was replaced by a link to a folder outside it between steps', async () => {
    runner = runnerOf(user);
    const { layout } = runner.replayer;
    const outside = outsideOf(runner.root);
    const steps: StepSource = (index) => {
      if (index === 0) return { kind: 'script', script: 'mkdir -p made && echo m > made/file' };
      if (index > 1) return undefined;
      // What a job with the docker socket can do to the host's _work between its steps.
      rmSync(layout.toolCache, { recursive: true, force: true });
      symlinkSync(outside.dir, layout.toolCache);
      return { kind: 'skip' };
    };
    const result = await replayJob(runner.replayer, { container: { image: shell, credentials }, steps });
    expect(result.cleanup?.exitCode, runner.output()).toBe(0);
    expect(notOwnedBy(layout.work, user)).toEqual([]);
    expect(lstatSync(layout.toolCache).isSymbolicLink()).toBe(true);
    for (const entry of [outside.dir, outside.file, outside.volume])
      expect(lstatSync(entry).uid, entry).toBe(0);
  });

  it('after a services-only job whose Docker action wrote as root', async () => {
    runner = runnerOf(user);
    const { layout } = runner.replayer;
    const result = await replayJob(runner.replayer, {
      services: [{ image: plain('dockhand/web:1'), credentials }],
      steps: [
        {
          kind: 'container',
          image: shell,
          credentials,
          entryPoint: 'sh',
          args: '-c "mkdir -p by-action/inner && echo a > by-action/inner/file"',
        },
      ],
    });
    expect(result.ok, runner.output()).toBe(true);
    expect(lstatSync(path.join(layout.workspace, 'by-action', 'inner', 'file')).uid).toBe(user.uid);
    expect(notOwnedBy(layout.work, user)).toEqual([]);
    expect(runner.output()).toMatch(ownershipLine);
  });

  it('when the job container already died', async () => {
    runner = runnerOf(user);
    const { replayer } = runner;
    const prepare = await replayer.prepareJob({
      container: jobContainer({ image: shell, credentials }, replayer.layout),
      services: [],
    });
    expect(prepare.exitCode, runner.output()).toBe(0);
    const step = await replayer.runScriptStep(scriptStep({ script: ROOT_WRITES }, replayer.layout));
    expect(step.exitCode, runner.output()).toBe(0);
    docker('kill', prepare.response?.context?.container?.id ?? '');
    const cleanup = await replayer.cleanupJob();
    expect(cleanup.exitCode, runner.output()).toBe(0);
    expect(notOwnedBy(replayer.layout.work, user)).toEqual([]);
  });

  it('warns in one line when no image of the job can run the chown, and the cleanup still succeeds', async () => {
    // A service image without a shell: the only image of a services-only job.
    const image = buildShellImage('dockhand-e2e/no-shell:1', [
      'RUN ["/bin/busybox", "rm", "/bin/sh"]',
      'CMD ["tail", "-f", "/dev/null"]',
    ]);
    runner = runnerOf(user, { HOOK_PULL_POLICY: 'never' });
    const result = await replayJob(runner.replayer, {
      services: [{ image }],
      steps: [
        {
          kind: 'container',
          image: stack.localImages.shell,
          entryPoint: 'sh',
          args: '-c "echo a > by-action"',
        },
      ],
    });
    expect(result.ok, runner.output()).toBe(true);
    const warnings = runner.output().match(/::warning::.*/g) ?? [];
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /could not give every file under .* back to the runner user \(uid \d+\): image [0-9a-f]{12} has no sh or cat \(exit 12[67]\)/,
    );
    expect(runner.output()).toContain("Removed this job's containers, network and built images");
    expect(containersLabelled(`dockhand.runner=${runnerIdOf(runner.replayer.layout.temp)}`)).toEqual([]);
  });
});

it('a hook running as root gives nothing back and says nothing', async () => {
  runner = testRunner();
  const result = await replayJob(runner.replayer, {
    container: { image: shell, credentials },
    steps: [{ kind: 'script', script: 'echo x > root-file' }],
  });
  expect(result.ok, runner.output()).toBe(true);
  expect(runner.output()).not.toMatch(ownershipLine);
  expect(runner.output()).not.toContain('::warning::');
  expect(
    execFileSync('stat', ['-c', '%u', path.join(runner.replayer.layout.workspace, 'root-file')], {
      encoding: 'utf8',
    }).trim(),
  ).toBe('0');
});
