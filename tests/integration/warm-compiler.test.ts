// The warm compilers and the compile cache are correct: same code gives the same output (from the
// cache), changed code is recompiled, a compile that times out or a compiler that dies never affects
// another request, and what one compile defined is not visible to the next on the same compiler.
// The in-sandbox compile path (used when warm compilers are off) works too.
import { beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { compile, containersOf, docker, eventually, instanceIdOf, SUM, useServer } from './helpers/server';

const SLOW = fs.readFileSync(path.resolve(__dirname, '../fixtures/hostile/slow-compile.cs'), 'utf8');
const echo = (text: string) => `class P { static void Main() { System.Console.Write("${text}"); } }`;

describe('with warm compilers', () => {
  const server = useServer({ WEBCOMPILE_COMPILER_POOL_SIZE: '2', WEBCOMPILE_COMPILE_TIMEOUT_MS: '2500' });
  let instance: string;
  beforeAll(async () => {
    instance = await instanceIdOf(server);
  });

  it('same code: same output, the second time from the cache, still run in a fresh sandbox', async () => {
    const code = `${SUM}// ${Date.now()}`;
    const first = await compile(server, { code });
    const second = await compile(server, { code });
    expect(first.body).toMatchObject({ Status: 'ok', Output: 'Sum: 499500\n', CompileCached: false });
    expect(second.body).toMatchObject({ Status: 'ok', Output: 'Sum: 499500\n', CompileCached: true });
    expect(second.body.RunMS).toBeGreaterThan(0);
  });

  it('changed code is recompiled', async () => {
    const a = await compile(server, { code: echo(`a${Date.now()}`) });
    const b = await compile(server, { code: echo(`b${Date.now()}`) });
    expect(a.body.CompileCached).toBe(false);
    expect(b.body.CompileCached).toBe(false);
    expect(a.body.Output).not.toBe(b.body.Output);
  });

  it('a cached compile error keeps its diagnostics', async () => {
    const code = `class P { static void Main() { int x = "${Date.now()}"; } }`;
    const first = await compile(server, { code });
    const second = await compile(server, { code });
    for (const r of [first, second]) {
      expect(r.body.Status).toBe('compile_error');
      expect(r.body.Diagnostics[0]).toMatchObject({ code: 'CS0029', line: 1 });
    }
    expect(second.body.CompileCached).toBe(true);
  });

  it('warnings of a successful compile reach ErrorString and Diagnostics', async () => {
    const r = await compile(server, {
      code: 'class P { static void Main() { int unused; System.Console.Write(1); } }',
    });
    expect(r.body.Status).toBe('ok');
    expect(r.body.Diagnostics).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'CS0168' }));
    expect(r.body.ErrorString).toContain('CS0168');
  });

  it('a compile that times out does not affect requests compiling at the same time', async () => {
    const slow = compile(server, { code: SLOW });
    const others = [];
    for (let i = 0; i < 4; i++) others.push(await compile(server, { code: echo(`other${i}-${Date.now()}`) }));
    for (const [i, o] of others.entries()) expect(o.body.Output).toMatch(new RegExp(`^other${i}-`));
    const s = await slow;
    expect(s.body).toMatchObject({ Status: 'compile_timeout', Timeout: true });
    // the stuck compiler was replaced and the pool serves on
    expect((await compile(server, { code: SUM })).body.Output).toBe('Sum: 499500\n');
    await expect
      .poll(async () => (await (await fetch(`${server.url}/api/stats`)).json()).compilers.csharp.idle, {
        timeout: 30_000,
      })
      .toBe(2);
  });

  it('a compiler that dies mid-compile is our failure: the compile goes on elsewhere, never a compile error', async () => {
    const slow = compile(server, { code: SLOW });
    // find the compiler working on it (the one using CPU) and kill it from outside
    const busy = await eventually(
      async () => {
        const stats = await (await fetch(`${server.url}/api/stats`)).json();
        return stats.compilers.csharp.busy === 1;
      },
      10_000,
      'a busy compiler',
    );
    expect(busy).toBe(true);
    const compilers = (await containersOf(instance)).filter((c) => c.Labels['webcompile.role'] === 'compiler');
    const usage = await Promise.all(
      compilers.map(async (c) => ({
        id: c.Id,
        cpu: (await docker.getContainer(c.Id).stats({ stream: false })).cpu_stats.cpu_usage.total_usage,
      })),
    );
    const victim = usage.sort((a, b) => b.cpu - a.cpu)[0];
    const other = compile(server, { code: echo(`survivor${Date.now()}`) });
    await docker.getContainer(victim.id).kill();
    const r = await slow;
    // Tried again on the other compiler (or in the sandbox), within what is left of the compile limit,
    // which this program always passes.
    expect(r.status).toBe(200);
    expect(r.body.Status).toBe('compile_timeout');
    expect(r.body.ErrorString).toContain('Compilation stopped: it took longer than 2500 ms.');
    expect((await other).body.Output).toMatch(/^survivor/);
    expect((await compile(server, { code: SUM })).body.Output).toBe('Sum: 499500\n');
  });
});

