import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CompilerPool } from '@/lib/compiler/warm-compiler';
import { startHousekeeping } from '@/lib/pool/housekeeping';
import { compilerPoolOptions, FakeEngine, fakeCompiler } from './helpers/fake-engine';

// A compiler's create is createAndStart (two engine calls of up to ENGINE_CALL_MS = 15 s each) plus a
// warm-up of up to WARMUP_TIMEOUT_MS = 60 s; while it runs, no pool holds the container. The orphan
// check takes any container of ours older than ORPHAN_MIN_AGE_MS = 60 s that no pool holds.
describe('housekeeping and a compiler still warming up', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('does not remove a compiler whose create (start + warm-up) is still within its limits', async () => {
    const engine = new FakeEngine({ compiler: fakeCompiler(() => ({ afterMs: 55_000 })) });
    engine.createMs = 10_000; // a loaded engine: slow, but inside its deadlines
    const pool = new CompilerPool(engine, compilerPoolOptions({ size: 1, maxTotal: 1 }));
    pool.start();
    const stop = startHousekeeping({
      engine,
      instanceId: 'me',
      pools: [],
      held: () => new Set(pool.heldIds()),
      intervalMs: 1000,
      onError: () => {},
      onOrphans: () => {},
    });
    await vi.advanceTimersByTimeAsync(65_000);
    stop();
    expect(pool.stats()).toMatchObject({ created: 1, createFailed: 0, idle: 1 });
    expect(engine.calls.remove).toBe(0);
  });
});
