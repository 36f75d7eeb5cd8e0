// Every language of the registry through POST /api/compile on the real engine: its example, a hello
// world, a compile error where it compiles, and a runtime error. One server for the file, one ready
// container per language.
import { describe, expect, it } from 'vitest';
import { commandsFor, LANGUAGES } from '@/lib/core/languages';
import { HELLO_WORLD } from '@/lib/languages/hello-world';
import { compile, GVISOR, useServer } from './helpers/server';

interface Case {
  /** A compile error at `line` (compiled languages only). */
  compileError?: { code: string; line: number; message: string };
  /** Fails while running: its exit code and a piece of its error output. */
  runtimeError: { code: string; exitCode: number; message: string };
}

const CASES: Record<string, Case> = {
  csharp: {
    compileError: {
      code: 'class P {\n  static void Main() {\n    int x = "text";\n  }\n}\n',
      line: 3,
      message: 'CS0029',
    },
    runtimeError: {
      code: 'class P { static void Main() { throw new System.InvalidOperationException("boom"); } }',
      exitCode: 1,
      message: 'InvalidOperationException: boom',
    },
  },
  python: {
    runtimeError: { code: 'def f():\n    raise ValueError("boom")\n\nf()\n', exitCode: 1, message: 'ValueError: boom' },
  },
  javascript: {
    runtimeError: { code: 'throw new Error("boom");\n', exitCode: 1, message: 'Error: boom' },
  },
  typescript: {
    compileError: { code: 'const ok = 1;\nconst n: number = "text";\n', line: 2, message: 'TS2322' },
    runtimeError: { code: 'const e: Error = new Error("boom");\nthrow e;\n', exitCode: 1, message: 'Error: boom' },
  },
  c: {
    compileError: {
      code: '#include <stdio.h>\nint main(void) {\n    printf("x\\n")\n}\n',
      line: 3,
      message: 'expected',
    },
    runtimeError: {
      code: '#include <stdio.h>\nint main(void) { fprintf(stderr, "boom\\n"); return 3; }\n',
      exitCode: 3,
      message: 'boom',
    },
  },
  cpp: {
    compileError: {
      code: '#include <string>\nint main() {\n  std::string s = 42;\n}\n',
      line: 3,
      message: 'conversion from',
    },
    runtimeError: {
      code: '#include <stdexcept>\nint main() { throw std::runtime_error("boom"); }\n',
      exitCode: 134,
      message: 'what():  boom',
    },
  },
  go: {
    compileError: { code: 'package main\n\nfunc main() {\n\tvar x int = "text"\n}\n', line: 4, message: 'cannot use' },
    runtimeError: { code: 'package main\n\nfunc main() {\n\tpanic("boom")\n}\n', exitCode: 2, message: 'panic: boom' },
  },
  java: {
    compileError: {
      code: 'public class Main {\n  public static void main(String[] a) {\n    int x = "text";\n  }\n}\n',
      line: 3,
      message: 'incompatible types',
    },
    runtimeError: {
      code: 'public class Main {\n  public static void main(String[] a) {\n    throw new IllegalStateException("boom");\n  }\n}\n',
      exitCode: 1,
      message: 'java.lang.IllegalStateException: boom',
    },
  },
  rust: {
    compileError: { code: 'fn main() {\n    let x: i32 = "text";\n}\n', line: 2, message: 'E0308' },
    runtimeError: { code: 'fn main() {\n    panic!("boom");\n}\n', exitCode: 101, message: "panicked at 'boom'" },
  },
  ruby: {
    runtimeError: { code: 'raise "boom"\n', exitCode: 1, message: 'boom (RuntimeError)' },
  },
  php: {
    runtimeError: { code: '<?php\nthrow new Exception("boom");\n', exitCode: 255, message: 'Uncaught Exception: boom' },
  },
  bash: {
    runtimeError: { code: 'echo boom >&2\nexit 3\n', exitCode: 3, message: 'boom' },
  },
  lua: {
    runtimeError: { code: 'error("boom")\n', exitCode: 1, message: 'boom' },
  },
  perl: {
    runtimeError: { code: 'die "boom\\n";\n', exitCode: 255, message: 'boom' },
  },
};

const server = useServer({
  WEBCOMPILE_LANGUAGES: Object.keys(LANGUAGES).join(','),
  WEBCOMPILE_POOL_SIZE: '1',
  WEBCOMPILE_LANGUAGE_POOL_SIZE: '1',
  // Several compilers at once on two cores: room for a slow one, and for a container to free.
  WEBCOMPILE_COMPILE_TIMEOUT_MS: '30000',
  WEBCOMPILE_ACQUIRE_TIMEOUT_MS: '60000',
  WEBCOMPILE_LOG_DIR: 'runs/test-languages',
});

