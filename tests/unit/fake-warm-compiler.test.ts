import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CompilerCrashedError, CompilerPool, type CompilerPoolOptions } from '@/lib/compiler/warm-compiler';
import { PoolAbortedError } from '@/lib/pool/errors';
import { compilerPoolOptions, FakeEngine, fakeCompiler, type CompilerReply } from './helpers/fake-engine';

const src = (content: string) => [{ path: 'main.cs', content }];

const WARMUP = 'class Warm {}';
const opts = { timeoutMs: 1000, waitMs: 100 };

/**
 * A pool on a fake compiler that answers by source: "hang", "crash", "slow" (500 ms), "bad"
 * (exit 1), anything else after 10 ms. `seen` records what each container was asked.
 */
function setup(over: Partial<CompilerPoolOptions> = {}, reply?: (source: string) => CompilerReply) {
  const seen: [string, string][] = [];
  const engine = new FakeEngine({
    compiler: fakeCompiler((source, { id }) => {
      seen.push([id, source]);
      if (reply) return reply(source);
      if (source === 'hang') return 'hang';
      if (source === 'crash') return { crashAfterMs: 20, stderr: 'Stack overflow in the compiler' };
      if (source === 'bad') return { afterMs: 10, exitCode: 1, messages: 'a.cs(1,1): error CS1525' };
      return { afterMs: source === 'slow' ? 500 : 10 };
    }),
  });
  const pool = new CompilerPool(
    engine,
    compilerPoolOptions({ warmupFiles: src(WARMUP), retryInitialMs: 100, ...over }),
  );
  pool.start();
  return { engine, pool, seen };
}

