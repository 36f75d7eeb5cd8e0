// The Judge0 worker against a real (in-memory) SQLite store and a fake core: queued submissions run
// as their submitter, one refused for want of room waits in the queue and runs later, nothing stays
// In Queue or Processing, wait=true stores its run, callbacks are recorded, old rows expire, and the
// rows of instances that are gone (an earlier process, a cluster peer no longer live) run again.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '@/lib/config/config';
import { ExecutionError } from '@/lib/core/errors';
import type { ExecutionRequest } from '@/lib/core/request';
import type { ExecutionResult } from '@/lib/core/result';
import type { CallbackRecord } from '@/lib/judge0/callback';
import { Judge0Service } from '@/lib/judge0/service';
import type { CheckedSubmission } from '@/lib/judge0/submission-request';
import { checkedSubmission } from './helpers/judge0-submission';
import { SqliteSubmissionStore } from '@/lib/store/sqlite-store';
import type { SubmissionStore } from '@/lib/store/submission-store';

const config = loadConfig({ WEBCOMPILE_JUDGE0_WORKERS: '1', WEBCOMPILE_JUDGE0_MAX_QUEUE: '5' });
const silent = { info() {}, warn() {}, error() {} };

const sub = (source: string, over: Partial<CheckedSubmission> = {}): CheckedSubmission =>
  checkedSubmission({ source_code: source, ...over });

const printed = (text: string): ExecutionResult => ({
  language: 'python',
  status: 'ok',
  compile: null,
  run: { stdout: text, stderr: '', exitCode: 0, signal: null, ms: 5, cpuTimeMs: 4, memoryKb: 1000 },
  message: '',
  timedOut: false,
  truncated: false,
  diagnostics: [],
  queueMs: 0,
  latencyMs: 5,
});

/** A core that answers each request with what `answer` says, recording who asked. */
function fakeCore(answer: (req: ExecutionRequest, n: number) => Promise<ExecutionResult>) {
  const calls: ExecutionRequest[] = [];
  return {
    calls,
    execute: (req: ExecutionRequest) => {
      calls.push(req);
      return answer(req, calls.length);
    },
  };
}

const services: Judge0Service[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop(0);
});

function service(
  core: ReturnType<typeof fakeCore>,
  extra: Partial<ConstructorParameters<typeof Judge0Service>[0]> = {},
) {
  const s = new Judge0Service({
    store: SqliteSubmissionStore.open(':memory:'),
    runnerId: 'this-instance',
    executor: core,
    config,
    logger: silent,
    ...extra,
  });
  services.push(s);
  return s;
}

async function until<T>(check: () => Promise<T | null | undefined | false>): Promise<T> {
  for (;;) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setImmediate(r));
  }
}

/** The row once a worker has finished it. */
const doneRow = (store: Pick<SubmissionStore, 'get'>, token: string) =>
  until(async () => {
    const r = await store.get(token);
    return r?.state === 'done' ? r : null;
  });

