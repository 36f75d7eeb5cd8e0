// Compiling C# on the warm compilers through the core: a crashed compiler is our failure (retried
// once on another, then compiler_unavailable), a compile error is the program's (no sandbox runs it),
// the cache answers a repeated compile, and a busy or slow warm compiler hands the compile to the sandbox.

import { describe, expect, it, vi } from 'vitest';
import { commandsFor, LANGUAGES } from '@/lib/core/languages';
import type { CompilerReply } from './helpers/fake-engine';
import { eventTypes, makeCore, startAndRun, useFakeTimers } from './helpers/core-fixture';

const MCS_ERROR = 'main.cs(3,9): error CS1525: Unexpected symbol `}`';

/** A core whose compilers answer as `reply`, started, with one C# request 100 ms on. */
async function compileOnce(reply: (source: string) => CompilerReply) {
  const core = makeCore({ compiler: reply });
  return { core, s: await startAndRun(core, core.request('csharp', 'class P {}')) };
}

describe('Executor with warm compilers', () => {
  useFakeTimers();

  it('a compiler that crashes mid-compile: the compile is retried on another compiler and the result is ok', async () => {
    let compiles = 0;
    const { core, s } = await compileOnce(() => (++compiles === 1 ? { crashAfterMs: 10 } : { afterMs: 5 }));
    expect(s.outcome.result).toMatchObject({ status: 'ok', compile: { exitCode: 0, cached: false } });
    const [crashed, retried] = core.compiles.map((c) => c.id);
    expect(core.compiles.map((c) => c.source)).toEqual(['class P {}', 'class P {}']);
    expect(retried).not.toBe(crashed);
    expect(core.jobs[0].job.files['main.exe'].content.toString()).toBe('asm:class P {}');
  });

  it("two crashes reject with compiler_unavailable (not a compile error, nor the compiler's words) and no sandbox runs", async () => {
    const { core, s } = await compileOnce(() => ({ crashAfterMs: 10, stderr: 'Stack overflow' }));
    expect(s.outcome.error).toMatchObject({ reason: 'compiler_unavailable' });
    expect((s.outcome.error as Error).message).not.toContain('Stack overflow');
    expect(s.outcome.result).toBeUndefined();
    expect(new Set(core.compiles.map((c) => c.id)).size).toBe(2);
    expect(core.jobs).toEqual([]);
  });

  it('a warm compile error is compile_error with its diagnostics, and no sandbox is used', async () => {
    const { core, s } = await compileOnce(() => ({ afterMs: 5, exitCode: 1, messages: MCS_ERROR }));
    const diagnostic = { line: 3, column: 9, severity: 'error', code: 'CS1525', message: 'Unexpected symbol `}`' };
    expect(s.outcome.result).toMatchObject({
      status: 'compile_error',
      run: null,
      compile: { output: MCS_ERROR, exitCode: 1 },
      diagnostics: [diagnostic],
    });
    expect(eventTypes(s.events)).toEqual(['queued', 'compile_started', 'compile_finished', 'exited']);
    expect(core.jobs).toEqual([]);
    expect(core.pools.get('csharp')!.stats()).toMatchObject({ idle: 2, busy: 0, created: 2 });
  });

  it('the second identical compile comes from the cache: compile.cached, no compiler asked', async () => {
    const { core, s } = await compileOnce(() => ({ afterMs: 5 }));
    expect(s.outcome.result).toMatchObject({ status: 'ok', compile: { cached: false } });
    const again = core.submit(core.request('csharp', 'class P {}'));
    await vi.advanceTimersByTimeAsync(100);
    expect(again.outcome.result).toMatchObject({ status: 'ok', compile: { cached: true } });
    expect(again.events.find((e) => e.type === 'compile_finished')).toMatchObject({ cached: true });
    expect(core.compiles).toHaveLength(1);
    expect(core.jobs[1].job.files['main.exe'].content.toString()).toBe('asm:class P {}');
  });

  it('a warm compile past the warm limit is compiled in the sandbox with what is left of the compile limit', async () => {
    const core = makeCore({
      compiler: () => 'hang',
      agent: (a) => a.after(0, () => a.started()), // never reports the compile
      config: { compileTimeoutMs: 5000, warmCompileTimeoutMs: 3000 },
    });
    await core.start();
    const s = core.submit(core.request('csharp', 'class P {}'));
    await vi.advanceTimersByTimeAsync(3000);
    expect(core.jobs.map((j) => j.job.compile)).toEqual([commandsFor(LANGUAGES.csharp).compile]);
    await vi.advanceTimersByTimeAsync(1999);
    expect(s.outcome.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.outcome.result).toMatchObject({
      status: 'compile_timeout',
      timedOut: true,
      message: 'Compilation stopped: it took longer than 5000 ms.',
    });
  });

  it('an answer the compiler declines (exit 255): the sandbox compiles it, and the cache keeps nothing', async () => {
    const core = makeCore({ compiler: () => ({ afterMs: 20, exitCode: 255, messages: 'error CS0000: internal' }) });
    const first = await startAndRun(core, core.request('csharp', 'class P {}'));
    expect(first.outcome.result).toMatchObject({ status: 'ok', compile: { cached: false } });
    expect(core.jobs.map((j) => j.job.compile)).toEqual([commandsFor(LANGUAGES.csharp).compile]);
    expect(core.metrics.warmFallbackCounts).toEqual({ busy: 0, timeout: 0, declined: 1 });
    await startAndRun(core, core.request('csharp', 'class P {}'));
    expect(core.compiles).toHaveLength(2); // asked again: nothing was cached
    expect(core.jobs.map((j) => j.job.compile)).toEqual([
      commandsFor(LANGUAGES.csharp).compile,
      commandsFor(LANGUAGES.csharp).compile,
    ]);
  });

  it('no warm compiler free within the compiler wait: the sandbox compiles, with the whole compile limit', async () => {
    const core = makeCore({
      compiler: (source) => ({ afterMs: source === 'slow' ? 1000 : 5 }),
      compilers: { size: 1, maxTotal: 1 },
      config: { compilerWaitMs: 250 },
    });
    await core.start();
    core.submit(core.request('csharp', 'slow'));
    const s = core.submit(core.request('csharp', 'class P {}', { client: 'client-b' }));
    await vi.advanceTimersByTimeAsync(249);
    expect(core.jobs).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(s.outcome.result).toMatchObject({ status: 'ok', compile: { cached: false } });
    expect(core.jobs.map((j) => j.job.compile)).toEqual([commandsFor(LANGUAGES.csharp).compile]);
    expect(core.compiles.map((c) => c.source)).toEqual(['slow']);
    expect(core.metrics.warmFallbackCounts).toEqual({ busy: 1, timeout: 0, declined: 0 });
  });
});
