// The events of the execution core, in order, for each way a program is compiled and run (none,
// in the sandbox, on a warm compiler), and how output chunks are decoded on their way to the client.

import { describe, expect, it, vi } from 'vitest';
import { commandsFor, LANGUAGES } from '@/lib/core/languages';
import {
  chunks,
  COMPILED_RUN,
  eventTypes,
  makeCore,
  sendBytes,
  startAndRun,
  useFakeTimers,
  type AgentScript,
} from './helpers/core-fixture';

const GCC_WARNING = "main.c:4:9: warning: unused variable 'x' [-Wunused-variable]\n";
const GCC_ERROR = "main.c:6:22: error: expected ';' before 'return'\n";

/** Compiles with `output` and exit code `exit`, then (when that succeeded) prints "42\n" and exits 0. */
const compileThenRun =
  (output: string, exit = 0): AgentScript =>
  (a) =>
    a.after(5, () => {
      a.started();
      a.compiled({ exit }, output);
      if (exit !== 0) return;
      a.after(5, () => {
        a.stdout('42\n');
        a.finish();
      });
    });

async function runOnce(core: ReturnType<typeof makeCore>, language: string, content?: string) {
  const s = await startAndRun(core, core.request(language, content));
  return { events: s.events, result: await s.promise };
}

