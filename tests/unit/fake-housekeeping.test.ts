import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineUnavailableError } from '@/lib/engine/engine';
import { ORPHAN_MIN_AGE_MS, startHousekeeping } from '@/lib/pool/housekeeping';
import { SandboxPool } from '@/lib/pool/sandbox-pool';
import { FakeEngine, sandboxPoolOptions } from './helpers/fake-engine';

const INTERVAL = 1000;
const mine = { 'webcompile.managed': 'true', 'webcompile.instance': 'me' };

function setup(size = 2) {
  const engine = new FakeEngine();
  const pool = new SandboxPool(engine, sandboxPoolOptions({ size }));
  pool.start();
  const errors: string[] = [];
  const orphans: number[] = [];
  const stop = startHousekeeping({
    engine,
    instanceId: 'me',
    pools: [pool],
    held: () => new Set(pool.heldIds()),
    intervalMs: INTERVAL,
    onError: (m) => errors.push(m),
    onOrphans: (n) => orphans.push(n),
  });
  return { engine, pool, errors, orphans, stop };
}

describe('startHousekeeping on the fake engine', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lists once per interval, only this instance, and replaces an idle sandbox killed from outside', async () => {
    const { engine, pool, stop } = setup();
    const list = vi.spyOn(engine, 'listManaged');
    await vi.advanceTimersByTimeAsync(3 * INTERVAL);
    expect(list.mock.calls).toEqual([
      [{ 'webcompile.instance': 'me' }],
      [{ 'webcompile.instance': 'me' }],
      [{ 'webcompile.instance': 'me' }],
    ]);
    const [victim] = pool.heldIds();
    engine.killFromOutside(victim);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(pool.heldIds()).not.toContain(victim);
    expect(engine.container(victim)).toBeUndefined();
    expect(pool.stats().idle).toBe(2);
    stop();
  });

  it('removes an orphan once it is ORPHAN_MIN_AGE_MS old, never a container a pool holds', async () => {
    const { engine, pool, orphans, stop } = setup();
    await vi.advanceTimersByTimeAsync(0);
    const orphan = engine.seed({ ...mine, 'webcompile.role': 'sandbox' });
    const other = engine.seed({ 'webcompile.managed': 'true', 'webcompile.instance': 'other' });
    const busy = await pool.acquire({}); // in use for the whole test
    await vi.advanceTimersByTimeAsync(ORPHAN_MIN_AGE_MS - INTERVAL);
    expect(engine.container(orphan)).toBeDefined();
    expect(orphans).toEqual([]);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(engine.container(orphan)).toBeUndefined();
    expect(orphans).toEqual([1]);
    await vi.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(engine.container(other)).toBeDefined(); // another instance's: not listed, not touched
    expect(engine.container(busy.id)?.state).toBe('running');
    for (const id of pool.heldIds()) expect(engine.container(id)).toBeDefined();
    expect(engine.calls.remove).toBe(1);
    stop();
  });

  it('reports an engine error through onError and keeps going', async () => {
    const { engine, errors, orphans, stop } = setup();
    engine.failNext(
      'listManaged',
      new EngineUnavailableError('Docker engine unavailable (ECONNREFUSED) during container list'),
    );
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(errors).toEqual(['Docker engine unavailable (ECONNREFUSED) during container list']);
    const orphan = engine.seed(mine, { createdAt: Date.now() - ORPHAN_MIN_AGE_MS });
    engine.failNext('remove', new EngineUnavailableError('remove timed out'));
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(errors).toEqual(['Docker engine unavailable (ECONNREFUSED) during container list', 'remove timed out']);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(engine.container(orphan)).toBeUndefined();
    expect(orphans).toEqual([1]);
    expect(engine.calls.listManaged).toBe(3);
    stop();
  });

  it('does not start a listing while the last one is still waiting for the engine', async () => {
    const { engine, stop } = setup();
    engine.hangNext('listManaged');
    await vi.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(engine.calls.listManaged).toBe(1);
    stop();
  });

  it('stop() stops the loop', async () => {
    const { engine, pool, stop } = setup();
    await vi.advanceTimersByTimeAsync(2 * INTERVAL);
    expect(engine.calls.listManaged).toBe(2);
    stop();
    engine.killFromOutside(pool.heldIds()[0]);
    await vi.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(engine.calls.listManaged).toBe(2);
    expect(engine.calls.remove).toBe(0);
  });
});
