// The hostile corpus (tests/fixtures/hostile/*.cs): each program gets a well-formed answer with the
// Status its header names, and a normal program runs fine right after it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, GVISOR, instanceIdOf, sandboxesOf, SUM, useServer } from './helpers/server';

interface Fixture {
  name: string;
  code: string;
  status: string;
  timeoutMs?: number;
  output?: string;
  outputNot: string[];
  error?: string;
  truncated?: boolean;
  exit?: number;
}

const dir = path.resolve(__dirname, '../fixtures/hostile');
const unescape = (s: string) => JSON.parse(`"${s.replace(/"/g, '\\"')}"`) as string;

function load(file: string): Fixture {
  const code = fs.readFileSync(path.join(dir, file), 'utf8');
  // Under gVisor a fixture may state what gVisor legitimately does instead ("expect-status-runsc").
  const lines = (key: string) => [...code.matchAll(new RegExp(`^// ${key}: (.*)$`, 'gm'))].map((m) => m[1].trim());
  const header = (key: string) => (GVISOR && lines(`${key}-runsc`).length ? lines(`${key}-runsc`) : lines(key));
  const [status] = header('expect-status');
  if (!status) throw new Error(`${file} has no expect-status header`);
  const [timeout] = header('timeout-ms');
  const [output] = header('expect-output');
  const [error] = header('expect-error');
  const [truncated] = header('expect-truncated');
  const [exit] = header('expect-exit');
  return {
    name: file,
    code,
    status,
    timeoutMs: timeout ? Number(timeout) : undefined,
    output: output === undefined ? undefined : unescape(output),
    outputNot: header('expect-output-not'),
    error,
    truncated: truncated === undefined ? undefined : truncated === 'true',
    exit: exit === undefined ? undefined : Number(exit),
  };
}

const fixtures = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.cs'))
  .sort()
  .map(load);

const server = useServer({
  WEBCOMPILE_POOL_SIZE: '2',
  WEBCOMPILE_COMPILE_TIMEOUT_MS: '4000',
  WEBCOMPILE_TIMEOUT_MS: '3000',
  WEBCOMPILE_TEST_CANARY: 'canary-value-that-must-not-leak',
});

describe('hostile programs', () => {
  it('the corpus is there', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(15);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, f) => {
    const r = await compile(server, { code: f.code, ...(f.timeoutMs ? { timeoutMs: f.timeoutMs } : {}) });
    expect(r.status).toBe(200);
    const b = r.body;
    expect(b.Status, `${f.name}: ${JSON.stringify(b).slice(0, 800)}`).toBe(f.status);
    expect(b.Timeout).toBe(f.status === 'timeout' || f.status === 'compile_timeout');
    if (f.output !== undefined) expect(b.Output).toBe(f.output);
    for (const not of f.outputNot) expect(b.Output).not.toContain(not);
    if (f.error) expect(b.ErrorString.toLowerCase()).toContain(f.error.toLowerCase());
    if (f.truncated !== undefined) expect(b.Truncated).toBe(f.truncated);
    if (f.exit !== undefined) expect(b.ExitCode).toBe(f.exit);
    if (f.status === 'timeout') expect(b.RunMS).toBeLessThan((f.timeoutMs ?? 3000) + 1000);
    if (f.status === 'output_limit') {
      expect(b.Output.length + b.ErrorString.length).toBeLessThan(2 * 65536 + 1024);
    }

    const after = await compile(server, { code: SUM });
    expect(after.body).toMatchObject({ Status: 'ok', Output: 'Sum: 499500\n' });
  });

  it("endless output leaves the server's own memory flat", async () => {
    const flood = fixtures.find((f) => f.name === 'stdout-flood.cs')!;
    const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.proc.pid}/status`, 'utf8'))![1]);
    await compile(server, { code: flood.code }); // warm: first-use allocations are not growth
    const before = rssKb();
    for (let i = 0; i < 6; i++) expect((await compile(server, { code: flood.code })).body.Status).toBe('output_limit');
    // 6 floods of an endless stream: without the cap this would be unbounded
    expect(rssKb() - before).toBeLessThan(48 * 1024);
  });

  it('reports CPU time and peak memory of a run', async () => {
    const r = await compile(server, {
      code: 'class P { static void Main() { var a = new byte[40 << 20]; for (int i = 0; i < a.Length; i += 4096) a[i] = 1; double x = 0; for (int i = 0; i < 50000000; i++) x += i; System.Console.Write(x > 0); } }',
    });
    expect(r.body.Status).toBe('ok');
    expect(r.body.MemoryKB).toBeGreaterThan(40 * 1024);
    expect(r.body.CpuTimeMS).toBeGreaterThan(0);
  });

  it('leaves no stray containers after the corpus: the pool is back to its size', async () => {
    const id = await instanceIdOf(server);
    const stats = async () => (await fetch(`${server.url}/api/stats`)).json();
    await expect.poll(async () => (await stats()).pool.idle, { timeout: 20_000 }).toBe(2);
    await expect.poll(async () => (await sandboxesOf(id)).length, { timeout: 20_000 }).toBe(2);
  });
});
