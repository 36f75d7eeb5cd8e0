// Test cases through POST /api/compile on the real engine: the program is compiled once (the stats'
// compile count says so, in a sandbox for C, C++, Go and Rust, on a warm compiler for C#, Java and
// TypeScript), each test runs in a fresh sandbox with its own stdin and args and is checked against its
// expected output (Judge0's whitespace rule); a failed compile answers once; a test past its time limit
// leaves the others unaffected; nothing one test writes is there for the next.
import { describe, expect, it } from 'vitest';
import type { RunResult } from '@/lib/contract/compile-response';
import { streamCompile } from './helpers/live';
import { compile, statsOf, useServer, type TestServer } from './helpers/server';

const LANGS = ['c', 'cpp', 'go', 'rust', 'csharp', 'java', 'typescript', 'python', 'javascript'];

const server = useServer({
  WEBCOMPILE_LANGUAGES: LANGS.join(','),
  WEBCOMPILE_POOL_SIZE: '2',
  WEBCOMPILE_LANGUAGE_POOL_SIZE: '2',
  WEBCOMPILE_COMPILER_POOL_SIZE: '1',
  WEBCOMPILE_COMPILER_WAIT_MS: '20000',
  WEBCOMPILE_ACQUIRE_TIMEOUT_MS: '50000',
  WEBCOMPILE_COMPILE_TIMEOUT_MS: '30000',
  WEBCOMPILE_TEST_PARALLELISM: '2',
  WEBCOMPILE_MAX_TESTS: '8',
  WEBCOMPILE_LOG_DIR: 'runs/test-test-cases',
});

/** Programs that print twice the number on their stdin. */
const DOUBLE: Record<string, string> = {
  c: '#include <stdio.h>\nint main(void) { long n; if (scanf("%ld", &n) != 1) return 3; printf("%ld\\n", 2 * n); return 0; }',
  cpp: '#include <iostream>\nint main() { long n; if (!(std::cin >> n)) return 3; std::cout << 2 * n << "\\n"; }',
  go: 'package main\nimport "fmt"\nfunc main() { var n int; if _, err := fmt.Scan(&n); err != nil { panic(err) }; fmt.Println(2 * n) }',
  rust: 'use std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); let n: i64 = s.trim().parse().unwrap(); println!("{}", 2 * n); }',
  csharp:
    'class P { static void Main() { long n = long.Parse(System.Console.ReadLine()); System.Console.WriteLine(2 * n); } }',
  java: 'public class Main { public static void main(String[] a) { long n = new java.util.Scanner(System.in).nextLong(); System.out.println(2 * n); } }',
  typescript: 'const n: number = Number(require("fs").readFileSync(0, "utf8")); console.log(2 * n);',
  python: 'print(2 * int(input()))',
  javascript: 'console.log(2 * Number(require("fs").readFileSync(0, "utf8")));',
};

