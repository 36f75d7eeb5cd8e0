// Test cases through the core on the fake engine: one compile (a sandbox of its own, whose archive of
// /work every test's sandbox gets; or the warm compiler), then a fresh sandbox per test, at most
// WEBCOMPILE_TEST_PARALLELISM at once, each checked against its expected output.

import { describe, expect, it, vi } from 'vitest';
import { ExecutionError } from '@/lib/core/errors';
import {
  makeCore,
  printAndExit,
  sendBytes,
  startAndRun,
  useFakeTimers,
  type AgentScript,
} from './helpers/core-fixture';
import { tarOf } from './helpers/tar';

const BINARY = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]);

/** A C sandbox: the compile job answers with an archive of main.c and main; a test's job prints its stdin doubled. */
const compilingAgent =
  (ms = 10): AgentScript =>
  (a, p) =>
    a.after(ms, () => {
      a.started();
      if (a.job.compile) {
        a.compiled();
        sendBytes(
          p,
          'o',
          tarOf([
            { name: './', type: '5', mode: 0o755 },
            { name: './main.c', content: 'int main(){}' },
            { name: './main', content: BINARY, mode: 0o755 },
          ]),
        );
        return a.finish();
      }
      const n = Number(a.job.stdin.toString());
      if (Number.isNaN(n)) return a.finish({ exit: 2 });
      a.stdout(`${2 * n}\n`);
      a.finish();
    });

