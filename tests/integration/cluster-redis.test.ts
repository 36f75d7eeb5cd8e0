// What the instances of a cluster share through a real Redis (no engine needed): the rate limit and
// the list of live instances, and what happens while Redis is down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Membership, type InstanceReport } from '@/lib/cluster/membership';
import { connectRedis, type RedisLink } from '@/lib/cluster/redis';
import { SharedRateLimit } from '@/lib/cluster/shared-rate-limit';
import { eventually } from './helpers/server';
import { startRedis, type ServiceProcess } from './helpers/services';

const quiet = { info: () => {}, warn: () => {} };
let redis: ServiceProcess;
const links: RedisLink[] = [];

function link(): RedisLink {
  const l = connectRedis(redis.url, quiet);
  links.push(l);
  return l;
}

async function connected(l: RedisLink): Promise<void> {
  await eventually(async () => l.problem() === null, 10_000, 'Redis connected');
}

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await Promise.all(links.map((l) => l.close()));
  await redis?.stop();
});

describe('the shared rate limit', () => {
  it("holds a client's limit across instances, and not another client's", async () => {
    const [a, b] = [link(), link()];
    await Promise.all([connected(a), connected(b)]);
    const onA = new SharedRateLimit(3, a);
    const onB = new SharedRateLimit(3, b);
    expect(await onA.take('10.0.0.1')).toEqual({ allowed: true, retryAfterS: 0 });
    expect(await onB.take('10.0.0.1')).toEqual({ allowed: true, retryAfterS: 0 });
    expect(await onA.take('10.0.0.1')).toEqual({ allowed: true, retryAfterS: 0 });
    const refused = await onB.take('10.0.0.1');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterS).toBeLessThanOrEqual(60);
    expect(await onB.take('10.0.0.2')).toEqual({ allowed: true, retryAfterS: 0 });
  });

  it('takes several runs at once or none, and a refusal uses up nothing', async () => {
    const [a, b] = [link(), link()];
    await Promise.all([connected(a), connected(b)]);
    const onA = new SharedRateLimit(5, a);
    const onB = new SharedRateLimit(5, b);
    expect((await onA.take('10.0.1.1', 4)).allowed).toBe(true);
    // 2 more than the 1 left: refused, and the 1 is still there.
    expect((await onB.take('10.0.1.1', 2)).allowed).toBe(false);
    expect((await onB.take('10.0.1.1', 1)).allowed).toBe(true);
    expect((await onA.take('10.0.1.1', 1)).allowed).toBe(false);
  });

  it('asks a whole minute for a request of more runs than a minute holds', async () => {
    const a = link();
    await connected(a);
    const limit = new SharedRateLimit(3, a);
    expect((await limit.take('10.0.2.1', 10)).allowed).toBe(true);
    expect((await limit.take('10.0.2.1', 1)).allowed).toBe(false);
  });

  it('is no limit at 0', async () => {
    const limit = new SharedRateLimit(0, link());
    for (let i = 0; i < 5; i++) expect((await limit.take('10.0.3.1')).allowed).toBe(true);
  });
});

function report(id: string, idle: number): InstanceReport {
  return {
    id,
    hostname: 'host',
    pid: 1,
    startedAt: 1000 + idle,
    shuttingDown: false,
    inFlight: 0,
    pool: { size: 2, idle, busy: 2 - idle, starting: 0, waiting: 0 },
  };
}

const ids = async (m: Membership) => (await m.live()).map((i) => i.id);

describe('the live instances', () => {
  it('will not say who is alive (to call the rest dead) before beating for the dead-after time', async () => {
    const a = link();
    await connected(a);
    const m = new Membership(a, { heartbeatMs: 100, deadAfterMs: 400, logger: quiet, report: () => report('new', 1) });
    await m.beat();
    await expect(m.liveIds()).rejects.toThrow(/not known yet/);
    expect(await ids(m)).toEqual(['new']);
    m.start();
    await eventually(async () => (await m.liveIds().catch(() => null))?.join() === 'new', 10_000, 'liveIds answers');
    await m.stop('new');
  });

  it('lists each instance with its last report, and one that leaves at once', async () => {
    const a = link();
    await connected(a);
    const opts = { heartbeatMs: 100_000, deadAfterMs: 60_000, logger: quiet };
    const one = new Membership(a, { ...opts, report: () => report('one', 1) });
    const two = new Membership(a, { ...opts, report: () => report('two', 2) });
    await one.beat();
    await two.beat();
    const live = await one.live();
    expect(live.map((i) => i.id)).toEqual(['one', 'two']);
    expect(live[1]).toMatchObject(report('two', 2));
    expect(live[1].beatAt).toBeGreaterThan(0);
    await two.stop('two');
    expect(await ids(one)).toEqual(['one']);
    await one.stop('one');
    expect(await ids(one)).toEqual([]);
  });

  it('drops an instance that stops beating once it has been silent past the limit', async () => {
    const a = link();
    await connected(a);
    const steady = new Membership(a, {
      heartbeatMs: 100,
      deadAfterMs: 600,
      logger: quiet,
      report: () => report('steady', 1),
    });
    const crashed = new Membership(a, {
      heartbeatMs: 100,
      deadAfterMs: 600,
      logger: quiet,
      report: () => report('crashed', 1),
    });
    steady.start();
    await crashed.beat();
    expect((await ids(steady)).sort()).toEqual(['crashed', 'steady']);
    // "crashed" beats no more; "steady" goes on and stays listed.
    await eventually(async () => (await ids(steady)).join() === 'steady', 10_000, 'the silent one dropped');
    // beating steadily past the limit: who is alive may now decide who is dead
    expect(await steady.liveIds()).toEqual(['steady']);
    await steady.stop('steady');
  });
});

describe('Redis down', () => {
  it('the limit falls back to each instance counting alone, and is shared again once Redis is back', async () => {
    const a = link();
    await connected(a);
    const limit = new SharedRateLimit(2, a);
    const membership = new Membership(a, {
      heartbeatMs: 100_000,
      deadAfterMs: 60_000,
      logger: quiet,
      report: () => report('x', 1),
    });
    await redis.kill();
    await eventually(async () => a.problem() !== null, 10_000, 'the link sees Redis down');
    // Answered at once, by this process's own count.
    expect((await limit.take('10.0.4.1')).allowed).toBe(true);
    expect((await limit.take('10.0.4.1')).allowed).toBe(true);
    expect((await limit.take('10.0.4.1')).allowed).toBe(false);
    await expect(membership.live()).rejects.toThrow();
    // A heartbeat that fails is logged, not thrown.
    await expect(membership.beat()).resolves.toBeUndefined();

    redis = await startRedis({ dir: redis.dir, port: redis.port });
    await connected(a);
    const b = link();
    await connected(b);
    const onB = new SharedRateLimit(2, b);
    expect((await limit.take('10.0.4.9')).allowed).toBe(true);
    expect((await onB.take('10.0.4.9')).allowed).toBe(true);
    expect((await limit.take('10.0.4.9')).allowed).toBe(false);
  });
});
