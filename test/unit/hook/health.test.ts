// The health wait's decisions, from inspect answers captured from the real daemon: healthy, unhealthy,
// exited, timed out, still starting; and the wait around them, with no daemon.
import { describe, expect, it, vi } from 'vitest';
import {
  decideHealth,
  waitForHealthy,
  type HealthWait,
  type WatchedContainer,
} from '../../../src/hook/health';
import { CapturedDaemon, factsOf, inspectAnswer, recordingLog } from './captured-daemon';

const db: WatchedContainer = { id: 'db', role: 'service', alias: 'db', image: 'r.io/postgres:16' };
const cache: WatchedContainer = { id: 'cache', role: 'service', alias: 'cache', image: 'r.io/redis:7' };
const job: WatchedContainer = { id: 'job', role: 'job', alias: 'job', image: 'r.io/builder:1' };
const none = new Set<string>();

describe('health decisions', () => {
  it('is healthy once every service is healthy and the job container runs', () => {
    const facts = [factsOf('healthy', 'db'), factsOf('running', 'cache'), factsOf('running', 'job')];
    expect(decideHealth([db, cache, job], facts, none, false)).toEqual({ state: 'healthy' });
  });

  it.each(['unhealthy', 'exited'] as const)('fails on a service that is %s, even once timed out', (state) => {
    const facts = [factsOf('starting', 'cache'), factsOf(state, 'db'), factsOf('running', 'job')];
    for (const timedOut of [false, true])
      expect(decideHealth([cache, db, job], facts, none, timedOut)).toEqual({ state, container: db });
  });

  it('fails on a job container that exited, and on a container that is gone', () => {
    expect(
      decideHealth([db, job], [factsOf('healthy', 'db'), factsOf('exited', 'job')], none, false),
    ).toEqual({
      state: 'exited',
      container: job,
    });
    expect(decideHealth([db, job], [factsOf('running', 'job')], none, false)).toEqual({
      state: 'exited',
      container: db,
    });
  });

  it("takes no notice of the job container's own health check", () => {
    for (const state of ['unhealthy', 'starting'] as const)
      expect(decideHealth([job], [factsOf(state, 'job')], none, false)).toEqual({ state: 'healthy' });
  });

  it('waits for a starting service, with the health command Docker runs', () => {
    const decision = decideHealth(
      [db, job],
      [factsOf('starting', 'db'), factsOf('running', 'job')],
      none,
      false,
    );
    expect(decision).toMatchObject({ state: 'starting', starting: [{ container: db }] });
    expect(decision.state === 'starting' && decision.starting[0]?.fact?.healthCommand).toEqual([
      '/bin/sh',
      '-c',
      'true',
    ]);
  });

  it('counts a starting service that passed an early check as healthy', () => {
    expect(decideHealth([db], [factsOf('starting', 'db')], new Set(['db']), false)).toEqual({
      state: 'healthy',
    });
  });

  it('times out on the first service still starting at the deadline', () => {
    const facts = [factsOf('healthy', 'cache'), factsOf('starting', 'db')];
    expect(decideHealth([cache, db], facts, none, true)).toEqual({ state: 'timed out', container: db });
  });
});

function healthWait(daemon: CapturedDaemon, overrides: Partial<HealthWait> = {}) {
  const { log, text } = recordingLog();
  const printed: string[] = [];
  const wait: HealthWait = {
    engine: daemon.engine,
    log,
    timeoutMs: 60_000,
    checkEarly: false,
    printLogs: async (container) => {
      printed.push(container.id);
    },
    ...overrides,
  };
  return { wait, text, printed };
}

describe('health wait', () => {
  it('looks again when the daemon reports a change, and stops watching once all are healthy', async () => {
    const daemon = new CapturedDaemon();
    daemon.add('container', 'db', {});
    daemon.answers.set('db', [inspectAnswer('starting', 'db'), inspectAnswer('healthy', 'db')]);
    const { wait, text } = healthWait(daemon);
    const facts = waitForHealthy(wait, [db]);
    await vi.waitFor(() => expect(daemon.watching).toBe(1));
    daemon.event();
    expect((await facts).map((fact) => fact.health)).toEqual(['healthy']);
    expect(text()).toContain('Waiting for the health checks of db (at most 60 s)');
    expect(daemon.watching).toBe(0);
  });

  it('watches nothing when nothing is starting', async () => {
    const daemon = new CapturedDaemon();
    daemon.add('container', 'job', {});
    daemon.answers.set('job', [inspectAnswer('running', 'job')]);
    const { wait, text } = healthWait(daemon);
    await waitForHealthy(wait, [job]);
    expect(daemon.watching).toBe(0);
    expect(text()).toBe('');
  });

  it("runs a starting service's own health check until it passes, and counts it healthy", async () => {
    const daemon = new CapturedDaemon();
    daemon.add('container', 'db', {});
    daemon.answers.set('db', [inspectAnswer('starting', 'db')]);
    let checks = 0;
    daemon.execExitCode = () => (++checks > 2 ? 0 : 1);
    const { wait, text } = healthWait(daemon, { checkEarly: true });
    const facts = await waitForHealthy(wait, [db]);
    expect(facts.map((fact) => fact.health)).toEqual(['starting']);
    expect(daemon.execs.at(-1)).toMatchObject({ id: 'db', command: ['/bin/sh', '-c', 'true'] });
    expect(text()).toContain('Service db passed its health check');
  });

  it.each([
    ['unhealthy', 'service db (r.io/postgres:16) is unhealthy; its logs are printed above'],
    ['exited', 'service db (r.io/postgres:16) is exited; its logs are printed above'],
  ] as const)('prints the logs of a service that is %s and fails', async (state, message) => {
    const daemon = new CapturedDaemon();
    daemon.add('container', 'db', {});
    daemon.answers.set('db', [inspectAnswer('starting', 'db'), inspectAnswer(state, 'db')]);
    const { wait, printed } = healthWait(daemon);
    const facts = waitForHealthy(wait, [db]);
    await vi.waitFor(() => expect(daemon.watching).toBe(1));
    daemon.event();
    await expect(facts).rejects.toThrow(message);
    expect(printed).toEqual(['db']);
    expect(daemon.watching).toBe(0);
  });

  it('fails on a service still starting at the deadline, naming the setting', async () => {
    const daemon = new CapturedDaemon();
    daemon.add('container', 'db', {});
    daemon.answers.set('db', [inspectAnswer('starting', 'db')]);
    const { wait, printed } = healthWait(daemon, { timeoutMs: 1 });
    await expect(waitForHealthy(wait, [db])).rejects.toThrow(
      'service db (r.io/postgres:16) was still starting after 0.001 s (HOOK_HEALTH_TIMEOUT_SECONDS)',
    );
    expect(printed).toEqual(['db']);
  });
});
