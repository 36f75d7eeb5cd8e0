// The compile cache's tier the instances share, in Redis (WEBCOMPILE_SHARED_CACHE_MB,
// WEBCOMPILE_SHARED_CACHE_TTL_S): a program compiled through one instance is a cache hit through
// every other. Each entry is `<prefix><cache key>`, its value the compile's answer in length-prefixed
// fields, expiring after the TTL unused (a hit starts the TTL again). The whole tier is held to a
// byte cap: past it, the least recently used entries go.
//
// The bookkeeping beside the entries: a sorted set of the entries by last use, a hash of each
// entry's size and a running byte total. Every change to an entry and to its bookkeeping is one Lua
// script, and Redis runs a script whole with no other command in between, so however many instances
// read and write at once, the total is the sum of the sizes listed, the set lists exactly the
// entries the hash sizes, and an eviction never races a write: no instance reads a value and writes
// a decision back from outside. A use's score is Redis's own clock (microseconds), never the
// instances', and made strictly greater than the newest score already there, so the order is the
// order in which Redis saw the uses. An entry that expired unused is gone from Redis but still
// listed until a write sweeps it (its score is older than the TTL) or evicts it (it is the least
// recently used of all): its bytes are counted only until then, and never cost a live entry its place.
// The scripts touch keys they do not declare: a single Redis, as the rest of the cluster uses.
//
// It is a cache, never a dependency: while Redis is down it is not asked at all, and a command that
// fails or times out (the link's command timeout, 1 s) is a miss, as is a stored value that does
// not read (which is deleted).

import type { SharedCompileCache } from '../compiler/compile-cache';
import { isRelativePath, MAX_ARTIFACTS, type Artifact, type CompileResponse } from '../compiler/protocol';
import type { Logger } from '../observability/logger';
import { errorMessage } from '../util/error-message';
import { decodeFields, encodeFields } from '../util/fields';
import type { RedisLink } from './redis';

const FORMAT = 'wcs1';
export const DEFAULT_PREFIX = 'webcompile:cc:';

/** Shared by the scripts: the bookkeeping keys are KEYS[2..4]; KEYS[1] is the entry. */
const LUA_COMMON = `
local lru, sizes, total = KEYS[2], KEYS[3], KEYS[4]
-- Drops an entry and its bookkeeping; returns the bytes it was counted for.
local function forget(entry)
  local size = tonumber(redis.call('HGET', sizes, entry) or '0')
  if size > 0 then redis.call('DECRBY', total, size) end
  redis.call('HDEL', sizes, entry)
  redis.call('ZREM', lru, entry)
  redis.call('DEL', entry)
  return size
end
-- Redis's time in microseconds, later than every use listed.
local function now()
  local t = redis.call('TIME')
  local at = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local newest = redis.call('ZRANGE', lru, -1, -1, 'WITHSCORES')
  if newest[2] and tonumber(newest[2]) >= at then at = tonumber(newest[2]) + 1 end
  return at
end
local function touch(entry, at)
  redis.call('ZADD', lru, string.format('%.0f', at), entry)
end
`;

/** ARGV: the TTL in ms. The value, its TTL started again; nil (its bookkeeping dropped) when gone. */
const LUA_GET = `${LUA_COMMON}
local value = redis.call('GET', KEYS[1])
if not value then
  forget(KEYS[1])
  return false
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
touch(KEYS[1], now())
return value
`;

/** ARGV: the value, the cap in bytes, the TTL in ms. 1 when stored, 0 when bigger than the cap. */
const LUA_SET = `${LUA_COMMON}
local size, cap, ttl = string.len(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if size > cap then return 0 end
local at = now()
-- Entries unused past the TTL have expired: their bytes no longer count (a few per write).
local expired = redis.call('ZRANGEBYSCORE', lru, '-inf', string.format('%.0f', at - ttl * 1000), 'LIMIT', 0, 64)
for _, entry in ipairs(expired) do forget(entry) end
forget(KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('HSET', sizes, KEYS[1], size)
local used = redis.call('INCRBY', total, size)
touch(KEYS[1], at)
-- Past the cap: the least recently used go first. This one, the newest, fits the cap alone.
while used > cap do
  local oldest = redis.call('ZRANGE', lru, 0, 0)[1]
  if not oldest then
    redis.call('SET', total, 0)
    break
  end
  used = used - forget(oldest)
end
return 1
`;

/** ARGV: the value read. Deletes the entry if it still holds exactly that value. */
const LUA_DROP = `${LUA_COMMON}
if redis.call('GET', KEYS[1]) == ARGV[1] then
  forget(KEYS[1])
  return 1
end
return 0
`;

type Keys = [string, string, string, string];

/** The scripts, as ioredis's defineCommand adds them to the client (the Buffer variant for values). */
interface Scripts {
  webcompileCcGetBuffer(...args: [...Keys, ttlMs: number]): Promise<Buffer | null>;
  webcompileCcSet(...args: [...Keys, value: Buffer, capBytes: number, ttlMs: number]): Promise<number>;
  webcompileCcDrop(...args: [...Keys, value: Buffer]): Promise<number>;
}

