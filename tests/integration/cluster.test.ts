// Two instances on one engine sharing a real Redis, behind real nginx (deploy/nginx.conf, run by
// scripts/lb.mjs): the rate limit holds across them, /api/cluster lists the live ones, a killed one
// is left out and a restarted one rejoins, neither touches the other's containers, and while Redis
// is down both keep running programs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterBody, HealthBody, StatsBody } from '@/lib/http/status-schemas';
import { compileFrom, eventually, sandboxesOf, startServer, type TestServer } from './helpers/server';
import { startLoadBalancer, startRedis, type ServiceProcess } from './helpers/services';

let redis: ServiceProcess;
let lb: ServiceProcess;
let a: TestServer;
let b: TestServer;

const settings = () => ({
  WEBCOMPILE_REDIS_URL: redis.url,
  WEBCOMPILE_TRUST_PROXY: 'true',
  WEBCOMPILE_LANGUAGES: 'python',
  WEBCOMPILE_POOL_SIZE: '1',
  WEBCOMPILE_RATE_LIMIT_PER_MINUTE: '4',
  WEBCOMPILE_CLUSTER_HEARTBEAT_MS: '200',
  WEBCOMPILE_CLUSTER_DEAD_AFTER_MS: '1500',
  WEBCOMPILE_LOG_DIR: 'runs/test-cluster',
});

async function get<T>(url: string): Promise<T> {
  const r = await fetch(url);
  return (await r.json()) as T;
}
const idOf = async (s: TestServer) => (await get<StatsBody>(`${s.url}/api/stats`)).instanceId;
const okRuns = async (s: TestServer) => (await get<StatsBody>(`${s.url}/api/stats`)).requests.byStatus.ok ?? 0;
const clusterIds = async (s: TestServer) =>
  (await get<ClusterBody>(`${s.url}/api/cluster`)).instances.map((i) => i.id).sort();

/** A run through nginx as the client `from` (nginx tells the instance that address). */
function runThroughLb(from: string, code = 'print("hi")') {
  return compileFrom({ url: lb.url } as TestServer, { language: 'python', code }, { localAddress: from });
}

beforeAll(async () => {
  redis = await startRedis();
  [a, b] = await Promise.all([startServer(settings()), startServer(settings())]);
  lb = await startLoadBalancer([a.port, b.port]);
}, 180_000);

