// Judge0's stored submissions in a cluster: two instances on one engine share a real PostgreSQL
// (WEBCOMPILE_DATABASE_URL) and a real Redis (who is alive, and the BullMQ queue of their jobs). A
// submission running on the instance that took it, killed with -9, is finished by the other through
// BullMQ's stalled-job recovery and answers through either; a batch is shared out; with PostgreSQL
// or Redis away the instances still run programs, and nothing queued or running is lost once it is back.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterBody, HealthBody, StatsBody } from '@/lib/http/status-schemas';
import { compile, eventually, startServer, type TestServer } from './helpers/server';
import { finished, j0 } from './helpers/judge0';
import { startPostgres, startRedis, type ServiceProcess } from './helpers/services';

let redis: ServiceProcess;
let pg: ServiceProcess;
let a: TestServer;
let b: TestServer;

const settings = () => ({
  WEBCOMPILE_REDIS_URL: redis.url,
  WEBCOMPILE_DATABASE_URL: pg.url,
  WEBCOMPILE_LANGUAGES: 'python',
  WEBCOMPILE_POOL_SIZE: '2',
  WEBCOMPILE_JUDGE0_WORKERS: '1',
  WEBCOMPILE_CLUSTER_HEARTBEAT_MS: '200',
  WEBCOMPILE_CLUSTER_DEAD_AFTER_MS: '1500',
  WEBCOMPILE_LOG_DIR: 'runs/test-cluster-judge0',
});

/** Python's Judge0 id (3.8.1's, which Judge0 CE gives Python 3). */
const PYTHON = 71;
const slow = (label: string, seconds: number) =>
  `import time\nprint("${label} start", flush=True)\ntime.sleep(${seconds})\nprint("${label} done")`;

async function post(server: TestServer, source: string): Promise<string> {
  const r = await j0(server, 'POST', '/submissions', { language_id: PYTHON, source_code: source });
  expect(r.status, r.text).toBe(201);
  return r.body.token;
}

async function state(server: TestServer, token: string): Promise<number> {
  return (await j0(server, 'GET', `/submissions/${token}?fields=status_id`)).body.status_id;
}