it('has a test case for every language of the registry, and at least twelve', () => {
  expect(Object.keys(CASES).sort()).toEqual(Object.keys(LANGUAGES).sort());
  expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(12);
});

it('keeps one ready container per language, all under the shared cap', async () => {
  const stats = await (await fetch(`${server.url}/api/stats`)).json();
  const n = Object.keys(LANGUAGES).length;
  expect(Object.keys(stats.pools)).toEqual(Object.keys(LANGUAGES));
  expect(stats.pool.size).toBe(n);
  // every pool full, plus the main pool's size again
  expect(stats.capacity.max).toBe(n + 1);
  expect(stats.capacity.inUse).toBeLessThanOrEqual(stats.capacity.max);
});

it('GET /api/languages lists every language with the version its image reports', async () => {
  const r = await fetch(`${server.url}/api/languages`);
  const list = (await r.json()) as { id: string; version: string | null; compiled: boolean }[];
  expect(list.map((l) => l.id)).toEqual(Object.keys(LANGUAGES));
  for (const l of list) {
    expect(l.version, l.id).toMatch(/\d+\.\d+/);
    expect(l.compiled, l.id).toBe(Boolean(commandsFor(LANGUAGES[l.id]).compile));
  }
});

// One language after another under gVisor: fourteen toolchains at once through ptrace on two cores
// outlast even generous limits (tsc took more than 30 s so).
(GVISOR ? describe : describe.concurrent).each(Object.keys(CASES))('%s', (language) => {
  const c = CASES[language];

  it('runs its example', async () => {
    // Under gVisor (ptrace) each syscall is a round trip, and the examples of all languages run at once.
    const limit = GVISOR ? { timeoutMs: 15_000 } : {};
    const r = await compile(server, { language, code: LANGUAGES[language].example, ...limit });
    expect(r.body, JSON.stringify(r.body)).toMatchObject({ Status: 'ok', ExitCode: 0, Language: language });
    expect(r.body.Output).toMatch(/^Sum: 499500\n/);
  });

  it('runs hello world', async () => {
    const r = await compile(server, { language, code: HELLO_WORLD[language] });
    expect(r.body, JSON.stringify(r.body)).toMatchObject({ Status: 'ok', ExitCode: 0, Output: 'Hello, World!\n' });
  });

  const e = c.compileError;
  if (e) {
    it('reports a compile error with its line and does not run', async () => {
      const r = await compile(server, { language, code: e.code });
      expect(r.body, JSON.stringify(r.body)).toMatchObject({ Status: 'compile_error', Output: '', RunMS: null });
      expect(r.body.ErrorString).toContain(e.message);
      expect(r.body.Diagnostics).toContainEqual(expect.objectContaining({ line: e.line, severity: 'error' }));
    });
  }

  it('reports a runtime error with its exit code and message', async () => {
    const { code, exitCode, message } = c.runtimeError;
    const r = await compile(server, { language, code });
    expect(r.body, JSON.stringify(r.body)).toMatchObject({ Status: 'runtime_error', ExitCode: exitCode });
    expect(r.body.ErrorString).toContain(message);
  });
});

describe('a language that needs more memory (C++: 512 MiB)', () => {
  // Writes through a volatile pointer, which the optimiser may not drop, one byte per page.
  const touch = (mb: number) =>
    `#include <cstdio>\n#include <cstdlib>\nint main() {\n  size_t n = ${mb}UL << 20;\n  volatile char* p = (volatile char*)malloc(n);\n  for (size_t i = 0; i < n; i += 4096) p[i] = 1;\n  printf("%d\\n", p[n - 4096]);\n}\n`;

  it('gets its own limit, above the default 256 MiB', async () => {
    const r = await compile(server, { language: 'cpp', code: touch(400) });
    expect(r.body, JSON.stringify(r.body)).toMatchObject({ Status: 'ok', Output: '1\n' });
  });

  it('is stopped at that limit, and told which it was', async () => {
    const r = await compile(server, { language: 'cpp', code: touch(700) });
    expect(r.body, JSON.stringify(r.body)).toMatchObject({ Status: 'memory_limit' });
    expect(r.body.ErrorString).toContain('more than 512 MiB');
  });
});
