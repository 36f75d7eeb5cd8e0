// The compile cache's shared tier against a real Redis (no engine needed): what one connection
// stores another reads back byte for byte; an entry expires unused and a hit starts its TTL again;
// past the byte cap the least recently used go; what does not fit or does not read is no entry; and
// with Redis killed it is a miss that never throws, until Redis is back.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisLink } from '@/lib/cluster/redis';
import { encodeEntry, RedisCompileCache, type SharedCompileCacheOptions } from '@/lib/cluster/shared-compile-cache';
import type { CompileResponse } from '@/lib/compiler/protocol';
import { eventually } from './helpers/server';
import { startRedis, type ServiceProcess } from './helpers/services';

const quiet = { info: () => {}, warn: () => {} };
let redis: ServiceProcess;
const links: RedisLink[] = [];

async function link(): Promise<RedisLink> {
  const l = connectRedis(redis.url, quiet);
  links.push(l);
  await eventually(async () => l.problem() === null, 10_000, 'Redis connected');
  return l;
}

/** Two connections (two instances) to one tier of its own: a prefix no other test uses. */
async function tier(opts: Partial<SharedCompileCacheOptions> = {}) {
  const full = { maxBytes: 1 << 20, ttlMs: 60_000, prefix: `test:${randomUUID()}:`, logger: quiet, ...opts };
  const [a, b] = [await link(), await link()];
  return {
    a: new RedisCompileCache(a, full),
    b: new RedisCompileCache(b, full),
    linkB: b,
    raw: a.client,
    prefix: full.prefix,
  };
}

/** A compile whose one artifact is `size` bytes of every byte value, `tag` first. */
function compileOf(tag: string, size = 1000): CompileResponse {
  const content = Buffer.alloc(size);
  for (let i = 0; i < size; i++) content[i] = (i * 7 + 3) & 0xff;
  content.write(tag);
  return { exitCode: 0, messages: `compiled ${tag} ✓`, artifacts: [{ path: 'main.exe', mode: 0o755, content }] };
}

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await Promise.all(links.map((l) => l.close()));
  await redis?.stop();
});

