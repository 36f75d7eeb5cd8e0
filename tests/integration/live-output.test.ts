// POST /api/compile with Accept: text/event-stream (issue #15): the run told as it happens, ending
// with exactly the answer of the synchronous call.
import { beforeAll, describe, expect, it } from 'vitest';
import { busySandboxes, noRunLeft, streamCompile, stdoutOf, type SseEvent } from './helpers/live';
import { compile, instanceIdOf, statsOf, useServer } from './helpers/server';

/** The answer without what differs between two runs of the same program. */
function comparable(r: Record<string, unknown>) {
  const { Output, ErrorString, Status, ExitCode, Truncated, Diagnostics, Timeout, Language } = r;
  return { Output, ErrorString, Status, ExitCode, Truncated, Diagnostics, Timeout, Language };
}

const names = (events: SseEvent[]) => events.map((e) => e.event);

describe('streamed runs', () => {
  const server = useServer({
    WEBCOMPILE_LANGUAGES: 'csharp,python,c',
    WEBCOMPILE_LANGUAGE_POOL_SIZE: '1',
    WEBCOMPILE_LOG_DIR: 'runs/test-live',
  });
  let instance: string;
  beforeAll(async () => {
    instance = await instanceIdOf(server);
  });

  it('delivers "a" as its own event while the program still runs, before "b" is written', async () => {
    const code = 'import time\nprint("a")\ntime.sleep(2)\nprint("b")\n';
    let seenA = false;
    let runningAtA: boolean | null = null;
    let bBeforeA = false;
    const { status, headers, events } = await streamCompile(server, { language: 'python', code }, async (e) => {
      if (e.event !== 'stdout') return;
      const chunk = String(e.data.chunk);
      if (chunk.includes('b') && !seenA) bBeforeA = true;
      if (chunk.includes('a') && !seenA) {
        seenA = true;
        runningAtA = (await busySandboxes(server, 'python')) === 1;
      }
    });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(seenA).toBe(true);
    expect(bBeforeA).toBe(false);
    expect(runningAtA).toBe(true);
    const chunks = events.filter((e) => e.event === 'stdout').map((e) => e.data.chunk);
    expect(chunks.findIndex((c) => String(c).includes('a'))).toBeLessThan(
      chunks.findIndex((c) => String(c).includes('b')),
    );
    expect(names(events)).toEqual(['queued', 'run_started', ...chunks.map(() => 'stdout'), 'result']);
    expect(events.at(-1)!.data).toMatchObject({ Status: 'ok', Output: 'a\nb\n' });
  });

  it('C output is line-buffered when streamed: each line is its own event', async () => {
    const code =
      '#include <stdio.h>\n#include <unistd.h>\nint main(void) { puts("one"); sleep(1); puts("two"); return 0; }\n';
    const { events } = await streamCompile(server, { language: 'c', code });
    const chunks = events.filter((e) => e.event === 'stdout').map((e) => e.data.chunk);
    expect(chunks).toEqual(['one\n', 'two\n']);
    expect(names(events).slice(0, 4)).toEqual(['queued', 'compile_started', 'compile_finished', 'run_started']);
    expect(events.at(-1)!.data).toMatchObject({ Status: 'ok', Output: 'one\ntwo\n' });
  });

  it('a timeout still delivers what the program printed before it', async () => {
    const code = 'print("before", flush=True)\nwhile True:\n    pass\n';
    const { events } = await streamCompile(server, { language: 'python', code, timeoutMs: 1000 });
    expect(stdoutOf(events)).toBe('before\n');
    expect(events.at(-1)!.event).toBe('result');
    expect(events.at(-1)!.data).toMatchObject({ Status: 'timeout', Timeout: true, Output: 'before\n' });
  });

  it('the result event is the synchronous answer, and stderr comes as its own events', async () => {
    const code = 'import sys\nprint("out")\nprint("err", file=sys.stderr)\nsys.exit(3)\n';
    const sync = await compile(server, { language: 'python', code });
    const { events } = await streamCompile(server, { language: 'python', code });
    expect(comparable(events.at(-1)!.data)).toEqual(comparable(sync.body as never));
    expect(sync.body).toMatchObject({ Status: 'runtime_error', ExitCode: 3 });
    expect(events.filter((e) => e.event === 'stderr').map((e) => e.data.chunk)).toEqual(['err\n']);
    expect(Object.keys(events.at(-1)!.data).sort()).toEqual(Object.keys(sync.body).sort());
  });

  it('a compile error tells compile_started, compile_finished with its diagnostics, and no run', async () => {
    const code = 'class P { static void Main() { int x = "no"; } }';
    const { events } = await streamCompile(server, { language: 'csharp', code });
    expect(names(events)).toEqual(['queued', 'compile_started', 'compile_finished', 'result']);
    const finished = events[2].data as { exitCode: number; diagnostics: { line: number }[] };
    expect(finished.exitCode).not.toBe(0);
    expect(finished.diagnostics[0]).toMatchObject({ line: 1 });
    expect(events[3].data).toMatchObject({ Status: 'compile_error' });
    expect((events[3].data as { Diagnostics: unknown }).Diagnostics).toEqual(finished.diagnostics);
  });

  it('a character cut between two writes arrives whole', async () => {
    const code =
      'import sys, time\nsys.stdout.buffer.write(b"\\xc3"); sys.stdout.flush()\ntime.sleep(0.5)\n' +
      'sys.stdout.buffer.write(b"\\xa9!\\n")\n';
    const { events } = await streamCompile(server, { language: 'python', code });
    expect(stdoutOf(events)).toBe('é!\n');
    expect(events.at(-1)!.data).toMatchObject({ Output: 'é!\n' });
  });

  it('output past the cap is not streamed, and the answer says output_limit as without streaming', async () => {
    const code = 'while True:\n    print("x" * 1000)\n';
    const { events } = await streamCompile(server, { language: 'python', code });
    const streamed = Buffer.byteLength(stdoutOf(events));
    const result = events.at(-1)!.data as { Status: string; Output: string; Truncated: boolean };
    expect(result).toMatchObject({ Status: 'output_limit', Truncated: true });
    expect(streamed).toBe(Buffer.byteLength(result.Output));
  });

  it('a refusal before the run is the same HTTP error as without the header', async () => {
    const unknown = await streamCompile(server, { language: 'cobol', code: 'x' });
    const plain = await compile(server, { language: 'cobol', code: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toContain('application/json');
    expect(unknown.events[0].data).toEqual(plain.body);
    const big = await streamCompile(server, { language: 'python', code: 'x'.repeat(70_000) });
    expect(big.status).toBe(413);
  });

  it('closing the connection kills the run and leaves no container behind', async () => {
    const before = (await statsOf(server)).requests.byStatus.cancelled ?? 0;
    const ac = new AbortController();
    const code = 'import time\nprint("started", flush=True)\nwhile True:\n    time.sleep(0.1)\n';
    const gone = streamCompile(
      server,
      { language: 'python', code, timeoutMs: 15000 },
      (e) => {
        if (e.event === 'stdout') ac.abort();
      },
      ac.signal,
    ).catch((e: Error) => e.name);
    expect(await gone).toBe('AbortError');
    await expect.poll(() => noRunLeft(server, instance, 'python'), { timeout: 5000, interval: 100 }).toBe(true);
    await expect
      .poll(async () => (await statsOf(server)).requests.byStatus.cancelled ?? 0, { timeout: 5000 })
      .toBe(before + 1);
    await expect.poll(async () => (await statsOf(server)).pools.python.idle, { timeout: 20_000 }).toBe(1);
  });
});
