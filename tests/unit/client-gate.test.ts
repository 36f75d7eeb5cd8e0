import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClientGate } from '@/lib/pool/client-gate';
import { PoolAbortedError, PoolQueueFullError, PoolTimeoutError } from '@/lib/pool/errors';

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('ClientGate', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a client have its cap going at once; the rest wait their turn in order', async () => {
    const gate = new ClientGate({ perClient: 2, maxWaiting: 10 });
    const order: string[] = [];
    const leaves = await Promise.all([gate.enter('a', { timeoutMs: 1000 }), gate.enter('a', { timeoutMs: 1000 })]);
    const third = gate.enter('a', { timeoutMs: 1000 }).then((l) => (order.push('a3'), l));
    const fourth = gate.enter('a', { timeoutMs: 1000 }).then((l) => (order.push('a4'), l));
    await flush();
    expect(gate.running('a')).toBe(2);
    expect(gate.waiting('a')).toBe(2);
    expect(order).toEqual([]);
    leaves[0]();
    leaves[0](); // a second call gives nothing more back
    await flush();
    expect(order).toEqual(['a3']);
    leaves[1]();
    await flush();
    expect(order).toEqual(['a3', 'a4']);
    (await third)();
    (await fourth)();
    expect(gate.running('a')).toBe(0);
  });

  it('never makes one client wait for another', async () => {
    const gate = new ClientGate({ perClient: 1, maxWaiting: 10 });
    await gate.enter('flood', { timeoutMs: 1000 });
    void gate.enter('flood', { timeoutMs: 1000 });
    const victim = await gate.enter('victim', { timeoutMs: 1000 });
    expect(gate.running('victim')).toBe(1);
    victim();
  });

  it('gives up on a turn that does not come within the timeout, or when the caller aborts', async () => {
    const gate = new ClientGate({ perClient: 1, maxWaiting: 10 });
    const leave = await gate.enter('a', { timeoutMs: 1000 });
    const late = gate.enter('a', { timeoutMs: 500 });
    const ac = new AbortController();
    const aborted = gate.enter('a', { timeoutMs: 5000, signal: ac.signal });
    vi.advanceTimersByTime(500);
    await expect(late).rejects.toBeInstanceOf(PoolTimeoutError);
    ac.abort();
    await expect(aborted).rejects.toBeInstanceOf(PoolAbortedError);
    expect(gate.waiting('a')).toBe(0);
    leave();
    expect(gate.running('a')).toBe(0);
  });

  it('turns a client away at once when its queue is full', async () => {
    const gate = new ClientGate({ perClient: 1, maxWaiting: 1 });
    await gate.enter('a', { timeoutMs: 1000 });
    void gate.enter('a', { timeoutMs: 1000 });
    await expect(gate.enter('a', { timeoutMs: 1000 })).rejects.toBeInstanceOf(PoolQueueFullError);
    await expect(gate.enter('b', { timeoutMs: 1000 })).resolves.toBeTypeOf('function');
  });
});
