// One sandbox, one request: whatever the request's end, its sandbox is removed afterwards and the pool
// makes a fresh one, so no program ever finds another's leftovers.

import { describe, expect, it, vi } from 'vitest';
import { makeCore, printAndExit, printAndHang, useFakeTimers, type AgentScript } from './helpers/core-fixture';

/** What the agent does, by the program's source. */
const BY_SOURCE: Record<string, AgentScript> = {
  ok: printAndExit('ok\n'),
  exit1: (a) =>
    a.after(5, () => {
      a.started();
      a.finish({ exit: 1 });
    }),
  broken: (a) => a.after(5, () => a.fail('agent failure')),
  hang: printAndHang(),
};

function setup() {
  return makeCore({
    agent: (a, p) => BY_SOURCE[a.job.files['main.py'].content.toString()](a, p),
    config: { timeoutMs: 1000 },
    languages: ['python'],
  });
}

const ENDS = [
  { end: 'ok', source: 'ok', abortAt: null, outcome: { result: { status: 'ok' } } },
  { end: 'a runtime error', source: 'exit1', abortAt: null, outcome: { result: { status: 'runtime_error' } } },
  { end: 'a sandbox failure', source: 'broken', abortAt: null, outcome: { error: { reason: 'sandbox_failed' } } },
  { end: 'a timeout', source: 'hang', abortAt: null, outcome: { result: { status: 'timeout' } } },
  { end: 'an abort', source: 'hang', abortAt: 100, outcome: { result: { status: 'cancelled' } } },
];

describe('Executor sandbox replacement', () => {
  useFakeTimers();

  it.each(ENDS)('a request that ends in $end: its sandbox is removed and the pool makes a fresh one', async (c) => {
    const core = setup();
    const pool = core.pools.get('python')!;
    await core.start();
    const before = pool.heldIds();
    const ac = new AbortController();
    const s = core.submit(core.request('python', c.source), { signal: ac.signal });
    if (c.abortAt !== null) {
      await vi.advanceTimersByTimeAsync(c.abortAt);
      ac.abort();
    }
    await vi.advanceTimersByTimeAsync(2000);
    expect(s.outcome).toMatchObject({ settled: true, ...c.outcome });
    const [{ id }] = core.jobs;
    expect(before).toContain(id);
    expect(core.engine.container(id)).toBeUndefined();
    expect(pool.heldIds()).not.toContain(id);
    expect(pool.stats()).toMatchObject({ idle: 2, busy: 0, created: 3, destroyed: 1 });
  });

  it('a sandbox is never used twice, over requests in a row and at once', async () => {
    const core = setup();
    const pool = core.pools.get('python')!;
    const acquired: string[] = [];
    const acquire = pool.acquire.bind(pool);
    vi.spyOn(pool, 'acquire').mockImplementation(async (o) => {
      const sandbox = await acquire(o);
      acquired.push(sandbox.id);
      return sandbox;
    });
    await core.start();
    for (const source of ['ok', 'exit1', 'broken', 'hang', 'ok']) {
      core.submit(core.request('python', source));
      await vi.advanceTimersByTimeAsync(2000);
    }
    for (const client of ['a', 'b', 'c', 'd']) core.submit(core.request('python', 'ok', { client }));
    await vi.advanceTimersByTimeAsync(2000);
    expect(acquired).toHaveLength(9);
    expect(new Set(acquired).size).toBe(9);
    expect(core.jobs.map((j) => j.id)).toEqual(acquired);
  });
});
