// A program of several files and its arguments through the core: every file reaches the sandbox byte
// for byte under its name, the language's commands name them, the arguments are appended to the run
// (and only to it: a warm compile of the same files with other arguments comes from the cache).

import { describe, expect, it, vi } from 'vitest';
import { commandsFor, LANGUAGES } from '@/lib/core/languages';
import { makeCore, startAndRun, useFakeTimers } from './helpers/core-fixture';

const DATA = Buffer.from([0xff, 0x00, 0xfe, 0x0a, 0x80]);

describe('Executor with several files and arguments', () => {
  useFakeTimers();

  it('C: every file in /work, the compile names the .c files, the run gets the arguments', async () => {
    const core = makeCore();
    const files = [
      { name: 'main.c', content: '#include "util.h"\nint main(void) { return f(); }' },
      { name: 'util.h', content: 'int f(void);' },
      { name: 'lib/util.c', content: 'int f(void) { return 0; }' },
      { name: 'data.bin', content: DATA },
    ];
    const s = await startAndRun(core, core.request('c', '', { files, args: ['a b', '"q"', 'ü'] }));
    expect(s.outcome.result).toMatchObject({ status: 'ok' });
    const job = core.jobs[0].job;
    expect(Object.keys(job.files)).toEqual(['main.c', 'util.h', 'lib/util.c', 'data.bin']);
    expect(job.files['data.bin'].content).toEqual(DATA);
    expect(job.files['main.c'].content.toString()).toBe(files[0].content);
    expect(job.compile).toEqual(commandsFor(LANGUAGES.c, ['main.c', 'util.h', 'lib/util.c', 'data.bin']).compile);
    expect(job.compile).toContain('lib/util.c');
    expect(job.run).toEqual(['./main', 'a b', '"q"', 'ü']);
  });

  it('an interpreted language runs its entry with the arguments; a live run keeps them after the environment', async () => {
    const core = makeCore();
    const files = [
      { name: 'app/main.py', content: 'import util' },
      { name: 'app/util.py', content: 'x = 1' },
    ];
    await startAndRun(core, core.request('python', '', { files, args: ['--n', '3'] }));
    expect(core.jobs[0].job.run).toEqual(['python3', '-u', 'app/main.py', '--n', '3']);
    expect(core.jobs[0].job.compile).toBeUndefined();

    const c = core.submit(core.request('c', 'int main(){}', { args: ['x'] }), { live: true });
    await vi.advanceTimersByTimeAsync(100);
    expect(c.outcome.result).toMatchObject({ status: 'ok' });
    const run = core.jobs[1].job.run;
    expect(run[0]).toBe('env');
    expect(run.slice(-2)).toEqual(['./main', 'x']);
  });

  it("a request with code is the language's own source file, and no arguments", async () => {
    const core = makeCore();
    await startAndRun(core, core.request('python', 'print(1)'));
    expect(Object.keys(core.jobs[0].job.files)).toEqual(['main.py']);
    expect(core.jobs[0].job.run).toEqual(['python3', '-u', 'main.py']);
  });

  it('C# on the warm compiler: it gets every file; other arguments are the same compile (cached), another file is not', async () => {
    const core = makeCore();
    const seen: string[][] = [];
    const files = [
      { name: 'Program.cs', content: 'class P { static void Main() {} }' },
      { name: 'Util.cs', content: 'static class U {}' },
      { name: 'data.bin', content: DATA },
    ];
    const first = await startAndRun(core, core.request('csharp', '', { files, args: ['one'] }));
    expect(first.outcome.result).toMatchObject({ status: 'ok', compile: { cached: false } });
    const again = core.submit(core.request('csharp', '', { files, args: ['two', 'three'] }));
    await vi.advanceTimersByTimeAsync(100);
    expect(again.outcome.result).toMatchObject({ status: 'ok', compile: { cached: true } });
    expect(core.compiles).toHaveLength(1);
    for (const j of core.jobs) seen.push(j.job.run);
    expect(seen).toEqual([
      ['mono', 'main.exe', 'one'],
      ['mono', 'main.exe', 'two', 'three'],
    ]);
    // The sandbox gets the sources and data beside what the compiler made; it compiles nothing itself.
    expect(Object.keys(core.jobs[1].job.files).sort()).toEqual(['Program.cs', 'Util.cs', 'data.bin', 'main.exe']);
    expect(core.jobs[1].job.compile).toBeUndefined();

    // Any file that differs is another compile.
    const changed = [...files.slice(0, 2), { name: 'data.bin', content: Buffer.from([1]) }];
    const third = core.submit(core.request('csharp', '', { files: changed, args: ['one'] }));
    await vi.advanceTimersByTimeAsync(100);
    expect(third.outcome.result).toMatchObject({ status: 'ok', compile: { cached: false } });
    expect(core.compiles).toHaveLength(2);
  });

  it('refuses a program of no files, and one of several with a nameless file', async () => {
    const core = makeCore();
    await core.start();
    await expect(core.executor.execute(core.request('python', '', { files: [] }))).rejects.toMatchObject({
      reason: 'invalid_request',
    });
    const nameless = core.request('python', '', { files: [{ name: 'main.py', content: 'x' }, { content: 'y' }] });
    await expect(core.executor.execute(nameless)).rejects.toMatchObject({ reason: 'invalid_request' });
    expect(core.jobs).toEqual([]);
  });
});