const idOf = async (s: TestServer) => ((await (await fetch(`${s.url}/api/stats`)).json()) as StatsBody).instanceId;
/** What BullMQ says of a submission's job, read from the cluster's Redis as any BullMQ client would. */
async function jobOf(token: string): Promise<{ state: string; stalledCounter: number; processedBy?: string } | null> {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue('webcompile-judge0', { connection });
  try {
    const job = await queue.getJob(token);
    if (!job) return null;
    return { state: await job.getState(), stalledCounter: job.stalledCounter, processedBy: job.processedBy };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

const okRuns = async (s: TestServer) =>
  ((await (await fetch(`${s.url}/api/stats`)).json()) as StatsBody).requests.byStatus.ok ?? 0;

beforeAll(async () => {
  [redis, pg] = await Promise.all([startRedis(), startPostgres()]);
  [a, b] = await Promise.all([startServer(settings()), startServer(settings())]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await Promise.all([redis?.stop(), pg?.stop()]);
});

describe('Judge0 submissions shared by two instances', () => {
  it('one running on an instance killed with -9 is finished by the other, and answers through either', async () => {
    const token = await post(a, slow('taken over', 3));
    await eventually(async () => (await state(a, token)) === 2, 20_000, 'it to run');
    // Whichever instance took it says so in its heartbeat (a run in flight).
    const ids = new Map([
      [await idOf(a), 'a'],
      [await idOf(b), 'b'],
    ]);
    const runner = await eventually(
      async () => {
        const c = (await (await fetch(`${a.url}/api/cluster`)).json()) as ClusterBody;
        return c.instances.find((i) => i.inFlight === 1)?.id;
      },
      10_000,
      'the runner in the cluster list',
    );
    const victim = ids.get(runner) === 'a' ? a : b;
    const survivor = victim === a ? b : a;
    victim.proc.kill('SIGKILL');
    await victim.exited;
    // Once the dead one's heartbeat is older than the dead-after limit, the other queues it again and runs it whole.
    const done = await finished(survivor, token, 'fields=status_id,status,stdout', 30_000);
    expect(done).toMatchObject({ status_id: 3, stdout: 'taken over start\ntaken over done\n' });
    const restarted = await startServer(settings(), { port: victim.port });
    if (victim === a) a = restarted;
    else b = restarted;
    expect((await j0(restarted, 'GET', `/submissions/${token}?fields=status_id,status,stdout`)).body).toEqual(done);
    // It was a BullMQ job whose lock lapsed with its worker: the stalled check moved it back, and the
    // survivor's worker completed it.
    expect(await jobOf(token)).toEqual({ state: 'completed', stalledCounter: 1, processedBy: await idOf(survivor) });
  });

  it('a batch posted to one instance is run by both, each submission once', async () => {
    const before = [await okRuns(a), await okRuns(b)];
    const submissions = Array.from({ length: 6 }, (_, i) => ({
      language_id: PYTHON,
      source_code: `import time\ntime.sleep(0.5)\nprint(${i})`,
    }));
    const r = await j0(a, 'POST', '/submissions/batch', { submissions });
    expect(r.status, r.text).toBe(201);
    const tokens: string[] = r.body.map((t: { token: string }) => t.token);
    const outputs = [];
    for (const t of tokens) outputs.push((await finished(b, t, 'fields=status_id,status,stdout', 60_000)).stdout);
    expect(outputs).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n', '5\n']);
    const ran = [(await okRuns(a)) - before[0], (await okRuns(b)) - before[1]];
    expect(ran[0] + ran[1]).toBe(6);
    expect(ran[0]).toBeGreaterThan(0);
    expect(ran[1]).toBeGreaterThan(0);
    // each through its own job, completed by one of the two workers
    const jobs = await Promise.all(tokens.map(jobOf));
    const ids = [await idOf(a), await idOf(b)];
    expect(jobs.map((j) => j?.state)).toEqual(Array(6).fill('completed'));
    expect(jobs.every((j) => ids.includes(j?.processedBy ?? ''))).toBe(true);
  });

  it('Redis down: programs still run, an instance starts, posts are stored, and once it is back they and the one running then finish', async () => {
    const running = await post(a, slow('across', 2));
    await eventually(async () => (await state(a, running)) === 2, 20_000, 'it to run');
    await redis.kill();
    // An instance that starts while Redis is away serves too (its queue never connected yet).
    await b.stop();
    b = await startServer(settings(), { port: b.port });

    const sync = await compile(b, { language: 'python', code: 'print("no redis")' });
    expect([sync.status, sync.body.Output]).toEqual([200, 'no redis\n']);
    // Stored though their jobs could not be added: answered with tokens, In Queue.
    const later = [await post(a, 'print("posted while away, a")'), await post(b, 'print("posted while away, b")')];
    for (const t of later) expect(await state(b, t)).toBe(1);
    // /api/health asks the database at most once a second: the restarted one's first answer may be
    // from before its store was open.
    const shared = async () => ((await (await fetch(`${b.url}/api/health`)).json()) as HealthBody).shared;
    await eventually(async () => (await shared()).database === 'ok', 10_000, 'the database checked');
    expect(await shared()).toEqual({ redis: 'down', database: 'ok' });

    redis = await startRedis({ dir: redis.dir, port: redis.port });
    const outputs = [];
    for (const t of [running, ...later])
      outputs.push((await finished(a, t, 'fields=status_id,status,stdout', 60_000)).stdout);
    expect(outputs).toEqual(['across start\nacross done\n', 'posted while away, a\n', 'posted while away, b\n']);
    // Every job ended completed once Redis was back: the one running then (its worker's lock lapsed
    // while Redis was away; taken again, its row was done) and those added when Redis returned.
    for (const t of [running, ...later]) {
      await eventually(async () => (await jobOf(t))?.state === 'completed', 30_000, 'its job completed');
    }
  });

  it('PostgreSQL down: programs still run, Judge0 answers 503, and nothing queued or running is lost', async () => {
    const tokens = [await post(a, slow('one', 1)), await post(a, slow('two', 1)), await post(b, slow('three', 1))];
    await eventually(async () => (await state(a, tokens[0])) === 2, 20_000, 'the first to run');
    await pg.kill();

    const sync = await compile(a, { language: 'python', code: 'print("still here")' });
    expect([sync.status, sync.body.Output]).toEqual([200, 'still here\n']);
    const refused = await j0(b, 'POST', '/submissions', { language_id: PYTHON, source_code: 'print(1)' });
    expect([refused.status, refused.body, refused.headers.get('retry-after')]).toEqual([
      503,
      { error: 'the submissions database does not answer' },
      '5',
    ]);
    const health = (await (await fetch(`${a.url}/api/health`)).json()) as HealthBody;
    expect(health.shared).toEqual({ redis: 'ok', database: 'down' });
    expect(health.degraded).toMatch(/^the submissions database is down/);

    pg = await startPostgres({ dir: pg.dir, port: pg.port });
    const outputs = [];
    for (const t of tokens) {
      const { status_id, stdout, message } = await finished(a, t, 'fields=status_id,status,stdout,message', 60_000);
      outputs.push({ status_id, stdout, ...(message ? { message } : {}) });
    }
    expect(outputs).toEqual(
      ['one', 'two', 'three'].map((label) => ({ status_id: 3, stdout: `${label} start\n${label} done\n` })),
    );
    await eventually(
      async () => ((await (await fetch(`${b.url}/api/health`)).json()) as HealthBody).degraded === null,
      15_000,
      'health whole again',
    );
  });
});
