// Feature pull-progress: the progress line goes to the job log only while the feature is on.
import { describe, expect, it } from 'vitest';
import { PullProgress } from '../../../src/docker/pull-progress';
import { progressBoard } from '../../../src/hook/image-pulls';
import { CapturedDaemon, hookContextOn } from './captured-daemon';

function slowPullLog(features?: string): string {
  const { context, text } = hookContextOn(new CapturedDaemon(), {
    env: features === undefined ? {} : { HOOK_FEATURES: features },
  });
  let clock = 0;
  const board = progressBoard(context, {
    now: () => clock,
    every: () => () => undefined,
    quietMs: 5000,
    intervalMs: 5000,
  });
  board.started('postgres:16', new PullProgress());
  clock = 6000;
  board.tick();
  board.finished('postgres:16');
  return text();
}

describe('feature pull-progress', () => {
  it('prints the progress line of a slow pull when on (the default), nothing when off', () => {
    expect(slowPullLog()).toContain('pulling postgres:16');
    expect(slowPullLog('-pull-progress')).not.toContain('pulling');
  });
});