describe('Executor with test cases', () => {
  useFakeTimers();

  it('C: compiles once in a sandbox, then runs every test with what it made, each with its stdin and args', async () => {
    const core = makeCore({ agent: compilingAgent() });
    const tests = [
      { stdin: '2', expectedOutput: '4' },
      { stdin: '3', expectedOutput: '7\n', args: ['own'] },
      { stdin: 'x' },
      { stdin: '5' },
    ];
    const s = await startAndRun(core, core.request('c', 'int main(){}', { tests, args: ['shared'] }), 300);
    const r = s.outcome.result!;
    expect(r.tests!.map((t) => [t.status, t.passed, t.run?.stdout])).toEqual([
      ['ok', true, '4\n'],
      ['wrong_answer', false, '6\n'],
      ['runtime_error', null, ''],
      ['ok', null, '10\n'],
    ]);
    expect(r.status).toBe('wrong_answer');
    expect(r.compile).toMatchObject({ exitCode: 0, cached: false });
    expect(r.run).toBeNull();

    const [compile, ...runs] = core.jobs.map((j) => j.job);
    expect(compile.compile).toBeDefined();
    expect(compile.run).toEqual(['tar', '-c', '-f', '-', '.']);
    expect(runs).toHaveLength(4);
    for (const job of runs) {
      expect(job.compile).toBeUndefined();
      expect(job.files.main).toEqual({ mode: '755', content: BINARY });
      expect(job.files['main.c'].content.toString()).toBe('int main(){}');
    }
    expect(runs.map((j) => [j.stdin.toString(), j.run])).toEqual([
      ['2', ['./main', 'shared']],
      ['3', ['./main', 'own']],
      ['x', ['./main', 'shared']],
      ['5', ['./main', 'shared']],
    ]);
    expect(new Set(core.jobs.map((j) => j.id)).size).toBe(5); // a fresh sandbox each
    expect(core.metrics.compiles).toEqual({ sandbox: 1, warm: 0, cached: 0 });
  });

  it('tells each test as it ends, after the compile', async () => {
    const core = makeCore({ agent: compilingAgent() });
    const tests = [{ stdin: '1', expectedOutput: '2' }, { stdin: '2' }];
    const s = await startAndRun(core, core.request('c', 'int main(){}', { tests }), 300);
    const types = s.events.map((e) => (e.type === 'test_finished' ? `test ${e.index}` : e.type));
    expect(types.slice(0, 3)).toEqual(['queued', 'compile_started', 'compile_finished']);
    expect(types.filter((t) => t.startsWith('test')).sort()).toEqual(['test 0', 'test 1']);
    expect(types.at(-1)).toBe('exited');
    const first = s.events.find((e) => e.type === 'test_finished' && e.index === 0);
    expect(first).toMatchObject({ outcome: { status: 'ok', passed: true } });
  });

  it('a compile error answers once, with no test run', async () => {
    const core = makeCore({
      agent: (a) =>
        a.after(5, () => {
          a.started();
          a.compiled({ exit: 1 }, "main.c:1:1: error: expected ';'");
          a.finish();
        }),
    });
    const s = await startAndRun(core, core.request('c', 'x', { tests: [{ stdin: '1' }, { stdin: '2' }] }), 300);
    expect(s.outcome.result).toMatchObject({ status: 'compile_error', tests: [], run: null });
    expect(core.jobs).toHaveLength(1);
  });

  it('Python: nothing to compile, a sandbox per test', async () => {
    const core = makeCore({ agent: compilingAgent() });
    const s = await startAndRun(
      core,
      core.request('python', 'print(1)', { tests: [{ stdin: '1' }, { stdin: '4' }] }),
      300,
    );
    expect(s.outcome.result!.tests!.map((t) => t.run?.stdout)).toEqual(['2\n', '8\n']);
    expect(core.jobs.map((j) => j.job.compile)).toEqual([undefined, undefined]);
    expect(s.outcome.result!.compile).toBeNull();
    expect(core.metrics.compiles).toEqual({ sandbox: 0, warm: 0, cached: 0 });
  });

  it('C#: compiled once on a warm compiler, its artifacts in every test sandbox', async () => {
    const core = makeCore({ agent: compilingAgent() });
    const tests = [{ stdin: '1' }, { stdin: '2' }, { stdin: '3' }];
    const s = await startAndRun(core, core.request('csharp', 'class P {}', { tests }), 300);
    expect(s.outcome.result!.status).toBe('ok');
    expect(core.compiles).toHaveLength(1);
    expect(core.jobs).toHaveLength(3);
    for (const { job } of core.jobs) {
      expect(job.compile).toBeUndefined();
      expect(Object.keys(job.files)).toContain('main.exe');
    }
    expect(core.metrics.compiles).toEqual({ sandbox: 0, warm: 1, cached: 0 });
  });

  it('runs at most WEBCOMPILE_TEST_PARALLELISM tests at once', async () => {
    const core = makeCore({ agent: compilingAgent(100), config: { testParallelism: 2 }, pool: { size: 4 } });
    const tests = Array.from({ length: 5 }, (_, i) => ({ stdin: String(i) }));
    const s = core.submit(core.request('python', 'x', { tests }));
    await core.start();
    let most = 0;
    for (let t = 0; t < 800 && !s.outcome.settled; t += 10) {
      const busy = [...core.pools.values()].reduce((n, p) => n + p.stats().busy, 0);
      most = Math.max(most, busy);
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(s.outcome.result!.tests).toHaveLength(5);
    expect(most).toBe(2);
  });

  it('a test refused (the sandbox failed) stops the others and refuses the request', async () => {
    let n = 0;
    const core = makeCore({
      agent: (a) => {
        if (n++ === 1) return a.after(5, () => a.fail('broken'));
        a.after(50, () => {
          a.started();
          a.finish();
        });
      },
    });
    const s = await startAndRun(core, core.request('python', 'x', { tests: [{}, {}, {}, {}] }), 500);
    expect(s.outcome.error).toBeInstanceOf(ExecutionError);
    expect((s.outcome.error as ExecutionError).reason).toBe('sandbox_failed');
    expect(core.jobs.length).toBeLessThan(4);
  });

  it('a client that leaves cancels the tests still running', async () => {
    const core = makeCore({ agent: compilingAgent(1000) });
    await core.start();
    const abort = new AbortController();
    const s = core.submit(core.request('python', 'x', { tests: [{ stdin: '1' }, { stdin: '2' }] }), {
      signal: abort.signal,
    });
    await vi.advanceTimersByTimeAsync(100);
    abort.abort();
    await vi.advanceTimersByTimeAsync(2000);
    expect(s.outcome.result!.status).toBe('cancelled');
    expect(s.outcome.result!.tests!.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
  });
});

describe('Executor with a memory limit of its own', () => {
  useFakeTimers();

  it("C: the compile gets a sandbox of its own (the sandbox's memory), the run's sandbox is set to the limit first", async () => {
    const core = makeCore({ agent: compilingAgent() });
    const req = core.request('c', 'int main(){}', { stdin: '4' });
    const s = await startAndRun(core, { ...req, limits: { ...req.limits, memoryMb: 64 } }, 300);
    expect(s.outcome.result).toMatchObject({ status: 'ok', run: { stdout: '8\n' }, compile: { exitCode: 0 } });
    const [compile, run] = core.jobs;
    expect(compile.job.run).toEqual(['tar', '-c', '-f', '-', '.']);
    expect(run.job.compile).toBeUndefined();
    expect(run.job.files.main.mode).toBe('755');
    expect(core.engine.memoryLimits.has(compile.id)).toBe(false);
    expect(core.engine.memoryLimits.get(run.id)).toBe(64);
    const types = s.events.map((e) => e.type);
    expect(types).toEqual(['queued', 'compile_started', 'compile_finished', 'run_started', 'stdout', 'exited']);
  });

  it('Python and C# (warm): one sandbox, set to the limit before the job', async () => {
    const atJob: (number | undefined)[] = [];
    const core = makeCore({
      agent: (a, p) => {
        atJob.push(core.engine.memoryLimits.get(p.container.id));
        printAndExit('hi\n')(a, p);
      },
    });
    for (const language of ['python', 'csharp']) {
      const req = core.request(language, 'x');
      const s = core.submit({ ...req, limits: { ...req.limits, memoryMb: 100 } });
      if (language === 'python') await core.start();
      await vi.advanceTimersByTimeAsync(200);
      expect(s.outcome.result).toMatchObject({ status: 'ok' });
    }
    expect(core.jobs).toHaveLength(2);
    expect(atJob).toEqual([100, 100]);
  });

  it("a memory verdict names the run's limit", async () => {
    const core = makeCore({
      agent: (a) =>
        a.after(5, () => {
          a.started();
          a.finish({ exit: 137, oomKills: 1 });
        }),
    });
    const req = core.request('python', 'x');
    const s = await startAndRun(core, { ...req, limits: { ...req.limits, memoryMb: 48 } });
    expect(s.outcome.result).toMatchObject({
      status: 'memory_limit',
      message: 'Execution stopped: the program used more than 48 MiB of memory.',
    });
  });
});
