import { afterEach, describe, expect, it, vi } from 'vitest';
import { HookEvents } from '../../../src/hook/events';

afterEach(() => {
  vi.useRealTimers();
});

const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('hook events, phases', () => {
  it('counts tasks of a phase that run at once as wall-clock time, and ones after another added up', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const events = new HookEvents('unit');
    // Two creates at once (0-1000 and 500-1500 ms), then a third alone (2000-2500 ms): 2 s, not 2.5 s.
    const first = events.timed('create-start', () => after(1000));
    await vi.advanceTimersByTimeAsync(500);
    const second = events.timed('create-start', () => after(1000));
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all([first, second]);
    expect(events.seconds('create-start')).toBe(1.5);
    await vi.advanceTimersByTimeAsync(500);
    const third = events.timed('create-start', () => after(500));
    await vi.advanceTimersByTimeAsync(500);
    await third;
    expect(events.seconds('create-start')).toBe(2);
    expect(events.seconds('health')).toBe(0);
  });
});
