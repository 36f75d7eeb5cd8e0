// A run's own memory limit (limits.memoryMb, Piston's run_memory_limit) on the real engine: set on the
// run's sandbox before the program starts, lower or higher than the configured one; where the sandbox
// compiles (C), the compiler keeps the configured memory in a sandbox of its own. Not run under
// gVisor, which refuses the field (tests/unit/compile-request-limits.test.ts).
import { describe, expect, it } from 'vitest';
import { compile, useServer } from './helpers/server';

const server = useServer({
  WEBCOMPILE_LANGUAGES: 'python,c,cpp,java',
  WEBCOMPILE_LANGUAGE_POOL_SIZE: '1',
  WEBCOMPILE_POOL_SIZE: '1',
  WEBCOMPILE_COMPILER_POOL_SIZE: '1',
  WEBCOMPILE_MEMORY_MB: '256',
  WEBCOMPILE_MAX_MEMORY_MB: '768',
  WEBCOMPILE_ACQUIRE_TIMEOUT_MS: '30000',
  WEBCOMPILE_LOG_DIR: 'runs/test-memory-limits',
});

/** Python that holds `mb` MiB (touched), then says so. */
const holdPython = (mb: number) => `b = bytearray(${mb} * 1024 * 1024)\nprint("held", len(b) >> 20)`;
/** C that touches every page of `mb` MiB (volatile: the compiler may not drop the writes), then says so. */
const holdC = (mb: number | string) =>
  `#include <stdio.h>\n#include <stdlib.h>\nint main(void) { int mb = ${mb}; size_t n = (size_t)mb << 20; volatile char *p = malloc(n); if (!p) return 2; for (size_t i = 0; i < n; i += 4096) p[i] = 1; printf("held %d\\n", mb); return 0; }`;

const run = async (body: Record<string, unknown>) => {
  const r = await compile(server, body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

describe('limits.memoryMb', () => {
  it('lower than the configured memory: a program past it is a memory_limit that names it', async () => {
    const over = await run({ language: 'python', code: holdPython(100), limits: { memoryMb: 64 } });
    expect(over.Status).toBe('memory_limit');
    expect(over.ErrorString).toContain('more than 64 MiB');
    const within = await run({ language: 'python', code: holdPython(100), limits: { memoryMb: 200 } });
    expect(within).toMatchObject({ Status: 'ok', Output: 'held 100\n' });
  });

  it('higher than the configured memory: a program that needs more than it runs', async () => {
    const configured = await run({ language: 'python', code: holdPython(400) });
    expect(configured.Status).toBe('memory_limit');
    const raised = await run({ language: 'python', code: holdPython(400), limits: { memoryMb: 700 } });
    expect(raised).toMatchObject({ Status: 'ok', Output: 'held 400\n' });
    expect(raised.MemoryKB).toBeGreaterThan(400 * 1024);
  });

  it('C: compiled with the configured memory, run within the limit', async () => {
    const over = await run({ language: 'c', code: holdC(64), limits: { memoryMb: 32 } });
    expect(over.Status).toBe('memory_limit');
    expect(over.CompileMS).not.toBeNull();
    expect(over.ErrorString).toContain('more than 32 MiB');
    const within = await run({ language: 'c', code: holdC(64), limits: { memoryMb: 128 } });
    expect(within).toMatchObject({ Status: 'ok', Output: 'held 64\n' });
  });

  it('C++: g++ (which needs far more than 16 MiB) compiles as usual; the program runs in 16 MiB', async () => {
    const r = await run({
      language: 'cpp',
      code: '#include <iostream>\n#include <map>\nint main() { std::map<int, int> m{{1, 2}}; std::cout << "cpp " << m[1] << "\\n"; }',
      limits: { memoryMb: 16 },
    });
    expect(r).toMatchObject({ Status: 'ok', Output: 'cpp 2\n' });
  });

  it('Java (warm compile) starts and runs under a lowered limit', async () => {
    const r = await run({
      language: 'java',
      code: 'public class Main { public static void main(String[] a) { System.out.println("java " + (6 * 7)); } }',
      limits: { memoryMb: 128 },
    });
    expect(r).toMatchObject({ Status: 'ok', Output: 'java 42\n' });
  });

  it('each test of a request is held to it', async () => {
    const r = await run({
      language: 'c',
      code: holdC('0; scanf("%d", &mb)'),
      limits: { memoryMb: 48 },
      tests: [
        { stdin: '8', expectedOutput: 'held 8' },
        { stdin: '80', expectedOutput: 'held 80' },
      ],
    });
    expect(r.Tests!.map((t) => [t.Status, t.Passed])).toEqual([
      ['ok', true],
      ['memory_limit', false],
    ]);
  });

  it('past WEBCOMPILE_MAX_MEMORY_MB is a 400 that says the range', async () => {
    const r = await compile(server, { language: 'python', code: 'print(1)', limits: { memoryMb: 769 } });
    expect(r.status).toBe(400);
    expect(r.body.ErrorString).toBe('field "limits.memoryMb" must be between 16 and 768');
  });

  it("Piston's run_memory_limit (bytes) is the run's limit", async () => {
    const execute = (limit: number) =>
      fetch(`${server.url}/api/v2/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          language: 'python',
          version: '*',
          files: [{ content: holdPython(100) }],
          run_memory_limit: limit,
        }),
      }).then(async (res) => ({ status: res.status, body: await res.json() }));
    const over = await execute(64 * 1024 * 1024);
    expect(over.status).toBe(200);
    expect(over.body.run.message).toContain('more than 64 MiB');
    const within = await execute(300 * 1024 * 1024);
    expect(within.body.run).toMatchObject({ stdout: 'held 100\n', code: 0 });
    const tooMuch = await execute(769 * 1024 * 1024);
    expect(tooMuch).toEqual({
      status: 400,
      body: { message: `run_memory_limit cannot exceed the configured limit of ${768 * 1024 * 1024}` },
    });
  });
});