async function run(body: Record<string, unknown>): Promise<RunResult> {
  const r = await compile(server, body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

type Compiles = { sandbox: number; warm: number; cached: number };
const compilesOf = async (s: TestServer): Promise<Compiles> => (await statsOf(s)).compiles;
const total = (c: Compiles) => c.sandbox + c.warm + c.cached;

describe('test cases', () => {
  it.each(LANGS)('%s: compiled once for every test; each test passes or fails on its own output', async (language) => {
    const before = await compilesOf(server);
    const body = await run({
      language,
      code: DOUBLE[language],
      tests: [
        { stdin: '21', expectedOutput: '42' },
        { stdin: '5', expectedOutput: '11\n' },
        { stdin: '-3\n', expectedOutput: '-6  \n\n' },
        { stdin: '100' },
      ],
    });
    expect(body.Tests!.map((t) => [t.Status, t.Passed, t.Output])).toEqual([
      ['ok', true, '42\n'],
      ['wrong_answer', false, '10\n'],
      ['ok', true, '-6\n'],
      ['ok', null, '200\n'],
    ]);
    expect(body.Status).toBe('wrong_answer');
    expect(body.Output).toBe('');
    const after = await compilesOf(server);
    const compiled = ['python', 'javascript'].includes(language) ? 0 : 1;
    expect(total(after) - total(before)).toBe(compiled);
    if (['c', 'cpp', 'go', 'rust'].includes(language)) expect(after.sandbox - before.sandbox).toBe(1);
  });

  it('all passing is ok, with each run measured', async () => {
    const body = await run({
      language: 'c',
      code: DOUBLE.c,
      tests: [1, 2, 3].map((n) => ({ stdin: String(n), expectedOutput: String(2 * n) })),
    });
    expect(body.Status).toBe('ok');
    expect(body.Tests!.map((t) => t.Passed)).toEqual([true, true, true]);
    for (const t of body.Tests!) {
      expect(t.ExitCode).toBe(0);
      expect(t.RunMS).toBeGreaterThan(0);
      expect(t.MemoryKB).toBeGreaterThan(0);
    }
  });

  it('a compile error answers once, with no test run', async () => {
    const before = await compilesOf(server);
    const body = await run({ language: 'c', code: 'int main(void) { return x; }', tests: [{ stdin: '1' }, {}] });
    expect(body.Status).toBe('compile_error');
    expect(body.Tests).toEqual([]);
    expect(body.ErrorString).toMatch(/x.? undeclared/);
    expect(body.Diagnostics[0]).toMatchObject({ line: 1, severity: 'error' });
    expect(total(await compilesOf(server)) - total(before)).toBe(1);
  });

  it('a test past its time limit times out alone; the others run as usual', async () => {
    const code =
      '#include <stdio.h>\nint main(void) { int n; scanf("%d", &n); if (n == 0) for (;;) {} printf("%d\\n", n); }';
    const body = await run({
      language: 'c',
      code,
      limits: { timeoutMs: 1000 },
      tests: [
        { stdin: '1', expectedOutput: '1' },
        { stdin: '0', expectedOutput: '0' },
        { stdin: '3', expectedOutput: '3' },
      ],
    });
    expect(body.Tests!.map((t) => [t.Status, t.Passed, t.Timeout])).toEqual([
      ['ok', true, false],
      ['timeout', false, true],
      ['ok', true, false],
    ]);
    expect(body.Tests![1].ErrorString).toContain('ran longer than 1000 ms');
    expect(body.Status).toBe('timeout');
  });

  it("each test gets its own args (else the request's), exactly as sent", async () => {
    const body = await run({
      language: 'python',
      code: 'import sys, json\nprint(json.dumps(sys.argv[1:]))',
      args: ['shared one'],
      tests: [{ args: ['a b', `it's "q"`, 'ünï ☃'] }, {}, { args: [] }],
    });
    expect(body.Tests!.map((t) => JSON.parse(t.Output))).toEqual([['a b', `it's "q"`, 'ünï ☃'], ['shared one'], []]);
  });

  it('nothing one test writes is there for the next: a fresh sandbox each', async () => {
    const code = [
      'import os',
      'print("left over" if os.path.exists("state") else "fresh")',
      'open("state", "w").write("x")',
    ].join('\n');
    const body = await run({
      language: 'python',
      code,
      tests: Array.from({ length: 4 }, () => ({ expectedOutput: 'fresh' })),
    });
    expect(body.Tests!.map((t) => t.Output)).toEqual(['fresh\n', 'fresh\n', 'fresh\n', 'fresh\n']);
    expect(body.Status).toBe('ok');
  });

  it('a program of several files, compiled once, with a data file every test reads', async () => {
    const body = await run({
      language: 'c',
      files: [
        {
          name: 'main.c',
          content:
            '#include <stdio.h>\n#include "twice.h"\nint main(void) { int n; FILE *f = fopen("base.txt", "r"); fscanf(f, "%d", &n); int m; scanf("%d", &m); printf("%d\\n", twice(n + m)); }',
        },
        { name: 'twice.h', content: 'int twice(int);' },
        { name: 'twice.c', content: 'int twice(int x) { return 2 * x; }' },
        { name: 'base.txt', content: '10' },
      ],
      tests: [
        { stdin: '1', expectedOutput: '22' },
        { stdin: '2', expectedOutput: '24' },
      ],
    });
    expect(body.Tests!.map((t) => t.Passed)).toEqual([true, true]);
  });

  it('too many tests is a 400 that says the cap', async () => {
    const r = await compile(server, {
      language: 'python',
      code: 'print(1)',
      tests: Array.from({ length: 9 }, () => ({})),
    });
    expect(r.status).toBe(400);
    expect(r.body.ErrorString).toBe('too many tests: 9 (at most 8)');
  });

  it('as events: the compile, then each test as it ends, then the whole answer', async () => {
    const { status, events } = await streamCompile(server, {
      language: 'c',
      code: DOUBLE.c,
      tests: [
        { stdin: '1', expectedOutput: '2' },
        { stdin: '2', expectedOutput: '5' },
      ],
    });
    expect(status).toBe(200);
    const names = events.map((e) => e.event);
    expect(names.slice(0, 3)).toEqual(['queued', 'compile_started', 'compile_finished']);
    const finished = events.filter((e) => e.event === 'test_finished').map((e) => e.data);
    expect(finished.map((d) => [d.Index, d.Passed]).sort()).toEqual([
      [0, true],
      [1, false],
    ]);
    expect(names.at(-1)).toBe('result');
    expect((events.at(-1)!.data as unknown as RunResult).Tests!.map((t) => t.Status)).toEqual(['ok', 'wrong_answer']);
  });
});
