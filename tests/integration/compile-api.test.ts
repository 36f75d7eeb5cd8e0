// POST /api/compile end to end: real server, real engine, real containers.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { compile, SUM, useServer } from './helpers/server';

const server = useServer();

describe('POST /api/compile', () => {
  it('runs the seed sum program', async () => {
    const r = await compile(server, { code: SUM });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      Output: 'Sum: 499500\n',
      ErrorString: '',
      Timeout: false,
      Status: 'ok',
      ExitCode: 0,
    });
    expect(typeof r.body.LatencyInMS).toBe('number');
    expect(r.body.LatencyInMS).toBeGreaterThan(0);
  });

  it('reports a compile error (CS0029) with diagnostics and does not run the program', async () => {
    const code =
      'class P {\n  static void Main() {\n    System.Console.WriteLine("ran");\n    int x = "text";\n  }\n}\n';
    const r = await compile(server, { code });
    expect(r.body.Status).toBe('compile_error');
    expect(r.body.ErrorString).toContain('CS0029');
    expect(r.body.Output).toBe('');
    expect(r.body.RunMS).toBeNull();
    expect(r.body.Diagnostics).toContainEqual(
      expect.objectContaining({ line: 4, column: 13, severity: 'error', code: 'CS0029' }),
    );
  });

  it('reports an unhandled exception as runtime_error with exit code and message', async () => {
    const r = await compile(server, {
      code: 'class P { static void Main() { throw new System.InvalidOperationException("boom here"); } }',
    });
    expect(r.body.Status).toBe('runtime_error');
    expect(r.body.ExitCode).toBe(1);
    expect(r.body.ErrorString).toContain('System.InvalidOperationException: boom here');
  });

  it('drops the byte-order mark mono writes when a program sets Console.OutputEncoding to UTF-8', async () => {
    const code = `using System; using System.Text;
class P { static void Main() { Console.OutputEncoding = Encoding.UTF8; Console.Write("héllo"); Console.Error.Write("wörld"); } }`;
    const r = await compile(server, { code });
    expect(r.body).toMatchObject({ Status: 'ok', Output: 'héllo', ErrorString: 'wörld' });
  });

  it('passes Environment.Exit(3) through', async () => {
    const r = await compile(server, {
      code: 'class P { static void Main() { System.Console.Write("bye"); System.Environment.Exit(3); } }',
    });
    expect(r.body).toMatchObject({ Status: 'runtime_error', ExitCode: 3, Output: 'bye' });
  });

  it('stops an endless loop at the time limit, keeps earlier output, within limit + 1 s', async () => {
    const started = Date.now();
    const r = await compile(server, {
      code: 'class P { static void Main() { System.Console.WriteLine("before"); System.Console.Out.Flush(); while (true) {} } }',
      timeoutMs: 1500,
    });
    const elapsed = Date.now() - started;
    expect(r.body).toMatchObject({ Status: 'timeout', Timeout: true, Output: 'before\n' });
    expect(elapsed).toBeLessThan(1500 + 1000 + (r.body.CompileMS ?? 0) + (r.body.QueueMS ?? 0));
  });

  it('feeds stdin to the program', async () => {
    const r = await compile(server, {
      code: 'class P { static void Main() { string l; while ((l = System.Console.ReadLine()) != null) System.Console.WriteLine(l.ToUpper()); } }',
      stdin: 'hello\nworld\n',
    });
    expect(r.body).toMatchObject({ Status: 'ok', Output: 'HELLO\nWORLD\n' });
  });

  it('does not let a file written by one run be seen by the next', async () => {
    const write = await compile(server, {
      code: 'class P { static void Main() { System.IO.File.WriteAllText("/work/secret.txt", "s3cret"); System.IO.File.WriteAllText("/tmp/secret.txt", "s3cret"); System.Console.Write("written"); } }',
    });
    expect(write.body.Output).toBe('written');
    const read = await compile(server, {
      code: 'class P { static void Main() { System.Console.Write(System.IO.File.Exists("/work/secret.txt") + "," + System.IO.File.Exists("/tmp/secret.txt")); } }',
    });
    expect(read.body).toMatchObject({ Status: 'ok', Output: 'False,False' });
  });

  it('serves two requests at once', async () => {
    const [a, b] = await Promise.all([
      compile(server, { code: SUM }),
      compile(server, { code: 'class P { static void Main() { System.Console.Write("second"); } }' }),
    ]);
    expect(a.body.Output).toBe('Sum: 499500\n');
    expect(b.body.Output).toBe('second');
  });

  it('accepts the seed form post on the seed path /compile', async () => {
    const r = await fetch(`${server.url}/compile`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: SUM }),
    });
    expect(r.status).toBe(200);
    expect((await r.json()).Output).toBe('Sum: 499500\n');
  });

  it('accepts multipart form posts', async () => {
    const form = new FormData();
    form.set('code', SUM);
    const r = await fetch(`${server.url}/api/compile`, { method: 'POST', body: form });
    expect((await r.json()).Output).toBe('Sum: 499500\n');
  });

  it('answers CORS preflights and sets Access-Control-Allow-Origin', async () => {
    const pre = await fetch(`${server.url}/api/compile`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://example.org', 'Access-Control-Request-Method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const r = await compile(
      server,
      { code: SUM },
      { headers: { 'content-type': 'application/json', Origin: 'https://example.org' } },
    );
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });

  it("limits.timeoutMs and limits.compileTimeoutMs are the run's own limits", async () => {
    const loop = await compile(server, {
      code: 'class P { static void Main() { while (true) {} } }',
      limits: { timeoutMs: 1200 },
    });
    expect(loop.body).toMatchObject({ Status: 'timeout', Timeout: true });
    expect(loop.body.ErrorString).toContain('longer than 1200 ms');
    const slow = await compile(server, {
      code: fs.readFileSync(path.resolve(__dirname, '../fixtures/hostile/slow-compile.cs'), 'utf8'),
      limits: { compileTimeoutMs: 1500 },
    });
    expect(slow.body).toMatchObject({ Status: 'compile_timeout', Timeout: true, CompileMS: 1500 });
    expect(slow.body.ErrorString).toContain('longer than 1500 ms');
    const over = await compile(server, { code: SUM, limits: { compileTimeoutMs: 10_000_000 } });
    expect(over.status).toBe(400);
    expect(over.body.ErrorString).toMatch(/^field "limits.compileTimeoutMs" must be between 1 and \d+$/);
  });
});