describe('Executor events', () => {
  useFakeTimers();

  it('a Python run emits queued, run_started, its stdout chunks and exited in that order, and the chunks make result.run.stdout', async () => {
    const core = makeCore({
      agent: (a) =>
        a.after(5, () => {
          a.started();
          a.stdout('hello ');
          a.after(5, () => {
            a.stdout('world\n');
            a.finish();
          });
        }),
    });
    const { events, result } = await runOnce(core, 'python');
    expect(eventTypes(events)).toEqual(['queued', 'run_started', 'stdout', 'stdout', 'exited']);
    expect(chunks(events, 'stdout')).toEqual(['hello ', 'world\n']);
    expect(chunks(events, 'stdout').join('')).toBe(result.run!.stdout);
    expect(events.at(-1)).toEqual({ type: 'exited', result });
  });

  it('a C run compiled in the sandbox emits queued, compile_started, compile_finished with the parsed diagnostics, run_started, its output, exited', async () => {
    const core = makeCore({ agent: compileThenRun(GCC_WARNING) });
    const { events, result } = await runOnce(core, 'c');
    expect(eventTypes(events)).toEqual(COMPILED_RUN);
    const warning = {
      line: 4,
      column: 9,
      severity: 'warning',
      code: '-Wunused-variable',
      message: "unused variable 'x'",
    };
    expect(events[2]).toMatchObject({ type: 'compile_finished', exitCode: 0, cached: false, diagnostics: [warning] });
    expect(core.jobs[0].job.compile).toEqual(commandsFor(LANGUAGES.c).compile);
    expect(result).toMatchObject({ status: 'ok', diagnostics: [warning], run: { stdout: '42\n' } });
  });

  it('a C compile error ends with compile_finished (its diagnostics, the exit code) and exited, without run_started', async () => {
    const core = makeCore({ agent: compileThenRun(GCC_ERROR, 1) });
    const { events, result } = await runOnce(core, 'c');
    expect(eventTypes(events)).toEqual(['queued', 'compile_started', 'compile_finished', 'exited']);
    const error = { line: 6, column: 22, severity: 'error', code: '', message: "expected ';' before 'return'" };
    expect(events[2]).toMatchObject({ exitCode: 1, diagnostics: [error] });
    expect(result).toMatchObject({ status: 'compile_error', run: null, compile: { output: GCC_ERROR, exitCode: 1 } });
  });

  it('a C# run on a warm compiler emits compile_started and compile_finished before run_started; the sandbox only runs the assembly', async () => {
    const core = makeCore({
      compiler: () => ({ afterMs: 20, messages: 'main.cs(2,7): warning CS0168: unused' }),
      agent: (a) =>
        a.after(5, () => {
          a.started();
          a.stdout(`ran ${a.job.files['main.exe'].content.toString()}`);
          a.finish();
        }),
    });
    const { events, result } = await runOnce(core, 'csharp', 'class P {}');
    expect(eventTypes(events)).toEqual(COMPILED_RUN);
    expect(events[2]).toMatchObject({
      exitCode: 0,
      cached: false,
      diagnostics: [{ line: 2, column: 7, code: 'CS0168' }],
    });
    expect(core.compiles.map((c) => c.source)).toEqual(['class P {}']);
    expect(core.jobs[0].job.compile).toBeUndefined();
    expect(result).toMatchObject({ status: 'ok', run: { stdout: 'ran asm:class P {}' } });
  });

  it('a character split between output chunks is emitted whole, once its last byte arrives', async () => {
    const bytes = Buffer.from('a😀b'); // 61 | f0 9f 98 80 | 62
    const core = makeCore({
      agent: (a, p) =>
        a.after(5, () => {
          a.started();
          for (const part of [bytes.subarray(0, 2), bytes.subarray(2, 4), bytes.subarray(4)]) sendBytes(p, 'o', part);
          a.finish();
        }),
    });
    const { events, result } = await runOnce(core, 'python');
    expect(chunks(events, 'stdout')).toEqual(['a', '😀b']);
    expect(result.run!.stdout).toBe('a😀b');
  });

  it('a leading BOM is dropped from stdout (even split between chunks) and stderr, in the events and the result; a later one stays', async () => {
    const bom = Buffer.from('\uFEFF'); // ef bb bf
    const core = makeCore({
      agent: (a, p) =>
        a.after(5, () => {
          a.started();
          sendBytes(p, 'o', bom.subarray(0, 2));
          sendBytes(p, 'o', Buffer.concat([bom.subarray(2), Buffer.from('hi ')]));
          a.stdout('\uFEFFthere');
          a.stderr('\uFEFFoops');
          a.finish();
        }),
    });
    const { events, result } = await runOnce(core, 'python');
    expect(chunks(events, 'stdout')).toEqual(['hi ', '\uFEFFthere']);
    expect(chunks(events, 'stderr')).toEqual(['oops']);
    expect(result.run).toMatchObject({ stdout: 'hi \uFEFFthere', stderr: 'oops' });
  });

  it('a listener that throws does not change the run: every event is still delivered and the result is ok', async () => {
    const core = makeCore();
    await core.start();
    const s = core.submit(core.request('python'), {
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    await vi.advanceTimersByTimeAsync(50);
    await expect(s.promise).resolves.toMatchObject({ status: 'ok', run: { stdout: 'hello\n' } });
    expect(eventTypes(s.events)).toEqual(['queued', 'run_started', 'stdout', 'exited']);
  });
});

describe('Executor events at the edges of a compile', () => {
  useFakeTimers();

  it('a sandbox compile past its limit still ends with compile_finished (no exit code, the limit as its time) before exited', async () => {
    const core = makeCore({ agent: (a) => a.after(5, () => a.started()), config: { compileTimeoutMs: 1000 } });
    const s = await startAndRun(core, core.request('c'), 2000);
    const result = await s.promise;
    expect(result.status).toBe('compile_timeout');
    expect(eventTypes(s.events)).toEqual(['queued', 'compile_started', 'compile_finished', 'exited']);
    expect(s.events[2]).toMatchObject({ type: 'compile_finished', exitCode: null, ms: 1000, cached: false });
  });

  it("a request's own lower compile limit is the one that applies", async () => {
    const core = makeCore({ agent: (a) => a.after(5, () => a.started()), config: { compileTimeoutMs: 5000 } });
    const s = await startAndRun(
      core,
      core.request('c', 'program', { limits: { timeoutMs: 1000, compileTimeoutMs: 700 } }),
      2000,
    );
    expect((await s.promise).status).toBe('compile_timeout');
    expect(s.events[2]).toMatchObject({ type: 'compile_finished', exitCode: null, ms: 700 });
  });

  it('compile_started comes once the sandbox that compiles is taken, not while the request waits for one', async () => {
    const core = makeCore({ agent: compileThenRun(''), pool: { size: 1, maxTotal: 1 } });
    await core.start();
    core.engine.createMs = 300; // the replacement of the one sandbox takes a while
    const first = core.submit(core.request('c', 'int main(){}\n'));
    const second = core.submit({ ...core.request('c', 'int main(){return 0;}\n'), client: 'other' });
    await vi.advanceTimersByTimeAsync(100);
    expect(eventTypes(first.events).slice(0, 2)).toEqual(['queued', 'compile_started']);
    expect(eventTypes(second.events)).toEqual(['queued']);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all([first.promise, second.promise]);
    expect(eventTypes(second.events)).toEqual(COMPILED_RUN);
  });
});