describe('CompilerPool on the fake engine', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('warms every compiler up on create, before it serves', async () => {
    const { engine, pool, seen } = setup();
    await vi.advanceTimersByTimeAsync(9);
    expect(pool.stats()).toMatchObject({ idle: 0, starting: 2 });
    await vi.advanceTimersByTimeAsync(1);
    expect(pool.stats()).toMatchObject({ idle: 2, starting: 0 });
    expect(seen).toEqual(engine.containers().map((c) => [c.id, WARMUP]));
    expect(engine.containers({ 'webcompile.role': 'compiler' })).toHaveLength(2);
  });

  it('a compiler whose warm-up fails is removed, and the pool backs off', async () => {
    const { engine, pool } = setup({ size: 1 }, (s) =>
      s === WARMUP ? { afterMs: 10, exitCode: 1, messages: 'broken' } : { afterMs: 10 },
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(pool.stats()).toMatchObject({
      idle: 0,
      createFailed: 1,
      healthy: false,
      lastError: 'compiler warm-up failed: broken',
    });
    expect(engine.containers()).toEqual([]);
    await vi.advanceTimersByTimeAsync(99);
    expect(engine.calls.createAndStart).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // retryInitialMs
    expect(engine.calls.createAndStart).toBe(2);
  });

  it('returns the response of a compile', async () => {
    const { pool } = setup();
    await vi.advanceTimersByTimeAsync(10);
    const done = pool.compile(src('bad'), opts);
    await vi.advanceTimersByTimeAsync(10);
    await expect(done).resolves.toEqual({
      kind: 'compiled',
      ms: 10,
      response: { exitCode: 1, messages: 'a.cs(1,1): error CS1525', artifacts: [] },
    });
    expect(pool.stats()).toMatchObject({ idle: 2, created: 2 }); // given back, not replaced
  });

  it('a compiler that dies mid-compile fails that compile with CompilerCrashedError and is replaced; the other compile is unaffected', async () => {
    const { engine, pool } = setup();
    await vi.advanceTimersByTimeAsync(10);
    const before = pool.heldIds();
    const crashed = pool.compile(src('crash'), opts);
    const fine = pool.compile(src('slow'), opts);
    const failed = expect(crashed).rejects.toSatisfy(
      (e) => e instanceof CompilerCrashedError && /Stack overflow/.test((e as Error).message),
    );
    await vi.advanceTimersByTimeAsync(20);
    await failed;
    await vi.advanceTimersByTimeAsync(10); // the replacement's warm-up
    const dead = before.find((id) => engine.container(id) === undefined)!;
    expect(dead).toBeDefined();
    expect(pool.heldIds()).toHaveLength(2);
    expect(pool.heldIds()).not.toContain(dead);
    await vi.advanceTimersByTimeAsync(470);
    await expect(fine).resolves.toMatchObject({
      kind: 'compiled',
      response: { artifacts: [{ path: 'main.exe', mode: 0o644, content: Buffer.from('asm:slow') }] },
    });
  });

  it('a compile past its timeout returns timeout, and that compiler is replaced', async () => {
    const { engine, pool } = setup({ size: 1, maxTotal: 1 });
    await vi.advanceTimersByTimeAsync(10);
    const [first] = pool.heldIds();
    const done = pool.compile(src('hang'), { ...opts, timeoutMs: 300 });
    await vi.advanceTimersByTimeAsync(299);
    expect(engine.container(first)).toBeDefined();
    await vi.advanceTimersByTimeAsync(1);
    await expect(done).resolves.toEqual({ kind: 'timeout' });
    await vi.advanceTimersByTimeAsync(10);
    expect(engine.container(first)).toBeUndefined();
    expect(pool.heldIds()).toHaveLength(1);
    expect(pool.heldIds()).not.toContain(first);
    expect(pool.stats().idle).toBe(1);
  });

  it('replaces a compiler after recycleAfter compiles', async () => {
    const { engine, pool, seen } = setup({ size: 1, maxTotal: 1, recycleAfter: 2 });
    await vi.advanceTimersByTimeAsync(10);
    const [first] = pool.heldIds();
    for (const source of ['a', 'b']) {
      const done = pool.compile(src(source), opts);
      await vi.advanceTimersByTimeAsync(10);
      await expect(done).resolves.toMatchObject({ kind: 'compiled' });
    }
    await vi.advanceTimersByTimeAsync(10);
    expect(engine.container(first)).toBeUndefined();
    const [second] = pool.heldIds();
    expect(seen).toEqual([
      [first, WARMUP],
      [first, 'a'],
      [first, 'b'],
      [second, WARMUP],
    ]);
  });

  it('is busy when no compiler frees within waitMs', async () => {
    const { pool } = setup({ size: 1, maxTotal: 1 });
    await vi.advanceTimersByTimeAsync(10);
    const slow = pool.compile(src('slow'), opts);
    const waiting = pool.compile(src('x'), { ...opts, waitMs: 100 });
    await vi.advanceTimersByTimeAsync(100);
    await expect(waiting).resolves.toEqual({ kind: 'busy', reason: 'no compiler became free within 100 ms' });
    await vi.advanceTimersByTimeAsync(400);
    await expect(slow).resolves.toMatchObject({ kind: 'compiled' });
  });

  it('an abort during the compile returns aborted at once; the compiler is given back when its compile ends', async () => {
    const { pool } = setup({ size: 1, maxTotal: 1 });
    await vi.advanceTimersByTimeAsync(10);
    const ac = new AbortController();
    const done = pool.compile(src('slow'), { ...opts, signal: ac.signal });
    await vi.advanceTimersByTimeAsync(50);
    ac.abort();
    await expect(done).resolves.toEqual({ kind: 'aborted' });
    expect(pool.stats()).toMatchObject({ busy: 1, idle: 0 });
    await vi.advanceTimersByTimeAsync(450);
    expect(pool.stats()).toMatchObject({ busy: 0, idle: 1, created: 1 });
  });

  it('an abort while waiting for a compiler rejects with PoolAbortedError', async () => {
    const { pool } = setup({ size: 1, maxTotal: 1 });
    await vi.advanceTimersByTimeAsync(10);
    void pool.compile(src('slow'), opts);
    const ac = new AbortController();
    const waiting = pool.compile(src('x'), { ...opts, signal: ac.signal });
    ac.abort();
    await expect(waiting).rejects.toBeInstanceOf(PoolAbortedError);
  });

  it('replaces a compiler killed from outside while idle, without a request', async () => {
    const { engine, pool } = setup();
    await vi.advanceTimersByTimeAsync(10);
    const [victim, other] = pool.heldIds();
    engine.killFromOutside(victim);
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.container(victim)).toBeUndefined();
    await vi.advanceTimersByTimeAsync(10);
    expect(pool.stats()).toMatchObject({ idle: 2, created: 3 });
    expect(pool.heldIds()).toContain(other);
    expect(pool.heldIds()).not.toContain(victim);
  });
});
