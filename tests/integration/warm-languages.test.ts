// Every language with a warm compiler answers exactly as compiling inside the sandbox does: its
// example, hello world, a compile error and a runtime error give the same Output, Status, ExitCode and
// Diagnostics both ways (warm compilers on, and off for that language); cached and uncached compiles
// give the same answer; a compile never sees what an earlier compile on the same compiler defined; a
// compile that never ends is a compile_timeout, and a compiler killed mid-compile affects no other
// request; the next request compiles normally.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '@/lib/core/languages';
import { HELLO_WORLD } from '@/lib/languages/hello-world';
import {
  compile,
  containersOf,
  docker,
  eventually,
  instanceIdOf,
  statsOf,
  useServer,
  type TestServer,
} from './helpers/server';

const WARM = Object.keys(LANGUAGES).filter((id) => LANGUAGES[id].warm);
const fixture = (name: string) => fs.readFileSync(path.resolve(__dirname, '../fixtures', name), 'utf8');

interface Cases {
  compileError: string;
  runtimeError: string;
  /** A program that defines `leak`, and one that uses it without defining it. */
  defines: string;
  uses: string;
  /** A program whose compile takes far longer than any limit here. */
  slow: string;
  /** A program the compiler fails on (not a compile error): the warm compiler declines it. */
  crash?: string;
}

/** An expression nested deeper than the compiler's stack goes. */
const nested = (depth: number) => `${'('.repeat(depth)}1${')'.repeat(depth)}`;

const CASES: Record<string, Cases> = {
  csharp: {
    compileError: 'class P { static void Main() { int x = "a"; } }',
    runtimeError: 'class P { static void Main() { throw new System.Exception("boom"); } }',
    defines: `public static class Leak { public const string Value = "leaked"; }
class P { static void Main() { System.Console.Write(Leak.Value); } }`,
    uses: 'class P { static void Main() { System.Console.Write(Leak.Value); } }',
    slow: fixture('hostile/slow-compile.cs'),
  },
  typescript: {
    compileError: 'const x: number = "a";\nconsole.log(x);\n',
    runtimeError: 'function f(): number {\n  throw new Error("boom");\n}\nconsole.log(f());\n',
    defines: 'function leak(): string {\n  return "leaked";\n}\nconsole.log(leak());\n',
    uses: 'console.log(leak());\n',
    slow: fixture('slow-compile/slow.ts'),
    crash: `const x: number = ${nested(15000)};\nconsole.log(x);\n`,
  },
  java: {
    compileError: 'public class Main {\n  public static void main(String[] a) {\n    int x = "a";\n  }\n}\n',
    runtimeError:
      'public class Main {\n  public static void main(String[] a) {\n    throw new IllegalStateException("boom");\n  }\n}\n',
    defines:
      'class Leak {\n  static String value() { return "leaked"; }\n}\npublic class Main {\n  public static void main(String[] a) {\n    System.out.print(Leak.value());\n  }\n}\n',
    uses: 'public class Main {\n  public static void main(String[] a) {\n    System.out.print(Leak.value());\n  }\n}\n',
    slow: fixture('slow-compile/Main.java'),
    crash: `public class Main {\n  public static void main(String[] a) {\n    int x = ${nested(15000)};\n  }\n}\n`,
  },
};

/** What must not differ between a warm compile and the sandbox's own. */
const answer = (b: Record<string, unknown>) => ({
  Status: b.Status,
  Output: b.Output,
  ExitCode: b.ExitCode,
  Diagnostics: b.Diagnostics,
});

/** The compile cache's misses and the warm compiles that fell back to the sandbox. */
async function compileStats(
  server: TestServer,
): Promise<{ misses: number; fallbacks: { busy: number; timeout: number; declined: number } }> {
  const stats = await statsOf(server);
  return { misses: stats.compileCache.misses, fallbacks: stats.warmCompileFallbacks };
}

const off = Object.fromEntries(WARM.map((id) => [`WEBCOMPILE_WARM_COMPILER_${id.toUpperCase()}`, 'false']));
const common = {
  WEBCOMPILE_LANGUAGES: WARM.join(','),
  WEBCOMPILE_POOL_SIZE: '1',
  WEBCOMPILE_LANGUAGE_POOL_SIZE: '1',
  WEBCOMPILE_COMPILE_TIMEOUT_MS: '30000',
  WEBCOMPILE_ACQUIRE_TIMEOUT_MS: '60000',
};

it('covers every language that has a warm compiler', () => {
  expect(Object.keys(CASES).sort()).toEqual([...WARM].sort());
});

