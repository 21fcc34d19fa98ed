// Giving _work back at cleanup_job: the container it is done in, which images are tried, what the hook
// reads of the output, and that a failure is a warning while cleanup still removes everything.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupJob } from '../../../src/hook/cleanup-job';
import {
  GIVE_BACK_SCRIPT,
  giveBackOutcome,
  jobImages,
  ownershipContainer,
} from '../../../src/hook/restore-ownership';
import { removeTempDirs } from '../../support/temp';
import { CapturedDaemon, hookContextOn, inspectAnswer } from './captured-daemon';
import { savedState } from './hook-inputs';

afterAll(removeTempDirs);

describe('the container that gives _work back', () => {
  it('mounts only _work, has no network, and only the capabilities chown and chmod need', () => {
    const body = ownershipContainer('sha256:abc', '/home/runner/_work', { 'dockhand.runner': 'r' });
    expect(body.HostConfig.Mounts).toEqual([
      { Type: 'bind', Source: '/home/runner/_work', Target: '/runner_work', ReadOnly: false },
    ]);
    expect(body.HostConfig.NetworkMode).toBe('none');
    expect(body.HostConfig.CapDrop).toEqual(['ALL']);
    expect(body.HostConfig.CapAdd).toEqual(['CHOWN', 'DAC_READ_SEARCH', 'FOWNER']);
    expect(body.HostConfig.SecurityOpt).toEqual(['no-new-privileges']);
    expect(body.User).toBe('0:0');
    expect(body.HostConfig.UsernsMode).toBe('host');
  });

  it('never follows a link and stays on _work file system', () => {
    expect(GIVE_BACK_SCRIPT).toMatch(/^find "\$1" -xdev /);
    expect(GIVE_BACK_SCRIPT).not.toMatch(/ -L | -H | -follow/);
    expect(GIVE_BACK_SCRIPT).toContain('chown -h');
  });
});

describe('giveBackOutcome', () => {
  it('adds up what each batch gave back', () => {
    expect(giveBackOutcome(0, '4096\n4096\n1808\n')).toEqual({ given: 10_000, problem: null });
    expect(giveBackOutcome(0, '')).toEqual({ given: 0, problem: null });
  });

  it('says what find or chown said when it failed, in printable characters', () => {
    expect(giveBackOutcome(1, '12\nchown: /runner_work/x\u001b[31m: Operation not permitted\n')).toEqual({
      given: 12,
      problem: 'find ended with exit code 1: chown: /runner_work/x?[31m: Operation not permitted',
    });
  });
});

function daemonWithJob() {
  const daemon = new CapturedDaemon();
  const { context, text } = hookContextOn(daemon);
  context.config.runnerUser = { uid: 1001, gid: 1001 };
  context.config.workDir = '/home/runner/_work';
  const ours = { 'dockhand.runner': context.runnerId, 'dockhand.job': 'j1' };
  for (const [id, image] of [
    ['db', 'sha256:db'],
    ['job', 'sha256:job'],
    ['cache', 'sha256:db'],
  ] as const) {
    daemon.add('container', id, ours, [], image);
    daemon.answers.set(id, [{ ...inspectAnswer('running', id), Image: image, Config: { Labels: ours } }]);
  }
  daemon.add('container', 'other', { 'dockhand.runner': 'fedcba9876543210' });
  daemon.answers.set('other', [{ ...inspectAnswer('running', 'other'), Image: 'sha256:other' }]);
  return { daemon, context, text };
}

describe('which image gives _work back', () => {
  it("tries the job container's image first, then the services', each once, never another runner's", async () => {
    const { daemon, context } = daemonWithJob();
    const state = savedState({ services: [{ id: 'db', alias: 'db', image: 'r.io/db:1' }] });
    expect(await jobImages(daemon.engine, context.runnerId, state)).toEqual(['sha256:job', 'sha256:db']);
  });
});

describe('cleanup_job giving _work back', () => {
  it('warns when no image of the job is on the host any more, and still removes everything', async () => {
    const { daemon, context, text } = daemonWithJob();
    await cleanupJob(context, savedState());
    expect(text()).toContain(
      '::warning::could not give every file under /home/runner/_work back to the runner user (uid 1001): image job:',
    );
    expect(text()).toContain("Removed this job's containers, network and built images");
    expect([...daemon.objects.keys()]).toEqual(['other']);
    // Nothing was pulled: the Engine API creates only from images on the host.
    expect(daemon.changes.filter((change) => change.startsWith('create'))).toEqual([]);
  });

  it('gives back nothing, and says nothing, when the hook runs as root', async () => {
    const { daemon, context, text } = daemonWithJob();
    context.config.runnerUser = { uid: 0, gid: 0 };
    daemon.imagesOnHost.add('sha256:job');
    await cleanupJob(context, savedState());
    expect(text()).not.toContain('::warning::');
    expect(daemon.changes.filter((change) => change.startsWith('create'))).toEqual([]);
  });

  it('is not tried with HOOK_FEATURES=-restore-ownership', async () => {
    const { daemon, context, text } = daemonWithJob();
    context.config.features['restore-ownership'] = false;
    await cleanupJob(context, savedState());
    expect(text()).not.toContain('::warning::');
    expect(daemon.changes.filter((change) => change.startsWith('create'))).toEqual([]);
  });
});
