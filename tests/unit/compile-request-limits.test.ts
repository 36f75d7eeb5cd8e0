// The body's per-run `limits` (lib/http/compile-request.ts): timeoutMs and compileTimeoutMs, each
// within its setting's maximum; a limit past it is a 400 that says the maximum.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config/config';
import { parseCompileRequest } from '@/lib/http/compile-request';
import { post, refusalOf } from './helpers/compile-body';

const limits = { ...loadConfig({}), maxTimeoutMs: 20000, maxCompileTimeoutMs: 30000 };

const parse = (body: Record<string, unknown>) => parseCompileRequest(post(body), limits);
const refusal = (body: Record<string, unknown>) => refusalOf(parse(body));

describe('limits', () => {
  it('are read when given, and absent otherwise', async () => {
    expect((await parse({ code: 'x', limits: { timeoutMs: 1500, compileTimeoutMs: 25000 } })).limits).toEqual({
      timeoutMs: 1500,
      compileTimeoutMs: 25000,
    });
    expect((await parse({ code: 'x' })).limits).toBeUndefined();
    expect((await parse({ code: 'x', limits: {} })).limits).toEqual({});
  });

  it('past the maximum is a 400 naming it', async () => {
    expect(await refusal({ code: 'x', limits: { timeoutMs: 20001 } })).toEqual([
      400,
      'field "limits.timeoutMs" must be between 1 and 20000',
    ]);
    expect(await refusal({ code: 'x', limits: { compileTimeoutMs: 30001 } })).toEqual([
      400,
      'field "limits.compileTimeoutMs" must be between 1 and 30000',
    ]);
    expect(await refusal({ code: 'x', limits: { compileTimeoutMs: 0 } })).toEqual([
      400,
      'field "limits.compileTimeoutMs" must be between 1 and 30000',
    ]);
  });

  it('must be whole milliseconds, in an object of known fields', async () => {
    expect((await refusal({ code: 'x', limits: { timeoutMs: 1.5 } }))[0]).toBe(400);
    expect((await refusal({ code: 'x', limits: { timeoutMs: '100' } }))[0]).toBe(400);
    expect(await refusal({ code: 'x', limits: 5 })).toEqual([
      400,
      'field "limits" must be an object like {"timeoutMs": 2000, "compileTimeoutMs": 5000, "memoryMb": 128}',
    ]);
    expect((await refusal({ code: 'x', limits: { cpuTimeMs: 64 } }))[0]).toBe(400);
  });

  it('timeoutMs may be given once: at the top or in limits', async () => {
    expect(await refusal({ code: 'x', timeoutMs: 1000, limits: { timeoutMs: 1000 } })).toEqual([
      400,
      'send either "timeoutMs" or "limits.timeoutMs", not both',
    ]);
    expect((await parse({ code: 'x', timeoutMs: 1000, limits: { compileTimeoutMs: 2000 } })).timeoutMs).toBe(1000);
  });
});

describe('limits.memoryMb', () => {
  const withMemory = { ...limits, maxMemoryMb: 1024 };
  const parseWith = (l: typeof withMemory, body: Record<string, unknown>) => parseCompileRequest(post(body), l);

  it('is read from 16 to WEBCOMPILE_MAX_MEMORY_MB; past it, a 400 that says the range', async () => {
    expect((await parseWith(withMemory, { code: 'x', limits: { memoryMb: 64 } })).limits).toEqual({ memoryMb: 64 });
    expect((await parseWith(withMemory, { code: 'x', limits: { memoryMb: 1024 } })).limits).toEqual({ memoryMb: 1024 });
    for (const memoryMb of [15, 1025, 0]) {
      expect(await refusalOf(parseWith(withMemory, { code: 'x', limits: { memoryMb } }))).toEqual([
        400,
        'field "limits.memoryMb" must be between 16 and 1024',
      ]);
    }
    expect(await refusalOf(parseWith(withMemory, { code: 'x', limits: { memoryMb: 64.5 } }))).toEqual([
      400,
      'field "limits.memoryMb" must be a whole number of MiB',
    ]);
  });

  it('is refused where the sandboxes run in gVisor, which cannot change a sandbox’s memory', async () => {
    const gvisor = { ...withMemory, sandboxRuntime: 'runsc' };
    expect(await refusalOf(parseWith(gvisor, { code: 'x', limits: { memoryMb: 64 } }))).toEqual([
      400,
      'field "limits.memoryMb" is not available: the sandboxes run in gVisor, whose memory limit is set when they are made',
    ]);
    expect((await parseWith(gvisor, { code: 'x', limits: { timeoutMs: 100 } })).limits).toEqual({ timeoutMs: 100 });
  });
});
