import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineHealth } from '@/lib/engine/engine-health';

describe('EngineHealth', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const engine = (answer: () => Promise<void>) => ({
    pings: 0,
    ping() {
      this.pings++;
      return answer();
    },
  });

  it('pings at most once a second however many poll', async () => {
    const e = engine(() => Promise.resolve());
    const health = new EngineHealth(e, 1000, () => Date.now());
    for (let t = 0; t < 10; t++) {
      expect(await health.check()).toBeNull();
      await vi.advanceTimersByTimeAsync(99);
    }
    expect(e.pings).toBe(1); // 990 ms after the first answer
    await vi.advanceTimersByTimeAsync(10);
    await health.check();
    expect(e.pings).toBe(2);
  });

  it('pollers that come while a ping is on its way share it', async () => {
    let answer!: () => void;
    const e = engine(() => new Promise<void>((r) => (answer = r)));
    const health = new EngineHealth(e, 1000, () => Date.now());
    const all = Promise.all([health.check(), health.check(), health.check()]);
    answer();
    expect(await all).toEqual([null, null, null]);
    expect(e.pings).toBe(1);
  });

  it("names the engine's failure, and keeps that answer for the interval too", async () => {
    const e = engine(() => Promise.reject(new Error('connect ENOENT /var/run/docker.sock')));
    const health = new EngineHealth(e, 1000, () => Date.now());
    expect(await health.check()).toBe('Docker engine does not answer: connect ENOENT /var/run/docker.sock');
    expect(await health.check()).toBe('Docker engine does not answer: connect ENOENT /var/run/docker.sock');
    expect(e.pings).toBe(1);
  });
});

describe('EngineHealth changes', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('says when the engine goes away and when it is back, once each', async () => {
    let up = true;
    const changes: (string | null)[] = [];
    const e = { ping: () => (up ? Promise.resolve() : Promise.reject(new Error('connect ECONNREFUSED'))) };
    const health = new EngineHealth(
      e,
      1000,
      () => Date.now(),
      (p) => changes.push(p),
    );
    for (const state of [true, false, false, true, true]) {
      up = state;
      await health.check();
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(changes).toEqual(['Docker engine does not answer: connect ECONNREFUSED', null]);
  });
});
