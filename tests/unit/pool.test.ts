import { describe, expect, it, vi } from 'vitest';
import { Capacity } from '@/lib/pool/capacity';
import { Pool, poolTotals, type Factory, type PoolStats } from '@/lib/pool/pool';
import {
  PoolAbortedError,
  PoolClosedError,
  PoolQueueFullError,
  PoolTimeoutError,
  PoolUnavailableError,
} from '@/lib/pool/errors';

/** A factory whose creates are resolved by the test, one at a time. */
class ManualFactory implements Factory<number> {
  next = 1;
  pending: { resolve: (n: number) => void; reject: (e: Error) => void }[] = [];
  destroyed: number[] = [];
  create(): Promise<number> {
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }
  async destroy(r: number): Promise<void> {
    this.destroyed.push(r);
  }
  finishOne(): void {
    this.pending.shift()!.resolve(this.next++);
  }
  failOne(msg = 'engine down'): void {
    this.pending.shift()!.reject(new Error(msg));
  }
  finishAll(): void {
    while (this.pending.length) this.finishOne();
  }
}

const flush = () => new Promise<void>((r) => setImmediate(r));

function makePool(f: ManualFactory, over: Partial<ConstructorParameters<typeof Pool>[1]> = {}) {
  return new Pool<number>(f, {
    size: 2,
    maxTotal: 4,
    maxQueue: 3,
    acquireTimeoutMs: 1000,
    retryInitialMs: 10,
    retryMaxMs: 40,
    ...over,
  });
}