describe('warm compiles answer as sandbox compiles do', () => {
  // One compiler per language: every compile of a language goes to the same compiler, in turn.
  const warm = useServer({ ...common, WEBCOMPILE_COMPILER_POOL_SIZE: '1', WEBCOMPILE_LOG_DIR: 'runs/test-warm' });
  const cold = useServer({ ...common, ...off, WEBCOMPILE_LOG_DIR: 'runs/test-cold' });

  describe.each(WARM)('%s', (language) => {
    const c = CASES[language];
    const programs: [string, string][] = [
      ['its example', LANGUAGES[language].example],
      ['hello world', HELLO_WORLD[language]],
      ['a compile error', c.compileError],
      ['a runtime error', c.runtimeError],
    ];

    it.each(programs)('%s', async (_what, code) => {
      const [warmBefore, coldBefore] = await Promise.all([compileStats(warm), compileStats(cold)]);
      const [w, s] = await Promise.all([compile(warm, { language, code }), compile(cold, { language, code })]);
      expect(w.status).toBe(200);
      expect(s.status).toBe(200);
      expect(answer(w.body as never)).toEqual(answer(s.body as never));
      // One server compiled it on a warm compiler (a cache miss, then a compile, no fallback to the
      // sandbox); the other never asked the cache: its sandbox compiled.
      const [warmAfter, coldAfter] = await Promise.all([compileStats(warm), compileStats(cold)]);
      expect(warmAfter).toEqual({ ...warmBefore, misses: warmBefore.misses + 1 });
      expect(coldAfter).toEqual(coldBefore);
    });

    // (C# has none: a stack overflow ends mono itself, which is a crash, tried on another compiler.)
    const crash = c.crash;
    if (crash)
      it('a program that makes the compiler fail answers as the sandbox compile does', async () => {
        const code = crash;
        const before = await compileStats(warm);
        const [w, s] = await Promise.all([compile(warm, { language, code }), compile(cold, { language, code })]);
        expect(answer(w.body as never)).toEqual(answer(s.body as never));
        expect(w.body.Status).toBe('compile_error');
        // declined by the warm compiler, so its sandbox compiled it
        expect((await compileStats(warm)).fallbacks).toEqual({
          ...before.fallbacks,
          declined: before.fallbacks.declined + 1,
        });
      });

    it('a cached compile gives the same answer as the uncached one', async () => {
      for (const code of [`${HELLO_WORLD[language]}\n`, `${c.compileError}\n`]) {
        const first = await compile(warm, { language, code });
        const second = await compile(warm, { language, code });
        expect(first.body.CompileCached).toBe(false);
        expect(second.body.CompileCached).toBe(true);
        expect({ ...answer(second.body as never), ErrorString: second.body.ErrorString }).toEqual({
          ...answer(first.body as never),
          ErrorString: first.body.ErrorString,
        });
      }
    });
  });

  it.each(WARM)('%s: a compile never sees what an earlier compile defined', async (language) => {
    const c = CASES[language];
    const before = await compileStats(warm);
    const a = await compile(warm, { language, code: c.defines });
    expect(a.body).toMatchObject({ Status: 'ok', Output: expect.stringContaining('leaked') });
    const b = await compile(warm, { language, code: c.uses });
    expect(b.body.Status).toBe('compile_error');
    expect(b.body.Diagnostics.length).toBeGreaterThan(0);
    // unique, so that the cache has never seen it
    const again = await compile(warm, { language, code: `${HELLO_WORLD[language]}\n// ${Date.now()}\n` });
    expect(again.body).toMatchObject({ Status: 'ok', Output: 'Hello, World!\n' });
    // all three on the one warm compiler: each a cache miss, none fell back
    expect(await compileStats(warm)).toEqual({ ...before, misses: before.misses + 3 });
  });
});

describe('compiles that never end', () => {
  const server = useServer({
    ...common,
    WEBCOMPILE_COMPILER_POOL_SIZE: '2',
    WEBCOMPILE_COMPILE_TIMEOUT_MS: '4000',
    WEBCOMPILE_LOG_DIR: 'runs/test-warm-slow',
  });
  let instance: string;
  beforeAll(async () => {
    instance = await instanceIdOf(server);
  });

  /** This server's compiler pool of one language: size, idle, busy, created, ... */
  const compilerPool = async (language: string) => (await statsOf(server)).compilers[language];
  const idleCompilers = async (language: string): Promise<number> => (await compilerPool(language)).idle;
  const created = async (language: string): Promise<number> => (await compilerPool(language)).created;

  it.each(WARM)('%s: a compile that never ends is a compile_timeout; the next compiles normally', async (language) => {
    const before = await compileStats(server);
    const compilers = await created(language);
    const r = await compile(server, { language, code: CASES[language].slow });
    expect(r.body).toMatchObject({ Status: 'compile_timeout', Timeout: true });
    // the warm compiler took its limit (then the sandbox the rest), and was replaced
    expect((await compileStats(server)).fallbacks).toEqual({
      ...before.fallbacks,
      timeout: before.fallbacks.timeout + 1,
    });
    await expect.poll(() => created(language), { timeout: 60_000 }).toBe(compilers + 1);
    const next = await compile(server, { language, code: HELLO_WORLD[language] });
    expect(next.body).toMatchObject({ Status: 'ok', Output: 'Hello, World!\n' });
    // the stuck compiler was replaced
    await expect.poll(() => idleCompilers(language), { timeout: 60_000 }).toBe(2);
  });

  it.each(WARM)('%s: a compiler killed mid-compile affects no other request', async (language) => {
    const createdBefore = await created(language);
    const slow = compile(server, { language, code: CASES[language].slow });
    await eventually(async () => (await compilerPool(language)).busy === 1, 10_000, 'a busy compiler');
    const compilers = (await containersOf(instance)).filter(
      (c) => c.Labels['webcompile.role'] === 'compiler' && c.Labels['webcompile.language'] === language,
    );
    const usage = await Promise.all(
      compilers.map(async (c) => ({
        id: c.Id,
        cpu: (await docker.getContainer(c.Id).stats({ stream: false })).cpu_stats.cpu_usage.total_usage,
      })),
    );
    const victim = usage.sort((a, b) => b.cpu - a.cpu)[0];
    const other = compile(server, { language, code: HELLO_WORLD[language] });
    await docker.getContainer(victim.id).kill();
    // tried again elsewhere, within what is left of the compile limit, which this program always passes
    expect((await slow).body.Status).toBe('compile_timeout');
    expect((await other).body).toMatchObject({ Status: 'ok', Output: 'Hello, World!\n' });
    // the killed compiler, and the one that then took the limit, were replaced
    await expect.poll(() => created(language), { timeout: 60_000 }).toBeGreaterThanOrEqual(createdBefore + 1);
    await expect.poll(() => idleCompilers(language), { timeout: 60_000 }).toBe(2);
  });
});
