// The compile cache's two tiers through the core, with a fake shared tier: this process's cache
// first, the shared one on a miss there (its hit kept here too), a compile written to both, and a
// shared tier that fails counting as a miss.

import { describe, expect, it, vi } from 'vitest';
import type { SharedCompileCache } from '@/lib/compiler/compile-cache';
import type { CompileResponse } from '@/lib/compiler/protocol';
import type { CompilerReply } from './helpers/fake-engine';
import { makeCore, startAndRun, useFakeTimers, type Core } from './helpers/core-fixture';

/** A shared tier in a Map, shared by the cores given it; every call recorded. */
class FakeShared implements SharedCompileCache {
  readonly entries = new Map<string, CompileResponse>();
  readonly gets: string[] = [];
  readonly sets: string[] = [];
  /** Every call rejects, as a tier that does not keep its promise would. */
  failing = false;

  async get(key: string): Promise<CompileResponse | undefined> {
    this.gets.push(key);
    if (this.failing) throw new Error('Redis does not answer');
    return this.entries.get(key);
  }

  async set(key: string, value: CompileResponse): Promise<void> {
    this.sets.push(key);
    if (this.failing) throw new Error('Redis does not answer');
    this.entries.set(key, value);
  }
}

function coreWith(shared: FakeShared, compiler?: (source: string) => CompilerReply): Core {
  return makeCore({ shared, compiler });
}

async function run(core: Core, source = 'class P {}') {
  const s = core.submit(core.request('csharp', source));
  await vi.advanceTimersByTimeAsync(100);
  return s;
}

describe('the compile cache with a shared tier', () => {
  useFakeTimers();

  it('a miss in both compiles, and the compile is written to both tiers', async () => {
    const shared = new FakeShared();
    const core = coreWith(shared);
    const s = await startAndRun(core, core.request('csharp', 'class P {}'));
    expect(s.outcome.result).toMatchObject({ status: 'ok', compile: { exitCode: 0, cached: false } });
    expect(core.compiles).toHaveLength(1);
    expect(shared.gets).toHaveLength(1);
    expect(shared.sets).toEqual(shared.gets);
    const stored = shared.entries.get(shared.sets[0])!;
    expect(stored.exitCode).toBe(0);
    expect(stored.artifacts.map((a) => [a.path, a.content.toString()])).toEqual([['main.exe', 'asm:class P {}']]);
    expect(core.compileCache.size).toBe(1);
  });

  it('a local hit does not ask the shared tier', async () => {
    const shared = new FakeShared();
    const core = coreWith(shared);
    await startAndRun(core, core.request('csharp', 'class P {}'));
    const again = await run(core);
    expect(again.outcome.result).toMatchObject({ status: 'ok', compile: { cached: true } });
    expect(shared.gets).toHaveLength(1);
    expect(shared.sets).toHaveLength(1);
    expect(core.compiles).toHaveLength(1);
  });

  it("another instance's compile is a shared hit: no compiler asked, and it is kept in the local tier", async () => {
    const shared = new FakeShared();
    const a = coreWith(shared);
    await startAndRun(a, a.request('csharp', 'class P {}'));
    const b = coreWith(shared);
    const onB = await startAndRun(b, b.request('csharp', 'class P {}'));
    expect(onB.outcome.result).toMatchObject({ status: 'ok', compile: { exitCode: 0, cached: true } });
    expect(onB.events.find((e) => e.type === 'compile_finished')).toMatchObject({ cached: true });
    expect(b.compiles).toEqual([]);
    expect(b.jobs[0].job.files['main.exe'].content.toString()).toBe('asm:class P {}');
    expect(b.compileCache.size).toBe(1);
    expect(b.metrics.compiles).toMatchObject({ cached: 1, warm: 0 });
    // Its next one is a local hit: the shared tier is asked no more.
    const gets = shared.gets.length;
    const again = await run(b);
    expect(again.outcome.result).toMatchObject({ compile: { cached: true } });
    expect(shared.gets).toHaveLength(gets);
    expect(shared.sets).toHaveLength(1);
  });

  it('a compile error is shared as the local tier keeps it; an answer the compiler declines is in neither', async () => {
    const shared = new FakeShared();
    const reply = (source: string): CompilerReply =>
      source === 'bad' ? { afterMs: 5, exitCode: 1, messages: 'error CS1525' } : { afterMs: 5, exitCode: 255 };
    const a = coreWith(shared, reply);
    await startAndRun(a, a.request('csharp', 'bad'));
    await run(a, 'declined');
    expect(shared.sets).toHaveLength(1);
    expect(a.compileCache.size).toBe(1);
    const b = coreWith(shared, reply);
    const onB = await startAndRun(b, b.request('csharp', 'bad'));
    expect(onB.outcome.result).toMatchObject({
      status: 'compile_error',
      compile: { exitCode: 1, cached: true, output: 'error CS1525' },
    });
    expect(b.compiles).toEqual([]);
  });

  it('a shared tier that fails is a miss: the program compiles and runs, and the local tier still works', async () => {
    const shared = new FakeShared();
    shared.failing = true;
    const core = coreWith(shared);
    const s = await startAndRun(core, core.request('csharp', 'class P {}'));
    expect(s.outcome.result).toMatchObject({ status: 'ok', compile: { exitCode: 0, cached: false } });
    expect(core.compiles).toHaveLength(1);
    expect(shared.gets).toHaveLength(1);
    expect(shared.sets).toHaveLength(1);
    const again = await run(core);
    expect(again.outcome.result).toMatchObject({ status: 'ok', compile: { cached: true } });
    expect(core.compiles).toHaveLength(1);
  });
});