describe('Pool', () => {
  it('creates resources up to size on start', async () => {
    const f = new ManualFactory();
    const p = makePool(f);
    p.start();
    expect(f.pending.length).toBe(2);
    f.finishAll();
    await flush();
    expect(p.stats()).toMatchObject({ idle: 2, starting: 0, created: 2 });
  });

  it('creates nothing before start, even for a waiting request, and serves it once started', async () => {
    const f = new ManualFactory();
    const p = makePool(f);
    const waiting = p.acquire();
    expect(f.pending.length).toBe(0);
    p.start();
    expect(f.pending.length).toBe(2);
    f.finishOne();
    await expect(waiting).resolves.toBe(1);
  });

  it('counts a resource being destroyed as held until its destroy ends', async () => {
    const f = new ManualFactory();
    let finishDestroy!: () => void;
    f.destroy = (r: number) => {
      f.destroyed.push(r);
      return new Promise<void>((resolve) => (finishDestroy = resolve));
    };
    const p = makePool(f, { size: 1 });
    p.start();
    f.finishOne();
    const r = await p.acquire();
    const destroyed = p.destroy(r);
    expect(p.resources()).toContain(r);
    expect(p.stats().destroying).toBe(1);
    finishDestroy();
    await destroyed;
    expect(p.resources()).not.toContain(r);
  });

  it('serves waiters first come, first served', async () => {
    const f = new ManualFactory();
    const p = makePool(f);
    p.start();
    const order: string[] = [];
    const a = p.acquire().then((r) => order.push(`a:${r}`));
    const b = p.acquire().then((r) => order.push(`b:${r}`));
    const c = p.acquire().then((r) => order.push(`c:${r}`));
    expect(p.stats().waiting).toBe(3);
    f.finishOne();
    f.finishOne();
    await flush();
    // acquiring consumed both; refills start for the third waiter
    f.finishAll();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a:1', 'b:2', 'c:3']);
  });

  it('serves waiting clients in turn, so one with many waiters cannot push another back', async () => {
    const f = new ManualFactory();
    const p = makePool(f, { size: 1, maxTotal: 1, maxQueue: 10 });
    p.start();
    f.finishOne();
    let last = await p.acquire({ client: 'flood' });
    const order: string[] = [];
    const take = (client: string, name: string) =>
      void p.acquire({ client }).then((r) => {
        order.push(name);
        last = r;
      });
    take('flood', 'flood1');
    take('flood', 'flood2');
    take('flood', 'flood3');
    take('victim', 'victim');
    // One resource at a time: each is destroyed after use and its replacement goes to the next in turn.
    for (let i = 0; i < 4; i++) {
      await p.destroy(last);
      f.finishOne();
      await flush();
    }
    expect(order).toEqual(['flood1', 'victim', 'flood2', 'flood3']);
  });

  it('a newcomer does not overtake a waiter', async () => {
    const f = new ManualFactory();
    const p = makePool(f, { size: 1 });
    p.start();
    const first = p.acquire();
    f.finishOne();
    const r1 = await first;
    const waiting = p.acquire();
    const later = p.acquire();
    f.finishOne(); // resource 2 goes to `waiting`, not `later`
    expect(await waiting).toBe(2);
    await p.destroy(r1);
    f.finishAll();
    expect(await later).toBe(3);
  });

  it('times out a waiter with PoolTimeoutError and removes it from the queue', async () => {
    const f = new ManualFactory();
    const p = makePool(f, { acquireTimeoutMs: 20 });
    p.start();
    await expect(p.acquire()).rejects.toBeInstanceOf(PoolTimeoutError);
    expect(p.stats().waiting).toBe(0);
  });

  it('an aborted waiter leaves the queue at once', async () => {
    const f = new ManualFactory();
    const p = makePool(f);
    p.start();
    const ac = new AbortController();
    const got = p.acquire({ signal: ac.signal });
    expect(p.stats().waiting).toBe(1);
    ac.abort();
    await expect(got).rejects.toBeInstanceOf(PoolAbortedError);
    expect(p.stats().waiting).toBe(0);
  });

  it('an already aborted signal is refused', async () => {
    const p = makePool(new ManualFactory());
    await expect(p.acquire({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(PoolAbortedError);
  });

  it('turns away requests beyond maxQueue at once', async () => {
    const f = new ManualFactory();
    const p = makePool(f, { maxQueue: 2 });
    p.start();
    const w = [p.acquire(), p.acquire()];
    await expect(p.acquire()).rejects.toBeInstanceOf(PoolQueueFullError);
    f.finishAll();
    await flush();
    f.finishAll();
    await Promise.all(w);
  });

  it('a failed create rejects waiters with the cause instead of leaving them hanging', async () => {
    const f = new ManualFactory();
    const p = makePool(f, { size: 1 });
    p.start();
    const w = p.acquire();
    f.failOne('Docker engine unavailable (ECONNREFUSED)');
    await expect(w).rejects.toThrow(/ECONNREFUSED/);
    await expect(w).rejects.toBeInstanceOf(PoolUnavailableError);
    // while failing with nothing idle, new requests are refused promptly
    await expect(p.acquire()).rejects.toBeInstanceOf(PoolUnavailableError);
    expect(p.stats()).toMatchObject({ healthy: false, createFailed: 1 });
  });

  it('retries a failed create with backoff and recovers', async () => {
    const f = new ManualFactory();
    const p = makePool(f, { size: 1 });
    p.start();
    f.failOne();
    // the retry timer starts a new create
    await expect.poll(() => f.pending.length).toBe(1);
    f.finishOne();
    await flush();
    expect(p.stats()).toMatchObject({ idle: 1, healthy: true });
    expect(await p.acquire()).toBe(1);
  });

  it('destroy replaces the resource', async () => {
    const f = new ManualFactory();
    const p = makePool(f, { size: 1 });
    p.start();
    f.finishOne();
    const r = await p.acquire();
    expect(f.pending.length).toBe(1); // replacement started when the idle one was taken
    await p.destroy(r);
    expect(f.destroyed).toEqual([1]);
    f.finishOne();
    await flush();
    expect(p.stats()).toMatchObject({ idle: 1, busy: 0 });
  });

  it('with a replace delay, the replacement of the only resource waits for its destroy while nobody waits', async () => {
    vi.useFakeTimers();
    try {
      const f = new ManualFactory();
      const p = makePool(f, { size: 1, replaceDelayMs: 1000 });
      p.start();
      f.finishOne();
      await vi.advanceTimersByTimeAsync(0);
      const a = await p.acquire();
      expect(f.pending.length).toBe(0); // a short run ends first: its replacement is made after it
      await p.destroy(a);
      expect(f.pending.length).toBe(1);
      f.finishOne();
      await vi.advanceTimersByTimeAsync(0);

      const b = await p.acquire();
      await vi.advanceTimersByTimeAsync(999);
      expect(f.pending.length).toBe(0);
      await vi.advanceTimersByTimeAsync(1); // a long run: the replacement starts when the delay is up
      expect(f.pending.length).toBe(1);
      f.finishOne();
      await vi.advanceTimersByTimeAsync(0);
      await p.destroy(b);
      expect(f.pending.length).toBe(0); // already replaced

      const c = await p.acquire();
      expect(f.pending.length).toBe(0);
      const waiting = p.acquire(); // someone waits: the replacement starts at once
      expect(f.pending.length).toBe(1);
      f.finishOne();
      expect(await waiting).toBe(4);
      await p.destroy(c);
    } finally {
      vi.useRealTimers();
    }
  });

  it('replaces a taken resource after its destroy while enough others are idle, and at once otherwise', async () => {
    const f = new ManualFactory();
    const p = makePool(f, { size: 3, maxTotal: 6 });
    p.start();
    f.finishAll();
    await flush();
    const a = await p.acquire();
    expect(f.pending.length).toBe(0); // two still idle: the replacement waits until a is done
    await p.destroy(a);
    expect(f.pending.length).toBe(1);
    f.finishOne();
    await flush();
    const b = await p.acquire();
    expect(f.pending.length).toBe(0);
    const c = await p.acquire();
    expect(f.pending.length).toBe(2); // one left idle: both replacements start at once
    f.finishAll();
    await flush();
    await p.destroy(b);
    await p.destroy(c);
    expect(f.pending.length).toBe(0); // already replaced
    expect(p.stats()).toMatchObject({ idle: 3, busy: 0, starting: 0 });
  });

  it('long runs never leave a single-use pool nearly empty', async () => {
    const f = new ManualFactory();
    const p = makePool(f, { size: 4, maxTotal: 8 });
    p.start();
    f.finishAll();
    await flush();
    const held = [await p.acquire(), await p.acquire(), await p.acquire()];
    f.finishAll();
    await flush();
    expect(p.stats().idle).toBeGreaterThanOrEqual(3);
    for (const r of held) await p.destroy(r);
  });

  it('never exceeds maxTotal', async () => {
    const f = new ManualFactory();
    const p = makePool(f, { size: 2, maxTotal: 3 });
    p.start();
    f.finishAll();
    await flush();
    const a = await p.acquire();
    const b = await p.acquire();
    f.finishAll();
    await flush();
    const s = p.stats();
    expect(s.idle + s.busy + s.starting).toBeLessThanOrEqual(3);
    await p.destroy(a);
    await p.destroy(b);
  });

  it('drain rejects waiters, waits for busy ones, destroys the rest', async () => {
    const f = new ManualFactory();
    const p = makePool(f, { size: 1 });
    p.start();
    f.finishOne();
    const busy = await p.acquire();
    const waiter = p.acquire();
    const drained = p.drain(1000);
    await expect(waiter).rejects.toBeInstanceOf(PoolClosedError);
    await p.destroy(busy);
    f.finishAll(); // a replacement that was starting is destroyed when it arrives
    await drained;
    await flush();
    expect(p.stats()).toMatchObject({ idle: 0, busy: 0 });
    await expect(p.acquire()).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('a reusable pool counts busy resources towards its size and reuses released ones', async () => {
    const f = new ManualFactory();
    const p = makePool(f, { size: 2, reusable: true });
    p.start();
    f.finishAll();
    await flush();
    const a = await p.acquire();
    const b = await p.acquire();
    expect(f.pending.length).toBe(0); // no replacements: they come back
    p.release(a);
    expect(await p.acquire()).toBe(a);
    p.release(b);
    expect(p.stats()).toMatchObject({ idle: 1, busy: 1, created: 2 });
  });
});

describe('Pools sharing a Capacity', () => {
  function shared(capacity: Capacity, size = 1) {
    const f = new ManualFactory();
    const p = new Pool<number>(f, {
      size,
      capacity,
      maxQueue: 3,
      acquireTimeoutMs: 1000,
      retryInitialMs: 10,
      retryMaxMs: 40,
    });
    return { f, p };
  }

  it('never creates more than the shared limit across pools', async () => {
    const cap = new Capacity(3);
    const a = shared(cap, 2);
    const b = shared(cap, 2);
    a.p.start();
    b.p.start();
    expect([a.f.pending.length, b.f.pending.length]).toEqual([2, 1]);
    a.f.finishAll();
    b.f.finishAll();
    await flush();
    expect(cap.inUse).toBe(3);
    // taking one asks for a replacement, which must wait for a slot
    const r = await a.p.acquire();
    expect(a.f.pending.length + b.f.pending.length).toBe(0);
    await a.p.destroy(r);
    expect(cap.inUse).toBe(3);
    expect(a.f.pending.length + b.f.pending.length).toBe(1);
  });

  it('holds the slot of a resource until its destroy has finished', async () => {
    const cap = new Capacity(1);
    const f = new ManualFactory();
    let finishDestroy!: () => void;
    f.destroy = (r: number) => {
      f.destroyed.push(r);
      return new Promise<void>((resolve) => (finishDestroy = resolve));
    };
    const p = new Pool<number>(f, { size: 1, capacity: cap, maxQueue: 3, acquireTimeoutMs: 1000 });
    p.start();
    f.finishOne();
    const r = await p.acquire();
    const destroyed = p.destroy(r);
    await flush();
    expect(f.pending.length).toBe(0); // the old container still exists: no replacement yet
    finishDestroy();
    await destroyed;
    expect(f.pending.length).toBe(1);
    expect(cap.inUse).toBe(1);
  });

  it('gives a freed slot to a pool with waiting requests before pools that only refill', async () => {
    const cap = new Capacity(2);
    const a = shared(cap);
    const b = shared(cap);
    const refillOnly = shared(cap);
    const needed = shared(cap);
    for (const x of [a, b, refillOnly, needed]) x.p.start();
    expect([a.f.pending.length, b.f.pending.length, refillOnly.f.pending.length, needed.f.pending.length]).toEqual([
      1, 1, 0, 0,
    ]);
    a.f.finishAll();
    b.f.finishAll();
    await flush();
    const waiting = needed.p.acquire();
    const r = await a.p.acquire();
    await a.p.destroy(r);
    expect([refillOnly.f.pending.length, needed.f.pending.length, a.f.pending.length]).toEqual([0, 1, 0]);
    needed.f.finishOne();
    const got = await waiting;
    // the next freed slot goes to the pool refused first among those that only refill
    await needed.p.destroy(got);
    expect([refillOnly.f.pending.length, a.f.pending.length]).toEqual([1, 0]);
  });

  it('frees the slot of a failed create for another pool while the failing one backs off', async () => {
    const cap = new Capacity(1);
    const failing = shared(cap);
    const other = shared(cap);
    failing.p.start();
    other.p.start();
    expect([failing.f.pending.length, other.f.pending.length]).toEqual([1, 0]);
    failing.f.failOne();
    await flush();
    expect(other.f.pending.length).toBe(1);
    expect(cap.inUse).toBe(1);
  });

  it('drain gives every slot back', async () => {
    const cap = new Capacity(4);
    const a = shared(cap, 2);
    const b = shared(cap, 2);
    a.p.start();
    b.p.start();
    a.f.finishAll();
    b.f.finishAll();
    await flush();
    const busy = await a.p.acquire();
    await Promise.all([a.p.drain(0), b.p.drain(0)]);
    a.f.finishAll(); // the replacement that was starting is destroyed when it arrives
    await flush();
    expect(a.f.destroyed).toContain(busy);
    expect(cap.inUse).toBe(0);
  });
});

describe('Pool, reusable, after a failed create', () => {
  it('a reusable pool whose create failed still queues behind busy resources that come back', async () => {
    const f = new ManualFactory();
    const p = makePool(f, { size: 2, reusable: true });
    p.start();
    f.finishOne();
    f.failOne('warm-up timed out');
    await flush();
    const a = await p.acquire();
    const waiting = p.acquire(); // nothing idle, but `a` comes back: wait rather than 503
    p.release(a);
    expect(await waiting).toBe(a);
  });
});

describe('poolTotals', () => {
  it('adds up the counts of every pool and nothing else', () => {
    const stats = (n: number): PoolStats => ({
      size: n,
      idle: n + 1,
      busy: n + 2,
      starting: n + 3,
      destroying: 99,
      waiting: n + 4,
      created: 99,
      destroyed: 99,
      createFailed: 99,
      lastError: null,
      healthy: true,
    });
    expect(poolTotals([stats(1), stats(10)])).toEqual({ size: 11, idle: 13, busy: 15, starting: 17, waiting: 19 });
    expect(poolTotals([])).toEqual({ size: 0, idle: 0, busy: 0, starting: 0, waiting: 0 });
  });
});
