// prepare_job against a daemon replaying captured answers: it answers the runner when every service is
// healthy, and when anything fails it removes all it created (by the job's label, and by the ids create
// returned) before the error goes up.
import { afterAll, describe, expect, it } from 'vitest';
import { prepareJob } from '../../../src/hook/prepare-job';
import type { PrepareJobArgs } from '../../../src/protocol/hook-types';
import { removeTempDirs } from '../../support/temp';
import { CapturedDaemon, hookContextOn } from './captured-daemon';
import { jobContainer as container } from './hook-inputs';

afterAll(removeTempDirs);

const job: PrepareJobArgs = {
  container: container('r.io/builder:1'),
  services: [container('r.io/db:1'), container('r.io/cache:1')],
};

function setUp(images: CapturedDaemon['createRules'] = {}) {
  const daemon = new CapturedDaemon();
  daemon.stateOfImage.set('r.io/builder:1', 'running');
  daemon.stateOfImage.set('r.io/db:1', 'healthy');
  daemon.stateOfImage.set('r.io/cache:1', 'running');
  const { context, text } = hookContextOn(daemon, { images });
  // A leftover of an earlier job of this runner, and another runner's container.
  daemon.add('container', 'leftover', { 'dockhand.runner': context.runnerId, 'dockhand.job': 'earlier' });
  daemon.add('container', 'another-runners', { 'dockhand.runner': 'fedcba9876543210' });
  /** What carries this runner's label, or was created, and is still there. */
  const left = () => [...daemon.objects.keys()].filter((id) => id !== 'another-runners').sort();
  return { daemon, context, text, left };
}

describe('prepare_job', () => {
  it('starts the services and the job container, and answers the runner', async () => {
    const { daemon, context, left } = setUp();
    const response = await prepareJob(context, job);
    expect(response.isAlpine).toBe(false);
    expect(response.context?.services).toHaveLength(2);
    expect(response.context?.container?.network).toMatch(/^github_network_/);
    expect(daemon.changes).toContain('remove container leftover');
    // The two services, the job container and the network.
    expect(left()).toHaveLength(4);
  });

  it("ends with one line saying where the time went, and records the same phases and each image's bytes", async () => {
    const { daemon, context, text } = setUp();
    await prepareJob(context, job);
    expect(daemon.pulled.sort()).toEqual(['r.io/builder:1', 'r.io/cache:1', 'r.io/db:1']);
    const lines = text().trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(
      /^prepare_job \d+\.\d s: pulls \d+\.\d s, create\/start \d+\.\d s, health checks \d+\.\d s$/,
    );
    expect(text()).toContain('r.io/db:1: pulled from r.io in ');
    expect(text()).toContain(', 5.0 MB');
    const events = context.events.line({ file: '', runner: 'r', repository: 'o/r', job: 'j' }, null);
    expect(Object.keys(events.phases).sort()).toEqual(['create-start', 'health', 'pulls']);
    // The captured stream: 3001125 + 2000824 bytes downloaded, one layer already there.
    expect(events.images.map((image) => image.bytes)).toEqual([5001949, 5001949, 5001949]);
  });

  it('rolls back when a service is unhealthy: everything it created goes, with the logs printed', async () => {
    const { daemon, context, text, left } = setUp();
    daemon.stateOfImage.set('r.io/db:1', 'unhealthy');
    await expect(prepareJob(context, job)).rejects.toThrow(
      'service db (r.io/db:1) is unhealthy; its logs are printed above',
    );
    expect(text()).toContain('Service db (r.io/db:1) logs');
    expect(left()).toEqual([]);
    expect(daemon.objects.has('another-runners')).toBe(true);
  });

  it('rolls back when a create fails, removing even a container that came without its labels', async () => {
    const { context, left } = setUp({ failing: ['r.io/builder:1'], unlabelled: ['r.io/cache:1'] });
    await expect(prepareJob(context, job)).rejects.toThrow('cannot create a container of r.io/builder:1');
    expect(left()).toEqual([]);
  });

  it('says a rollback that could not finish, and fails with the first error', async () => {
    const { daemon, context, text, left } = setUp({ failing: ['r.io/builder:1'] });
    const firstCreated = `01${'c'.repeat(62)}`;
    daemon.refuseRemoval.add(firstCreated);
    await expect(prepareJob(context, job)).rejects.toThrow('cannot create a container of r.io/builder:1');
    expect(text()).toContain('rollback incomplete (cleanup_job will retry): could not remove a container');
    expect(left()).toContain(firstCreated);
  });
});
