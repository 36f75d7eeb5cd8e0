// Two real servers on one engine sharing a real Redis: a C# program compiled through one is a cache
// hit through the other (its warm compilers never asked), and with Redis killed both still compile
// and run, each keeping what it had cached itself.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthBody, StatsBody } from '@/lib/http/status-schemas';
import { compile, eventually, startServer, type TestServer } from './helpers/server';
import { startRedis, type ServiceProcess } from './helpers/services';

let redis: ServiceProcess;
let raw: Redis;
let a: TestServer;
let b: TestServer;

const settings = () => ({
  WEBCOMPILE_REDIS_URL: redis.url,
  WEBCOMPILE_LANGUAGES: 'csharp',
  WEBCOMPILE_POOL_SIZE: '1',
  WEBCOMPILE_LOG_DIR: 'runs/test-shared-compile-cache',
});

/** A program no earlier run compiled: a nonce in a comment changes the cache key, not the output. */
const program = (output: string) => `// ${randomUUID()}
class P { static void Main() { System.Console.Write("${output}"); } }`;

const run = (s: TestServer, code: string) => compile(s, { language: 'csharp', code });
const stats = async (s: TestServer) => (await (await fetch(`${s.url}/api/stats`)).json()) as StatsBody;
/** The entries of the shared tier, as Redis lists them. */
const sharedEntries = () => raw.zcard('webcompile:cc:~lru');

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url, { maxRetriesPerRequest: 0, lazyConnect: true });
  await raw.connect();
  [a, b] = await Promise.all([startServer(settings()), startServer(settings())]);
  for (const s of [a, b]) {
    const redisOk = async () =>
      ((await (await fetch(`${s.url}/api/health`)).json()) as HealthBody).shared.redis === 'ok';
    await eventually(redisOk, 10_000, 'the server connected to Redis');
  }
}, 180_000);

afterAll(async () => {
  raw?.disconnect();
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

describe('the shared compile cache between two servers', () => {
  const before = program('compiled once');

  it('a program compiled through one server is a cache hit through the other, with the same Output', async () => {
    const onA = await run(a, before);
    expect(onA.status).toBe(200);
    expect(onA.body).toMatchObject({ Status: 'ok', Output: 'compiled once', CompileCached: false });
    // A's write to the shared tier is not waited for by its answer: B is asked once it has landed.
    await eventually(async () => (await sharedEntries()) === 1, 10_000, "A's compile in Redis");
    const onB = await run(b, before);
    expect(onB.status).toBe(200);
    expect(onB.body).toMatchObject({ Status: 'ok', Output: 'compiled once', CompileCached: true });
    expect((await stats(b)).compileCache).toMatchObject({
      hits: 0,
      misses: 1,
      shared: { hits: 1, misses: 0, errors: 0 },
    });
    expect((await stats(a)).compileCache).toMatchObject({
      hits: 0,
      misses: 1,
      shared: { hits: 0, misses: 1, errors: 0 },
    });
    // B keeps it too: its next one is a hit of its own.
    expect((await run(b, before)).body).toMatchObject({ CompileCached: true });
    expect((await stats(b)).compileCache).toMatchObject({ hits: 1, shared: { hits: 1 } });
  });

  it('with Redis killed, a new program still compiles and runs through both, and A still has what it compiled', async () => {
    raw.disconnect();
    await redis.kill();
    const fresh = program('compiled without Redis');
    for (const s of [a, b]) {
      const r = await run(s, fresh);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ Status: 'ok', Output: 'compiled without Redis', CompileCached: false });
    }
    const again = await run(a, before);
    expect(again.body).toMatchObject({ Status: 'ok', Output: 'compiled once', CompileCached: true });
    // Each fresh compile: a lookup and a write that Redis did not answer.
    expect((await stats(a)).compileCache.shared).toEqual({ hits: 0, misses: 1, errors: 2 });
    expect((await stats(b)).compileCache.shared).toEqual({ hits: 1, misses: 0, errors: 2 });
  });
});
