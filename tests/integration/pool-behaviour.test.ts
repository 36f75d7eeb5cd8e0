// The pool under load, abort, outside interference, leftovers and shutdown (issue #3).
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compile,
  containersOf,
  docker,
  eventually,
  instanceIdOf,
  sandboxesOf,
  startServer,
  SUM,
  useServer,
  type TestServer,
} from './helpers/server';

const LOOP = 'class P { static void Main() { while (true) { } } }';

async function stats(server: TestServer) {
  return (await fetch(`${server.url}/api/stats`)).json();
}

/** The container of `instance` that is running the user's program (found through the engine). */
async function containerRunning(instance: string, command: string): Promise<string | undefined> {
  for (const c of await sandboxesOf(instance)) {
    const top = await docker
      .getContainer(c.Id)
      .top()
      .catch(() => null);
    if (top?.Processes?.some((p: string[]) => p.join(' ').includes(command))) return c.Id;
  }
  return undefined;
}

describe('a pool of 2', () => {
  const server = useServer({ WEBCOMPILE_POOL_SIZE: '2', WEBCOMPILE_LOG_DIR: 'runs/test-pool' });
  let instance: string;
  beforeAll(async () => {
    instance = await instanceIdOf(server);
  });

  it('serves three times its size in concurrent requests, then returns to its size', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        compile(server, { code: `class P { static void Main() { System.Console.Write(${i} * 7); } }` }),
      ),
    );
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      expect(a.body).toMatchObject({ Status: 'ok', Output: String(i * 7) });
    });
    await expect.poll(async () => (await sandboxesOf(instance)).length, { timeout: 20_000 }).toBe(2);
    await expect.poll(async () => (await stats(server)).pool.idle, { timeout: 20_000 }).toBe(2);
  });

  it('an aborted long run frees its container within a second and the pool refills', async () => {
    const ac = new AbortController();
    const pending = fetch(`${server.url}/api/compile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: LOOP, timeoutMs: 15000 }),
      signal: ac.signal,
    }).catch((e) => e);
    const id = await eventually(() => containerRunning(instance, 'mono main.exe'), 20_000, 'the run to start');
    ac.abort();
    await pending;
    await expect
      .poll(async () => (await sandboxesOf(instance)).some((c) => c.Id === id), {
        timeout: 1000,
        interval: 50,
      })
      .toBe(false);
    await expect.poll(async () => (await stats(server)).pool.idle, { timeout: 20_000 }).toBe(2);
    expect((await stats(server)).requests.byStatus.cancelled).toBeGreaterThanOrEqual(1);
  });

  it('containers removed from outside (sandboxes and warm compilers) are replaced and the next request succeeds', async () => {
    const before = await containersOf(instance);
    await Promise.all(before.map((c) => docker.getContainer(c.Id).remove({ force: true })));
    const r = await compile(server, { code: SUM });
    expect(r.body.Output).toBe('Sum: 499500\n');
    await expect.poll(async () => (await stats(server)).pool.idle, { timeout: 20_000 }).toBe(2);
    const after = await containersOf(instance);
    expect(after.some((c) => before.some((b) => b.Id === c.Id))).toBe(false);
    await expect
      .poll(
        async () => (await containersOf(instance)).filter((c) => c.Labels['webcompile.role'] === 'compiler').length,
        { timeout: 20_000 },
      )
      .toBe(2);
  });

  /**
   * Waits until the pool holds exactly its two idle sandboxes and nothing is starting or being removed,
   * so that every container a listing shows is one a kill can reach (a container still being created
   * cannot be killed, and would then count as a survivor).
   */
  async function settled() {
    await expect
      .poll(
        async () => {
          const { idle, starting, destroying } = (await stats(server)).pools.csharp;
          const running = (await sandboxesOf(instance)).filter((c) => c.State === 'running').length;
          return { idle, starting, destroying, running };
        },
        { timeout: 20_000 },
      )
      .toEqual({ idle: 2, starting: 0, destroying: 0, running: 2 });
    return sandboxesOf(instance);
  }

  it('containers killed from outside are noticed and replaced', async () => {
    const before = await settled();
    await Promise.all(
      before.map((c) =>
        docker
          .getContainer(c.Id)
          .kill()
          .catch(() => {}),
      ),
    );
    const r = await compile(server, { code: SUM });
    expect(r.body.Output).toBe('Sum: 499500\n');
    await expect
      .poll(async () => (await sandboxesOf(instance)).filter((c) => c.State === 'running').length, {
        timeout: 20_000,
      })
      .toBe(2);
  });

  it('idle containers killed from outside are replaced with no request to notice them, again and again', async () => {
    for (let round = 0; round < 2; round++) {
      const before = await settled();
      await Promise.all(
        before.map((c) =>
          docker
            .getContainer(c.Id)
            .kill()
            .catch(() => {}),
        ),
      );
      await expect
        .poll(
          async () =>
            (await sandboxesOf(instance)).filter((c) => c.State === 'running' && !before.some((b) => b.Id === c.Id))
              .length,
          { timeout: 20_000 },
        )
        .toBe(2);
    }
  });

  it('/api/stats, /api/health and /api/metrics show what the pool does', async () => {
    const s = await stats(server);
    expect(s.uptimeS).toBeGreaterThanOrEqual(0);
    expect(s.pool).toMatchObject({ size: 2 });
    expect(s.queueLength).toBe(0);
    expect(s.requests.byStatus.ok).toBeGreaterThanOrEqual(6);
    expect(s.latencyMs.total.p50).toBeGreaterThan(0);
    expect(s.latencyMs.compile.p90).toBeGreaterThan(0);
    expect(s.latencyMs.run.p99).toBeGreaterThan(0);
    expect(s.latencyMs.queue.count).toBeGreaterThan(0);
    expect(s.containers.created).toBeGreaterThanOrEqual(8);
    expect(s.containers.destroyed).toBeGreaterThanOrEqual(6);
    expect(typeof s.engineErrors).toBe('number');

    const h = await fetch(`${server.url}/api/health`);
    expect(h.status).toBe(200);
    expect((await h.json()).ok).toBe(true);

    const m = await fetch(`${server.url}/api/metrics`);
    expect(m.headers.get('content-type')).toContain('text/plain');
    const text = await m.text();
    expect(text).toMatch(/webcompile_requests_total\{status="ok"\} \d+/);
    expect(text).toMatch(/webcompile_latency_seconds_bucket\{le="[\d.]+",phase="total"\} \d+/);
    expect(text).toContain('webcompile_pool_idle');
    expect(text).toContain('webcompile_containers_total{event="created"}');
  });

  it('writes one JSON line per request to the log on disk, without the source', async () => {
    const marker = `marker${Date.now()}`;
    await compile(server, { code: `class P { static void Main() { /* ${marker} */ } }` });
    const file = path.resolve(__dirname, '../../runs/test-pool/webcompile.log');
    const lines = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.some((l) => l.event === 'request' && l.status === 'ok' && typeof l.latencyMs === 'number')).toBe(true);
    expect(lines.some((l) => l.event === 'container_created')).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).not.toContain(marker);
  });
});

describe('waiting for a container', () => {
  const server = useServer({
    WEBCOMPILE_POOL_SIZE: '1',
    WEBCOMPILE_MAX_CONTAINERS: '1',
    WEBCOMPILE_ACQUIRE_TIMEOUT_MS: '400',
    WEBCOMPILE_MAX_QUEUE: '1',
  });

  it('answers 503 with Retry-After when no container frees up in time, and at once when the queue is full', async () => {
    const instance = await instanceIdOf(server);
    const busy = compile(server, { code: LOOP, timeoutMs: 4000 });
    await eventually(() => containerRunning(instance, 'mono main.exe'), 20_000, 'the run to start');
    const waiting = compile(server, { code: SUM });
    await expect.poll(async () => (await stats(server)).queueLength).toBe(1);
    const turnedAway = await compile(server, { code: SUM });
    expect(turnedAway.status).toBe(503);
    expect(turnedAway.body.ErrorString).toMatch(/waiting/);
    expect(turnedAway.headers.get('retry-after')).toBeTruthy();
    const timedOut = await waiting;
    expect(timedOut.status).toBe(503);
    expect(timedOut.body.ErrorString).toMatch(/no sandbox became free within 400 ms/);
    expect(timedOut.headers.get('retry-after')).toBeTruthy();
    expect((await busy).body.Status).toBe('timeout');
    await waitReady(server);
    expect((await compile(server, { code: SUM })).body.Output).toBe('Sum: 499500\n');
  });
});

async function waitReady(server: TestServer) {
  await expect.poll(async () => (await fetch(`${server.url}/api/health`)).status, { timeout: 20_000 }).toBe(200);
}

describe('leftovers and shutdown', () => {
  it('sweeps containers left by a killed server at start, but never those of a live instance', async () => {
    const live = await startServer({ WEBCOMPILE_POOL_SIZE: '1' });
    const crashed = await startServer({ WEBCOMPILE_POOL_SIZE: '2' });
    const liveId = await instanceIdOf(live);
    const crashedId = await instanceIdOf(crashed);
    crashed.proc.kill('SIGKILL');
    await crashed.exited;
    expect((await sandboxesOf(crashedId)).length).toBe(2);

    const fresh = await startServer({ WEBCOMPILE_POOL_SIZE: '1' });
    try {
      await expect.poll(async () => (await containersOf(crashedId)).length).toBe(0);
      expect((await sandboxesOf(liveId)).length).toBe(1);
      expect((await compile(live, { code: SUM })).body.Output).toBe('Sum: 499500\n');
    } finally {
      await fresh.stop();
      await live.stop();
    }
  });

  it('on SIGTERM finishes the running request, then removes every container and exits', async () => {
    const server = await startServer({ WEBCOMPILE_POOL_SIZE: '2', WEBCOMPILE_SHUTDOWN_GRACE_MS: '8000' });
    const instance = await instanceIdOf(server);
    const running = compile(server, {
      code: 'class P { static void Main() { System.Threading.Thread.Sleep(1500); System.Console.Write("finished"); } }',
    });
    await eventually(() => containerRunning(instance, 'mono main.exe'), 20_000, 'the run to start');
    server.proc.kill('SIGTERM');
    const answer = await running;
    expect(answer.body).toMatchObject({ Status: 'ok', Output: 'finished' });
    expect(await server.exited).toBe(0);
    expect(await containersOf(instance)).toEqual([]);
  });
});