describe('one warm compiler, many users', () => {
  // One compiler: every compile below goes to the same mcs, one after another.
  const server = useServer({
    WEBCOMPILE_LANGUAGES: 'csharp',
    WEBCOMPILE_COMPILER_POOL_SIZE: '1',
    WEBCOMPILE_COMPILE_CACHE_MB: '0',
  });

  it('a compile never sees what an earlier compile defined', async () => {
    const tag = `t${Date.now()}`;
    const a = await compile(server, {
      code: `namespace Leak { public static class Secret { public const string Value = "${tag}"; } }
class P { static void Main() { System.Console.Write(Leak.Secret.Value); } }`,
    });
    expect(a.body).toMatchObject({ Status: 'ok', Output: tag });
    const b = await compile(server, {
      code: 'class P { static void Main() { System.Console.Write(Leak.Secret.Value); } }',
    });
    expect(b.body.Status).toBe('compile_error');
    expect(b.body.Diagnostics[0]).toMatchObject({ line: 1, code: 'CS0103' });
    const c = await compile(server, { code: echo(`c${tag}`) });
    expect(c.body).toMatchObject({ Status: 'ok', Output: `c${tag}` });
  });
});

describe('with warm compilers off (the sandbox compiles)', () => {
  const server = useServer({ WEBCOMPILE_WARM_COMPILER: 'false', WEBCOMPILE_COMPILE_TIMEOUT_MS: '2500' });

  it('compiles and runs in the sandbox', async () => {
    const r = await compile(server, { code: SUM, stdin: 'x' });
    expect(r.body).toMatchObject({ Status: 'ok', Output: 'Sum: 499500\n', CompileCached: false });
    expect(r.body.CompileMS).toBeGreaterThan(0);
  });

  it('reports compile errors with diagnostics', async () => {
    const r = await compile(server, { code: 'class P {\n static void Main() { int x = "a"; }\n}' });
    expect(r.body.Status).toBe('compile_error');
    expect(r.body.Diagnostics[0]).toMatchObject({ line: 2, code: 'CS0029' });
  });

  it('the compile time limit ends with the compile: a run may take longer than it', async () => {
    const r = await compile(server, {
      code: 'class P { static void Main() { System.Threading.Thread.Sleep(3000); System.Console.Write("slept"); } }',
      timeoutMs: 6000,
    });
    expect(r.body).toMatchObject({ Status: 'ok', Output: 'slept' });
  });

  it('stops a compile at its time limit', async () => {
    const r = await compile(server, { code: SLOW });
    expect(r.body).toMatchObject({ Status: 'compile_timeout', Timeout: true });
    expect((await compile(server, { code: SUM })).body.Output).toBe('Sum: 499500\n');
  });
});
