import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineUnavailableError } from '@/lib/engine/engine';
import { PoolClosedError, PoolUnavailableError } from '@/lib/pool/errors';
import { SandboxPool, type SandboxPoolOptions } from '@/lib/pool/sandbox-pool';
import { FakeEngine, sandboxPoolOptions } from './helpers/fake-engine';

function makePool(engine: FakeEngine, over: Partial<SandboxPoolOptions> = {}) {
  const pool = new SandboxPool(
    engine,
    sandboxPoolOptions({ image: 'webcompile-csharp', size: 3, retryInitialMs: 100, retryMaxMs: 400, ...over }),
  );
  pool.start();
  return pool;
}

const ids = (engine: FakeEngine) => engine.containers().map((c) => c.id);

describe('SandboxPool on the fake engine', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fills to its size with running sandbox containers labelled for its language and owner', async () => {
    const engine = new FakeEngine();
    const pool = makePool(engine);
    await vi.advanceTimersByTimeAsync(0);
    expect(pool.stats()).toMatchObject({ idle: 3, starting: 0, created: 3 });
    const listed = await engine.listManaged({
      'webcompile.role': 'sandbox',
      'webcompile.language': 'csharp',
      'webcompile.instance': 'me',
    });
    expect(listed.map((c) => c.state)).toEqual(['running', 'running', 'running']);
    expect(listed.map((c) => c.id).sort()).toEqual(pool.heldIds().sort());
    expect(engine.container(listed[0].id)!.spec.Image).toBe('webcompile-csharp');
  });

  it('replaces a sandbox destroyed after its use, and removes the used one', async () => {
    const engine = new FakeEngine();
    const pool = makePool(engine);
    await vi.advanceTimersByTimeAsync(0);
    const used = await pool.acquire({});
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.calls.createAndStart).toBe(3); // the replacement waits for the destroy while two are idle
    await pool.destroy(used);
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.container(used.id)).toBeUndefined();
    expect(engine.calls.createAndStart).toBe(4);
    expect(pool.stats()).toMatchObject({ idle: 3, busy: 0 });
    expect(pool.heldIds()).not.toContain(used.id);
  });

  it('reconcile replaces idle sandboxes killed or removed from outside', async () => {
    const engine = new FakeEngine();
    const pool = makePool(engine);
    await vi.advanceTimersByTimeAsync(10);
    const [killed, removed, kept] = ids(engine);
    engine.killFromOutside(killed);
    engine.removeFromOutside(removed);
    const listedAt = Date.now();
    pool.reconcile(await engine.listManaged(), listedAt);
    await vi.advanceTimersByTimeAsync(0);
    expect(pool.heldIds()).not.toContain(killed);
    expect(pool.heldIds()).not.toContain(removed);
    expect(pool.heldIds()).toContain(kept);
    expect(engine.container(killed)).toBeUndefined(); // the stopped one is removed
    expect(pool.stats()).toMatchObject({ idle: 3, created: 5 });
  });

  it('reconcile leaves sandboxes that became ready after the listing began', async () => {
    const engine = new FakeEngine();
    const pool = makePool(engine);
    await vi.advanceTimersByTimeAsync(10);
    const listedAt = Date.now();
    const listing = await engine.listManaged();
    await vi.advanceTimersByTimeAsync(10);
    await pool.destroy(await pool.acquire({}));
    await vi.advanceTimersByTimeAsync(0);
    const fresh = pool.heldIds().find((id) => !listing.some((c) => c.id === id))!;
    expect(fresh).toBeDefined();
    pool.reconcile(listing, listedAt);
    await vi.advanceTimersByTimeAsync(0);
    expect(pool.heldIds()).toContain(fresh);
    expect(engine.calls.remove).toBe(1); // only the used one
  });

  it('backs off while creates fail, and waiters learn the cause instead of timing out', async () => {
    const engine = new FakeEngine();
    const cause = new EngineUnavailableError('Docker engine unavailable (ENOENT)');
    engine.failNext('createAndStart', cause, 4);
    const pool = makePool(engine, { size: 1 });
    const waiting = pool.acquire({});
    const rejected = expect(waiting).rejects.toSatisfy(
      (e) => e instanceof PoolUnavailableError && (e as Error).cause === cause,
    );
    await vi.advanceTimersByTimeAsync(0);
    await rejected;
    expect(pool.stats()).toMatchObject({ healthy: false, createFailed: 1, lastError: cause.message });
    await expect(pool.acquire({})).rejects.toBeInstanceOf(PoolUnavailableError); // at once, no create in flight
    // Retries after 100, 200, 400 (the cap) ms: the fourth fails at 700 ms, the fifth succeeds at 1100 ms.
    const createsAt = async (ms: number) => (await vi.advanceTimersByTimeAsync(ms), engine.calls.createAndStart);
    expect([await createsAt(99), await createsAt(1), await createsAt(200), await createsAt(400)]).toEqual([1, 2, 3, 4]);
    expect(await createsAt(399)).toBe(4);
    expect(await createsAt(1)).toBe(5);
    expect(pool.stats()).toMatchObject({ healthy: true, idle: 1 });
  });

  it('drain rejects waiters, removes every container, and creates no more', async () => {
    const engine = new FakeEngine();
    const pool = makePool(engine, { size: 1, maxTotal: 2 });
    await vi.advanceTimersByTimeAsync(0);
    const busy = [await pool.acquire({}), await pool.acquire({})];
    const waiter = pool.acquire({});
    const rejected = expect(waiter).rejects.toBeInstanceOf(PoolClosedError);
    let drained = false;
    const draining = pool.drain(1000).then(() => (drained = true));
    await rejected;
    await pool.destroy(busy[0]); // its user finishes within the grace
    await vi.advanceTimersByTimeAsync(999);
    expect(drained).toBe(false);
    expect(engine.container(busy[1].id)?.state).toBe('running');
    await vi.advanceTimersByTimeAsync(1);
    await draining;
    expect(engine.containers()).toEqual([]);
    expect(pool.heldIds()).toEqual([]);
    await expect(pool.acquire({})).rejects.toBeInstanceOf(PoolClosedError);
    await vi.advanceTimersByTimeAsync(1000);
    expect(engine.calls.createAndStart).toBe(2);
  });
});
