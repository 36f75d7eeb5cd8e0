// Fair sharing and the limits on waiting: one client's requests over its in-flight cap wait behind
// each other (not behind other clients'), every wait is bounded by the acquire timeout (busy), and
// the lines are bounded by maxQueue (queue_full).

import { describe, expect, it, vi } from 'vitest';
import { eventTypes, makeCore, useFakeTimers, type CoreOptions } from './helpers/core-fixture';

/** Programs named "run <ms>" start, run that long, print their name and exit; others never end. */
const core = (over: CoreOptions = {}) =>
  makeCore({
    agent: (a) =>
      a.after(0, () => {
        a.started();
        const source = a.job.files['main.py'].content.toString();
        const ms = /^run (\d+)$/.exec(source)?.[1];
        if (ms) a.after(Number(ms), () => (a.stdout(source), a.finish()));
      }),
    languages: ['python'],
    ...over,
    config: { clientMaxInFlight: 1, acquireTimeoutMs: 1000, ...over.config },
  });

const sources = (c: ReturnType<typeof core>) => c.jobs.map((j) => j.job.files['main.py'].content.toString());

describe('Executor fair sharing and waiting limits', () => {
  useFakeTimers();

  it('with clientMaxInFlight 1, a second request of the same client waits for the first to finish', async () => {
    const c = core();
    await c.start();
    const first = c.submit(c.request('python', 'run 500'));
    const second = c.submit(c.request('python', 'run 10'));
    await vi.advanceTimersByTimeAsync(499);
    expect(eventTypes(second.events)).toEqual(['queued']);
    expect(sources(c)).toEqual(['run 500']);
    await vi.advanceTimersByTimeAsync(1);
    expect(first.outcome.result).toMatchObject({ status: 'ok' });
    expect(sources(c)).toEqual(['run 500', 'run 10']);
    await vi.advanceTimersByTimeAsync(20);
    expect(second.outcome.result).toMatchObject({ status: 'ok', run: { stdout: 'run 10' } });
    // QueueMS is the wait for a sandbox (as the seed's answer always said), not the wait for a turn.
    expect(second.outcome.result!.queueMs).toBe(0);
  });

  it("another client's request does not wait for the first client's", async () => {
    const c = core();
    await c.start();
    c.submit(c.request('python', 'run 500'));
    const other = c.submit(c.request('python', 'run 10', { client: 'client-b' }));
    await vi.advanceTimersByTimeAsync(20);
    expect(other.outcome.result).toMatchObject({ status: 'ok', run: { stdout: 'run 10' } });
  });

  it.each([
    { what: 'whose turn', client: 'client-a', pool: {} },
    { what: 'that gets no sandbox', client: 'client-b', pool: { size: 1, maxTotal: 1 } },
  ])('a request $what within the acquire timeout rejects with busy', async ({ client, pool }) => {
    const c = core({ pool });
    await c.start();
    c.submit(c.request('python', 'forever'));
    const late = c.submit(c.request('python', 'run 10', { client }));
    await vi.advanceTimersByTimeAsync(999);
    expect(late.outcome.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(late.outcome.error).toMatchObject({ reason: 'busy' });
    expect(sources(c)).toEqual(['forever']);
  });

  it('the wait for a turn and the wait for a sandbox share one acquire timeout', async () => {
    const c = core({ pool: { size: 2, maxTotal: 2 } });
    await c.start();
    c.engine.createRule = () => 'hang'; // no replacement sandbox ever comes
    c.submit(c.request('python', 'forever', { client: 'client-b' }));
    c.submit(c.request('python', 'run 600'));
    const second = c.submit(c.request('python', 'run 10'));
    await vi.advanceTimersByTimeAsync(600); // its turn, with 400 ms of the timeout left for a sandbox
    expect(second.outcome.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(399);
    expect(second.outcome.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    // The message names the wait the client was promised, not the 400 ms left of it for the sandbox,
    // so two refused runs read the same however long each waited for its turn.
    expect(second.outcome.error).toMatchObject({
      reason: 'busy',
      message: 'no sandbox became free within 1000 ms',
    });
  });

  it('a request past maxQueue waiting for a sandbox rejects at once with queue_full', async () => {
    const c = core({ pool: { size: 1, maxTotal: 1 }, config: { maxQueue: 1 } });
    await c.start();
    c.submit(c.request('python', 'forever'));
    const waiting = c.submit(c.request('python', 'run 10', { client: 'client-b' }));
    await vi.advanceTimersByTimeAsync(0);
    const refused = c.submit(c.request('python', 'run 10', { client: 'client-c' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(refused.outcome.error).toMatchObject({ reason: 'queue_full' });
    expect(waiting.outcome.settled).toBe(false);
  });

  it('a request past maxQueue waiting for its turn rejects at once with queue_full', async () => {
    const c = core({ config: { maxQueue: 1 } });
    await c.start();
    c.submit(c.request('python', 'forever'));
    const waiting = c.submit(c.request('python', 'run 10'));
    const refused = c.submit(c.request('python', 'run 10'));
    await vi.advanceTimersByTimeAsync(0);
    expect(refused.outcome.error).toMatchObject({ reason: 'queue_full' });
    expect(waiting.outcome.settled).toBe(false);
  });
});
