// cleanup_job against a daemon replaying captured answers: services' logs printed as text, only this
// runner's containers read, everything of this runner removed, the state's key gone.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupJob } from '../../../src/hook/cleanup-job';
import { makeStateKey } from '../../../src/hook/state-key';
import { removeTempDirs } from '../../support/temp';
import { CapturedDaemon, hookContextOn, inspectAnswer } from './captured-daemon';
import { savedState } from './hook-inputs';

afterAll(removeTempDirs);

describe('cleanup_job', () => {
  it("prints each service's log between stop-commands, then removes all of this runner's", async () => {
    const daemon = new CapturedDaemon();
    const { context, text } = hookContextOn(daemon);
    const ours = { 'dockhand.runner': context.runnerId, 'dockhand.job': 'j1' };
    const labelled = { ...inspectAnswer('running', 'db'), Config: { Labels: ours } };
    daemon.add('container', 'db', ours, ['net']);
    daemon.answers.set('db', [labelled]);
    daemon.add('container', 'other', { 'dockhand.runner': 'fedcba9876543210' });
    daemon.answers.set('other', [inspectAnswer('running', 'other')]);
    daemon.add('network', 'net', ours);
    const { privateBase } = context.config;
    const keyFile = path.join(privateBase, makeStateKey(privateBase, context.runnerId).name);
    const services = [
      { id: 'db', alias: 'db', image: 'r.io/db:1' },
      { id: 'other', alias: 'other', image: 'r.io/x:1' },
    ];
    await cleanupJob(context, savedState({ services, container: null }));
    expect(text()).toMatch(/::stop-commands::([0-9a-f]{32})\nlog of db\n::\1::/);
    expect(text()).toContain('(not shown: other is not a container of this runner)');
    expect([...daemon.objects.keys()]).toEqual(['other']);
    expect(existsSync(keyFile)).toBe(false);
  });

  it('removes the state key even when a removal fails, and says what failed', async () => {
    const daemon = new CapturedDaemon();
    const { context } = hookContextOn(daemon);
    daemon.add('container', 'stuck', { 'dockhand.runner': context.runnerId });
    daemon.refuseRemoval.add('stuck');
    const { privateBase } = context.config;
    const keyFile = path.join(privateBase, makeStateKey(privateBase, context.runnerId).name);
    await expect(cleanupJob(context, null)).rejects.toThrow('could not remove a container');
    expect(existsSync(keyFile)).toBe(false);
  });
});