export interface SharedCompileCacheOptions {
  /** The whole tier's cap (WEBCOMPILE_SHARED_CACHE_MB). */
  maxBytes: number;
  /** How long an entry stays unused (WEBCOMPILE_SHARED_CACHE_TTL_S). */
  ttlMs: number;
  logger?: Pick<Logger, 'warn'>;
  /** Where the entries and their bookkeeping live (tests use one of their own). */
  prefix?: string;
}

export class RedisCompileCache implements SharedCompileCache {
  /** Lookups Redis answered with an entry. */
  hits = 0;
  /** Lookups Redis answered without one (a stored value that did not read counts here too). */
  misses = 0;
  /** Lookups and writes not made or not answered: Redis down, a command that failed or timed out. */
  errors = 0;
  private readonly scripts: Scripts;
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisLink,
    private readonly opts: SharedCompileCacheOptions,
  ) {
    this.prefix = opts.prefix ?? DEFAULT_PREFIX;
    const c = redis.client;
    c.defineCommand('webcompileCcGet', { numberOfKeys: 4, lua: LUA_GET });
    c.defineCommand('webcompileCcSet', { numberOfKeys: 4, lua: LUA_SET });
    c.defineCommand('webcompileCcDrop', { numberOfKeys: 4, lua: LUA_DROP });
    this.scripts = c as unknown as Scripts;
  }

  async get(key: string): Promise<CompileResponse | undefined> {
    if (this.redis.problem()) {
      this.errors++;
      return undefined;
    }
    let raw: Buffer | null;
    try {
      raw = await this.scripts.webcompileCcGetBuffer(...this.keys(key), this.opts.ttlMs);
    } catch {
      this.errors++;
      return undefined;
    }
    if (!raw) {
      this.misses++;
      return undefined;
    }
    try {
      const value = decodeEntry(raw);
      this.hits++;
      return value;
    } catch (e) {
      this.misses++;
      this.opts.logger?.warn({ event: 'shared_cache_malformed', key, error: errorMessage(e) });
      await this.scripts.webcompileCcDrop(...this.keys(key), raw).catch(() => {});
      return undefined;
    }
  }

  async set(key: string, value: CompileResponse): Promise<void> {
    const raw = encodeEntry(value);
    if (raw.length > this.opts.maxBytes) return;
    if (this.redis.problem()) {
      this.errors++;
      return;
    }
    try {
      await this.scripts.webcompileCcSet(...this.keys(key), raw, this.opts.maxBytes, this.opts.ttlMs);
    } catch {
      this.errors++;
    }
  }

  /** The Redis key of an entry. */
  entryKey(key: string): string {
    return this.prefix + key;
  }

  private keys(key: string): Keys {
    // '~' is in no cache key (hex): the bookkeeping's names never clash with an entry's.
    return [this.entryKey(key), `${this.prefix}~lru`, `${this.prefix}~sizes`, `${this.prefix}~bytes`];
  }
}

export function encodeEntry(r: CompileResponse): Buffer {
  return encodeFields([
    FORMAT,
    String(r.exitCode),
    r.messages,
    String(r.artifacts.length),
    ...r.artifacts.flatMap((a) => [a.path, a.mode.toString(8), a.content]),
  ]);
}

export class MalformedEntryError extends Error {}

/** Reads a stored value as strictly as the compilers' answers are read. Throws on anything else. */
export function decodeEntry(raw: Buffer): CompileResponse {
  let fields: Buffer[];
  try {
    fields = decodeFields(raw);
  } catch (e) {
    throw new MalformedEntryError(errorMessage(e));
  }
  const [format, exitCode, messages, count, ...rest] = fields;
  if (format?.toString('latin1') !== FORMAT) throw new MalformedEntryError('not a stored compile');
  const number = (b: Buffer | undefined, max: number) => {
    const text = b?.toString('latin1') ?? '';
    if (!/^\d{1,10}$/.test(text) || Number(text) > max) throw new MalformedEntryError(`bad number "${text}"`);
    return Number(text);
  };
  const n = number(count, MAX_ARTIFACTS);
  if (rest.length !== 3 * n) throw new MalformedEntryError(`${rest.length} fields for ${n} files`);
  const artifacts: Artifact[] = [];
  for (let i = 0; i < rest.length; i += 3) {
    const path = rest[i].toString('utf8');
    const mode = rest[i + 1].toString('latin1');
    if (!isRelativePath(path)) throw new MalformedEntryError(`bad path "${path.slice(0, 100)}"`);
    if (!/^[0-7]{1,3}$/.test(mode)) throw new MalformedEntryError(`bad mode "${mode}"`);
    artifacts.push({ path, mode: parseInt(mode, 8), content: rest[i + 2] });
  }
  return { exitCode: number(exitCode, 255), messages: messages.toString('utf8'), artifacts };
}