describe('the shared compile cache', () => {
  it('what one instance stores another reads back identical; an unknown key is a miss', async () => {
    const { a, b } = await tier();
    const value: CompileResponse = {
      exitCode: 0,
      messages: 'warning: ünused\n',
      artifacts: [
        { path: 'main.exe', mode: 0o755, content: Buffer.from(Array.from({ length: 256 }, (_, i) => i)) },
        { path: 'sub/lib.dll', mode: 0o644, content: compileOf('x', 70_000).artifacts[0].content },
        { path: 'empty', mode: 0o600, content: Buffer.alloc(0) },
      ],
    };
    await a.set('k1', value);
    const got = await b.get('k1');
    expect(got).toEqual(value);
    got!.artifacts.forEach((art, i) => expect(Buffer.compare(art.content, value.artifacts[i].content)).toBe(0));
    expect(await b.get('k2')).toBeUndefined();
    expect([b.hits, b.misses, b.errors]).toEqual([1, 1, 0]);
  });

  it('stores a compile error as it is', async () => {
    const { a, b } = await tier();
    const failed = { exitCode: 1, messages: 'main.cs(3,9): error CS1525', artifacts: [] };
    await a.set('bad', failed);
    expect(await b.get('bad')).toEqual(failed);
  });

  it('an entry left unused expires; one that is read keeps living, its TTL started again by each hit', async () => {
    const { a, b, raw, prefix } = await tier({ ttlMs: 1500 });
    await a.set('read', compileOf('read'));
    await a.set('unread', compileOf('unread'));
    expect(await raw.pttl(`${prefix}read`)).toBeGreaterThan(0);
    // Read again and again until the unread one has expired: the one read is still there.
    await eventually(
      async () => {
        expect(await b.get('read')).toEqual(compileOf('read'));
        return (await raw.exists(`${prefix}unread`)) === 0;
      },
      20_000,
      'the unread entry expired',
    );
    expect(await raw.exists(`${prefix}read`)).toBe(1);
    // Left alone, it expires too; then it is a miss, and its bookkeeping is gone with it.
    await eventually(async () => (await raw.exists(`${prefix}read`)) === 0, 20_000, 'the read entry expired');
    expect(await b.get('read')).toBeUndefined();
    expect(await raw.zscore(`${prefix}~lru`, `${prefix}read`)).toBeNull();
    // A write sweeps what expired unused from the byte total.
    await a.set('new', compileOf('new'));
    expect(Number(await raw.get(`${prefix}~bytes`))).toBe(encodeEntry(compileOf('new')).length);
    expect(await raw.zrange(`${prefix}~lru`, '0', '-1')).toEqual([`${prefix}new`]);
  });

  it('past the byte cap the least recently used entries go, and a hit makes an entry recent', async () => {
    const size = encodeEntry(compileOf('a')).length;
    const { a, b, raw, prefix } = await tier({ maxBytes: Math.floor(3.5 * size) });
    await a.set('a', compileOf('a'));
    await b.set('b', compileOf('b'));
    await a.set('c', compileOf('c'));
    expect(await b.get('a')).toEqual(compileOf('a')); // now "b" is the least recently used
    await b.set('d', compileOf('d'));
    expect(await raw.exists(`${prefix}b`)).toBe(0);
    expect(await raw.zrange(`${prefix}~lru`, '0', '-1')).toEqual(['c', 'a', 'd'].map((k) => prefix + k));
    expect(Number(await raw.get(`${prefix}~bytes`))).toBe(3 * size);
    await a.set('e', compileOf('e'));
    expect(await raw.zrange(`${prefix}~lru`, '0', '-1')).toEqual(['a', 'd', 'e'].map((k) => prefix + k));
    expect(await a.get('b')).toBeUndefined();
    expect(await a.get('c')).toBeUndefined();
    for (const k of ['a', 'd', 'e']) expect(await a.get(k)).toEqual(compileOf(k));
  });

  it('two instances writing and reading at once keep the byte total exact and under the cap', async () => {
    const size = encodeEntry(compileOf('a')).length;
    const { a, b, raw, prefix } = await tier({ maxBytes: 10 * size });
    const keys = Array.from({ length: 40 }, (_, i) => `k${i % 25}`);
    await Promise.all(
      keys.flatMap((k, i) => [(i % 2 ? a : b).set(k, compileOf(k.slice(-1))), (i % 2 ? b : a).get(keys[i >> 1])]),
    );
    const listed = await raw.zrange(`${prefix}~lru`, '0', '-1');
    const sizes = await raw.hgetall(`${prefix}~sizes`);
    const stored = await Promise.all(listed.map((k) => raw.strlen(k)));
    expect(listed).toHaveLength(10);
    expect(Object.keys(sizes).sort()).toEqual([...listed].sort());
    expect(stored).toEqual(listed.map((k) => Number(sizes[k])));
    expect(Number(await raw.get(`${prefix}~bytes`))).toBe(stored.reduce((n, x) => n + x, 0));
  });

  it('writing a key again replaces its entry and counts its bytes once', async () => {
    const { a, b, raw, prefix } = await tier();
    await a.set('k', compileOf('one', 500));
    await b.set('k', compileOf('two', 800));
    expect(await a.get('k')).toEqual(compileOf('two', 800));
    expect(Number(await raw.get(`${prefix}~bytes`))).toBe(encodeEntry(compileOf('two', 800)).length);
    expect(await raw.hlen(`${prefix}~sizes`)).toBe(1);
  });

  it('an entry bigger than the whole cap is not stored, and evicts nothing', async () => {
    const { a, b, raw, prefix } = await tier({ maxBytes: 5000 });
    await a.set('small', compileOf('small', 1000));
    await a.set('big', compileOf('big', 6000));
    expect(await raw.exists(`${prefix}big`)).toBe(0);
    expect(await b.get('big')).toBeUndefined();
    expect(await b.get('small')).toEqual(compileOf('small', 1000));
  });

  it('a stored value that does not read is a miss, and is deleted', async () => {
    const { a, b, raw, prefix } = await tier();
    await raw.set(`${prefix}junk`, Buffer.from('not a compile\0\xff'));
    const cut = encodeEntry(compileOf('cut'));
    await raw.set(`${prefix}cut`, cut.subarray(0, cut.length - 1));
    expect(await b.get('junk')).toBeUndefined();
    expect(await b.get('cut')).toBeUndefined();
    expect([b.hits, b.misses, b.errors]).toEqual([0, 2, 0]);
    expect(await raw.exists(`${prefix}junk`, `${prefix}cut`)).toBe(0);
    // Stored again properly, it is a hit.
    await a.set('cut', compileOf('cut'));
    expect(await b.get('cut')).toEqual(compileOf('cut'));
  });
});

describe('the shared compile cache with Redis down', () => {
  it('is a miss and never throws while Redis is killed, and works again once it is back', async () => {
    const { a, b, linkB } = await tier();
    await a.set('before', compileOf('before'));
    await redis.kill();
    // At once (whether or not the connection has seen Redis go yet), and once it has.
    expect(await b.get('before')).toBeUndefined();
    await expect(a.set('during', compileOf('during'))).resolves.toBeUndefined();
    expect([b.errors, a.errors]).toEqual([1, 1]);
    await eventually(async () => linkB.problem() !== null, 10_000, 'the link sees Redis down');
    expect(await b.get('before')).toBeUndefined();
    expect([b.hits, b.misses, b.errors]).toEqual([0, 0, 2]);
    redis = await startRedis({ dir: redis.dir, port: redis.port });
    // Back: what was stored before the kill is there again (the append-only file), and writes work.
    const hit = await eventually(async () => b.get('before'), 20_000, 'a hit once Redis is back');
    expect(hit).toEqual(compileOf('before'));
    await a.set('after', compileOf('after'));
    expect(await b.get('after')).toEqual(compileOf('after'));
    expect(await b.get('during')).toBeUndefined();
  });
});