afterAll(async () => {
  await lb?.stop();
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

describe('two instances behind nginx', () => {
  it('/api/cluster lists both with their pool state, and nginx sends requests to both', async () => {
    const ids = [await idOf(a), await idOf(b)].sort();
    await eventually(async () => (await clusterIds(a)).join() === ids.join(), 10_000, 'both listed');
    const body = await get<ClusterBody>(`${b.url}/api/cluster`);
    expect(body).toMatchObject({ self: await idOf(b), shared: true, problem: null });
    expect(body.instances.map((i) => i.id).sort()).toEqual(ids);
    for (const i of body.instances) expect(i.pool.size).toBe(1);
    const answered = new Set<string>();
    for (let i = 0; i < 4; i++) answered.add((await get<StatsBody>(`${lb.url}/api/stats`)).instanceId);
    expect([...answered].sort()).toEqual(ids);
  });

  it("holds a client's rate limit across the instances; another client has its own", async () => {
    const before = [await okRuns(a), await okRuns(b)];
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await runThroughLb('127.0.0.2', `print(${i})`));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    // Round robin: each instance ran two of them.
    expect([(await okRuns(a)) - before[0], (await okRuns(b)) - before[1]]).toEqual([2, 2]);
    const fifth = await runThroughLb('127.0.0.2');
    expect(fifth.status).toBe(429);
    expect(fifth.body.ErrorString).toBe('too many runs from 127.0.0.2; limit is 4 a minute');
    expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await runThroughLb('127.0.0.2')).status).toBe(429);
    expect((await runThroughLb('127.0.0.3')).status).toBe(200);
  });

  it('Redis down: both keep running programs and say they are degraded; back, the cluster is whole again', async () => {
    const ids = [await idOf(a), await idOf(b)].sort();
    await redis.kill();
    const health = await eventually(
      async () => {
        const r = await fetch(`${a.url}/api/health`);
        const h = (await r.json()) as HealthBody;
        // 200 once the sandboxes the last runs used are replaced.
        return h.shared.redis === 'down' && r.status === 200 ? { status: r.status, h } : undefined;
      },
      20_000,
      'health to see Redis down, and a sandbox ready',
    );
    expect(health.h).toMatchObject({ ok: true, accepting: true, shared: { redis: 'down', database: 'off' } });
    expect(health.h.degraded).toMatch(/^Redis is down/);
    const runs = [await runThroughLb('127.0.0.4'), await runThroughLb('127.0.0.4')];
    expect(runs.map((r) => [r.status, r.body.Output])).toEqual([
      [200, 'hi\n'],
      [200, 'hi\n'],
    ]);
    const alone = await get<ClusterBody>(`${a.url}/api/cluster`);
    expect(alone.problem).toMatch(/^Redis does not answer/);
    expect(alone.instances.map((i) => i.id)).toEqual([await idOf(a)]);

    redis = await startRedis({ dir: redis.dir, port: redis.port });
    await eventually(
      async () => ((await get<HealthBody>(`${a.url}/api/health`)).degraded === null ? true : undefined),
      15_000,
      'health whole again',
    );
    expect((await get<HealthBody>(`${a.url}/api/health`)).shared.redis).toBe('ok');
    await eventually(async () => (await clusterIds(a)).join() === ids.join(), 10_000, 'both listed again');
  });

  it('an instance killed with -9 is left out by nginx and the cluster; restarted, it rejoins; no container of the other is touched', async () => {
    const [idA, idB] = [await idOf(a), await idOf(b)];
    const killedContainers = (await sandboxesOf(idB)).map((c) => c.Id);
    expect(killedContainers.length).toBeGreaterThan(0);
    b.proc.kill('SIGKILL');
    await b.exited;
    // Every request still answered: nginx passes one that cannot reach the dead instance to the other.
    for (let i = 0; i < 3; i++) expect((await runThroughLb('127.0.0.5')).status).toBe(200);
    await eventually(async () => lb.output().includes(`lb: up=127.0.0.1:${a.port}\n`), 10_000, 'nginx to drop it');
    await eventually(async () => (await clusterIds(a)).join() === idA, 10_000, 'the cluster to drop it');

    // Settled first (its used sandboxes replaced), so that what it removes itself is not counted.
    await eventually(
      async () => {
        const p = (await get<StatsBody>(`${a.url}/api/stats`)).pools.python;
        return p.idle === 1 && p.busy === 0 && p.starting === 0 && p.destroying === 0;
      },
      20_000,
      'the live instance settled',
    );
    const keep = (await sandboxesOf(idA)).map((c) => c.Id);
    b = await startServer(settings(), { port: b.port });
    const idB2 = await idOf(b);
    expect(idB2).not.toBe(idB);
    // The new instance's start-up sweep took the dead one's containers and none of the live one's.
    const left = new Set((await sandboxesOf(idB)).map((c) => c.Id));
    expect(killedContainers.filter((c) => left.has(c))).toEqual([]);
    const stillA = new Set((await sandboxesOf(idA)).map((c) => c.Id));
    expect(keep.filter((c) => !stillA.has(c))).toEqual([]);

    await eventually(
      async () => lb.output().endsWith(`lb: up=127.0.0.1:${a.port},127.0.0.1:${b.port}\n`),
      10_000,
      'nginx to take it back',
    );
    await eventually(async () => (await clusterIds(a)).join() === [idA, idB2].sort().join(), 10_000, 'rejoined');
    const answered = new Set<string>();
    for (let i = 0; i < 4; i++) answered.add((await get<StatsBody>(`${lb.url}/api/stats`)).instanceId);
    expect([...answered].sort()).toEqual([idA, idB2].sort());
  });

  it('an instance that stops cleanly leaves the cluster at once', async () => {
    const idA = await idOf(a);
    await b.stop();
    expect(await clusterIds(a)).toEqual([idA]);
  });
});