describe('Judge0Service', () => {
  it('runs queued submissions in order, each as the client that sent it', async () => {
    const core = fakeCore(async (req) => printed(`${req.files[0].content}`));
    const s = service(core);
    await s.start();
    const [a] = await s.enqueue([sub('one')], '10.0.0.1');
    const [b] = await s.enqueue([sub('two')], '10.0.0.2');
    const done = await until(async () => {
      const rows = await s.store.getMany([a, b]);
      return rows.every((r) => r?.state === 'done') ? rows : null;
    });
    expect(done.map((r) => JSON.parse(r!.result!).stdout)).toEqual(['one', 'two']);
    expect(core.calls.map((c) => c.client)).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('puts a submission the core has no room for back in the queue and runs it later, counted once', async () => {
    const core = fakeCore(async (_req, n) => {
      if (n === 1) throw new ExecutionError('busy', 'no sandbox became free');
      return printed('at last');
    });
    const s = service(core);
    await s.start();
    const [token] = await s.enqueue([sub('x')], 'c');
    const row = await doneRow(s.store, token);
    expect(JSON.parse(row.result!)).toMatchObject({ status_id: 3, stdout: 'at last' });
    expect(row.attempts).toBe(1);
    expect(core.calls).toHaveLength(2);
  });

  it('keeps a result its database would not take and stores it once the database answers again', async () => {
    const real = SqliteSubmissionStore.open(':memory:');
    let down = false;
    // The same store, but its writes of outcomes fail while `down` (a database that went away mid-run).
    const store = new Proxy(real, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if ((key === 'finish' || key === 'release') && typeof v === 'function') {
          return (...args: unknown[]) =>
            down ? Promise.reject(new Error('connection refused')) : v.apply(target, args);
        }
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    let ran = false;
    const core = fakeCore(async () => {
      down = true;
      ran = true;
      return printed('kept');
    });
    const s = service(core, { store });
    await s.start();
    const [token] = await s.enqueue([sub('x')], 'c');
    await until(async () => ran);
    // The worker has given the outcome to the store and been refused: still running, not lost.
    await until(async () => s.activeRuns === 0);
    expect(await real.get(token)).toMatchObject({ state: 'running', runner: 'this-instance' });
    down = false;
    const row = await doneRow(real, token);
    expect(JSON.parse(row.result!)).toMatchObject({ status_id: 3, stdout: 'kept' });
    expect(core.calls).toHaveLength(1);
  });

  it("finishes a submission the core refuses for good as an Internal Error with the core's reason", async () => {
    const core = fakeCore(async () => {
      throw new ExecutionError('unknown_language', 'unknown language "cobol"');
    });
    const s = service(core);
    await s.start();
    const [token] = await s.enqueue([sub('x')], 'c');
    const row = await doneRow(s.store, token);
    expect(JSON.parse(row.result!)).toMatchObject({ status_id: 13, message: 'unknown language "cobol"' });
  });

  it('queues again at start what a crash left running, and runs it', async () => {
    const store = SqliteSubmissionStore.open(':memory:');
    await store.insert([
      { token: 't1', client: 'c', request: JSON.stringify(sub('left')), createdAt: 1, state: 'running' },
    ]);
    const core = fakeCore(async () => printed('rerun'));
    const s = new Judge0Service({ store, runnerId: 'this-instance', executor: core, config, logger: silent });
    services.push(s);
    await s.start();
    const row = await doneRow(store, 't1');
    expect(JSON.parse(row.result!).stdout).toBe('rerun');
    expect(row.attempts).toBe(2);
    expect(row.runner).toBe('this-instance');
  });

  it('refuses more than the queue holds, all of a batch or none', async () => {
    const core = fakeCore(() => new Promise<ExecutionResult>(() => {}));
    const s = service(core);
    await s.enqueue([sub('1'), sub('2'), sub('3')], 'c');
    await expect(s.enqueue([sub('4'), sub('5'), sub('6')], 'c', true)).rejects.toThrow('queue is full');
    expect(await s.store.countPending()).toBe(3);
  });

  it('wait=true: runs at once, stored as done; a core without room leaves it queued for the worker', async () => {
    let room = false;
    const core = fakeCore(async () => {
      if (!room) throw new ExecutionError('busy', 'none free');
      return printed('now');
    });
    const s = service(core);
    const queued = await s.runNow(sub('x'), 'c');
    expect(queued.state).toBe('queued');
    room = true;
    const done = await s.runNow(sub('y'), 'c');
    expect(done.state).toBe('done');
    expect(JSON.parse(done.result!).stdout).toBe('now');
    expect(done.runner).toBe('this-instance');
  });

  it('delivers the callback with the default fields in base64 and records how it went', async () => {
    const deliveries: { url: string; body: unknown }[] = [];
    const deliver = async (url: string, body: unknown): Promise<CallbackRecord> => {
      deliveries.push({ url, body });
      return { state: 'delivered', attempts: 2, status: 200, error: null, at: 7 };
    };
    const s = service(
      fakeCore(async () => printed('hi\n')),
      { deliver },
    );
    const row = await s.runNow(sub('x', { callback_url: 'http://example.com/hook' }), 'c');
    const recorded = await until(async () => (await s.store.get(row.token))?.callback);
    expect(JSON.parse(recorded)).toEqual({ state: 'delivered', attempts: 2, status: 200, error: null, at: 7 });
    expect(deliveries[0].url).toBe('http://example.com/hook');
    expect(deliveries[0].body).toMatchObject({ stdout: 'aGkK\n', token: row.token, status: { id: 3 } });
  });

  it('deletes finished submissions older than the retention time at start, not newer or unfinished ones', async () => {
    const now = 10_000_000;
    const store = SqliteSubmissionStore.open(':memory:');
    const retentionMs = config.judge0RetentionS * 1000;
    await store.insert([
      { token: 'old', client: 'c', request: '{}', createdAt: 1 },
      { token: 'new', client: 'c', request: '{}', createdAt: 2 },
      { token: 'waiting', client: 'c', request: JSON.stringify(sub('w')), createdAt: 3 },
    ]);
    await store.claimNext(0, 'this-instance');
    await store.claimNext(0, 'this-instance');
    await store.finish('old', '{}', now - retentionMs - 1);
    await store.finish('new', '{}', now - retentionMs + 1);
    const s = new Judge0Service({
      store,
      runnerId: 'this-instance',
      executor: fakeCore(async () => printed('w')),
      config,
      logger: silent,
      now: () => now,
    });
    services.push(s);
    await s.start();
    expect((await store.getMany(['old', 'new', 'waiting'])).map((r) => r?.token ?? null)).toEqual([
      null,
      'new',
      'waiting',
    ]);
  });
});

describe('Judge0Service: the orphans of instances that are gone', () => {
  const clustered = loadConfig({ WEBCOMPILE_JUDGE0_WORKERS: '1', WEBCOMPILE_CLUSTER_HEARTBEAT_MS: '100' });

  /** A store with two rows taken by other instances: `peer`'s and `gone`'s. */
  async function storeWithPeers() {
    const store = SqliteSubmissionStore.open(':memory:');
    await store.insert([
      { token: 'of-peer', client: 'c1', request: JSON.stringify(sub('peer')), createdAt: 1 },
      { token: 'of-gone', client: 'c2', request: JSON.stringify(sub('gone')), createdAt: 2 },
    ]);
    expect((await store.claimNext(1, 'peer'))?.token).toBe('of-peer');
    expect((await store.claimNext(1, 'gone'))?.token).toBe('of-gone');
    return store;
  }

  it('alone (no liveRunners), runs again at start what any earlier runner left running', async () => {
    const store = await storeWithPeers();
    const s = new Judge0Service({
      store,
      runnerId: 'this-instance',
      executor: fakeCore(async (req) => printed(String(req.files[0].content))),
      config: clustered,
      logger: silent,
    });
    services.push(s);
    await s.start();
    for (const token of ['of-peer', 'of-gone']) {
      expect(await doneRow(store, token)).toMatchObject({ attempts: 2, runner: 'this-instance' });
    }
  });

  it("in a cluster, leaves the live instances' rows running at start and runs a gone one's", async () => {
    const store = await storeWithPeers();
    const asked: string[] = [];
    const s = new Judge0Service({
      store,
      runnerId: 'this-instance',
      liveRunners: async () => ['peer', 'this-instance'],
      executor: fakeCore(async (req) => {
        const text = String(req.files[0].content);
        asked.push(text);
        return printed(text);
      }),
      config: loadConfig({ WEBCOMPILE_JUDGE0_WORKERS: '1' }),
      logger: silent,
    });
    services.push(s);
    await s.start();
    expect(await doneRow(store, 'of-gone')).toMatchObject({ attempts: 2, runner: 'this-instance' });
    expect(await store.get('of-peer')).toMatchObject({ state: 'running', attempts: 1, runner: 'peer' });
    expect(asked).toEqual(['gone']);
  });

  it('every heartbeat, queues again the rows of a peer that is no longer live, and runs them', async () => {
    const store = await storeWithPeers();
    let live = ['peer', 'gone'];
    let asks = 0;
    const s = new Judge0Service({
      store,
      runnerId: 'this-instance',
      liveRunners: async () => {
        asks++;
        return live;
      },
      executor: fakeCore(async (req) => printed(String(req.files[0].content))),
      config: clustered,
      logger: silent,
    });
    services.push(s);
    await s.start();
    // the start's ask and two of the heartbeat's: the first heartbeat's requeue is over (they never
    // overlap), and both peers were live
    await until(async () => asks >= 3);
    expect((await store.getMany(['of-peer', 'of-gone'])).map((r) => [r?.state, r?.runner])).toEqual([
      ['running', 'peer'],
      ['running', 'gone'],
    ]);
    live = ['peer'];
    expect(await doneRow(store, 'of-gone')).toMatchObject({ attempts: 2, runner: 'this-instance' });
    expect(JSON.parse((await store.get('of-gone'))!.result!).stdout).toBe('gone');
    expect(await store.get('of-peer')).toMatchObject({ state: 'running', runner: 'peer' });
  });

  it('never overlaps itself, logs a failure and goes on, and ends with stop()', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const store = await storeWithPeers();
      const errors: unknown[] = [];
      const answers: { resolve: (ids: string[]) => void; reject: (e: Error) => void }[] = [];
      const s = new Judge0Service({
        store,
        runnerId: 'this-instance',
        liveRunners: () => new Promise<string[]>((resolve, reject) => answers.push({ resolve, reject })),
        executor: fakeCore(async (req) => printed(String(req.files[0].content))),
        config: clustered,
        logger: { ...silent, error: (o: unknown) => errors.push(o) },
      });
      answers[0].resolve(['peer', 'gone']);
      await s.start();
      await vi.advanceTimersByTimeAsync(100);
      expect(answers).toHaveLength(2);
      // the second ask is not answered: ten heartbeats later no third one was made
      await vi.advanceTimersByTimeAsync(1000);
      expect(answers).toHaveLength(2);
      answers[1].reject(new Error('redis is away'));
      await until(async () => errors.length > 0);
      expect(errors).toEqual([{ event: 'judge0_requeue_failed', error: 'redis is away' }]);
      // nothing was requeued, and the next heartbeat asks again
      expect((await store.get('of-gone'))?.runner).toBe('gone');
      await vi.advanceTimersByTimeAsync(100);
      expect(answers).toHaveLength(3);
      answers[2].resolve(['peer']);
      await until(async () => (await store.get('of-gone'))?.runner !== 'gone');
      await vi.advanceTimersByTimeAsync(100);
      expect(answers).toHaveLength(4);
      answers[3].resolve(['peer']);
      await s.stop(0);
      await vi.advanceTimersByTimeAsync(1000);
      expect(answers).toHaveLength(4);
      expect(errors).toEqual([{ event: 'judge0_requeue_failed', error: 'redis is away' }]);
    } finally {
      vi.useRealTimers();
    }
  });
});
