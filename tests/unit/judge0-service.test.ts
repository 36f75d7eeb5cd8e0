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
import type { JobOutcome, QueuedJob, WorkQueue } from '@/lib/cluster/job-queue';
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

/**
 * The store, but its writes of outcomes (finish, release) go through `write`, which may refuse one
 * (a database gone away, a result it will not take) or pass it on to the real method.
 */
function interceptWrites(
  real: SqliteSubmissionStore,
  write: (method: 'finish' | 'release', args: unknown[], pass: () => Promise<unknown>) => Promise<unknown>,
): SubmissionStore {
  return new Proxy(real, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if ((key === 'finish' || key === 'release') && typeof v === 'function') {
        return (...args: unknown[]) => write(key, args, () => v.apply(target, args));
      }
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

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
    // Its writes of outcomes fail while `down` (a database that went away mid-run).
    const store = interceptWrites(real, (_m, _a, pass) =>
      down ? Promise.reject(new Error('connection refused')) : pass(),
    );
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

  it('a write of the result refused once is made again at once: the result is stored, not an Internal Error', async () => {
    const real = SqliteSubmissionStore.open(':memory:');
    let refusals = 0;
    // The first finish fails, as a query on a connection the database dropped does.
    const store = interceptWrites(real, (m, _a, pass) =>
      m === 'finish' && refusals++ === 0 ? Promise.reject(new Error('Connection terminated unexpectedly')) : pass(),
    );
    const s = service(
      fakeCore(async () => printed('kept')),
      { store },
    );
    await s.start();
    const [token] = await s.enqueue([sub('x')], 'c');
    const row = await doneRow(real, token);
    expect([JSON.parse(row.result!).stdout, refusals]).toEqual(['kept', 2]);
  });

  it('a result the database will not take at all ends as an Internal Error saying so', async () => {
    const real = SqliteSubmissionStore.open(':memory:');
    // Every finish with this result fails; any other finish is taken.
    const store = interceptWrites(real, (m, args, pass) =>
      m === 'finish' && String(args[1]).includes('unstorable') ? Promise.reject(new Error('value too long')) : pass(),
    );
    const s = service(
      fakeCore(async () => printed('unstorable')),
      { store },
    );
    await s.start();
    const [token] = await s.enqueue([sub('x')], 'c');
    expect(JSON.parse((await doneRow(real, token)).result!)).toMatchObject({
      status_id: 13,
      message: 'the result could not be stored',
    });
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

/**
 * A job queue in memory with BullMQ's promises as the service relies on them: one job per token
 * (adding it again keeps the first), the lowest priority number first, a job told "later" tried
 * again, and `down` failing every add as a Redis away would. Its worker runs one job at a time.
 */
class MemoryQueue implements WorkQueue {
  readonly added: QueuedJob[] = [];
  readonly jobs = new Map<string, { priority: number; state: 'waiting' | 'done' }>();
  /** Each try's end: what the handler said, or 'failed' when it threw (BullMQ counts that try). */
  readonly outcomes: [string, JobOutcome | 'failed'][] = [];
  down = false;
  /** Adds refused while down. */
  refused = 0;
  private handle: ((token: string) => Promise<JobOutcome>) | null = null;
  private closed = false;

  async add(jobs: QueuedJob[]): Promise<void> {
    if (this.down) {
      this.refused++;
      throw new Error('Redis does not answer');
    }
    for (const j of jobs) {
      this.added.push(j);
      if (!this.jobs.has(j.token)) this.jobs.set(j.token, { priority: j.priority, state: 'waiting' });
    }
  }

  start(handle: (token: string) => Promise<JobOutcome>): void {
    this.handle = handle;
    void this.work();
  }

  private async work(): Promise<void> {
    while (!this.closed) {
      const next = [...this.jobs]
        .filter(([, j]) => j.state === 'waiting')
        .sort((a, b) => a[1].priority - b[1].priority)[0];
      if (!next) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      const outcome = await this.handle!(next[0]).catch(() => 'failed' as const);
      this.outcomes.push([next[0], outcome]);
      if (outcome === 'done') next[1].state = 'done';
      else await new Promise((r) => setImmediate(r));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('Judge0Service with a job queue (Redis set)', () => {
  const clustered = loadConfig({
    WEBCOMPILE_JUDGE0_WORKERS: '1',
    WEBCOMPILE_CLUSTER_HEARTBEAT_MS: '100',
    WEBCOMPILE_CLUSTER_DEAD_AFTER_MS: '300',
  });
  const echo = () => fakeCore(async (req) => printed(String(req.files[0].content)));
  /** A core with no room the first time, printing `text` after. */
  const busyOnce = (text: string) =>
    fakeCore(async (_req, n) => {
      if (n === 1) throw new ExecutionError('busy', 'no sandbox became free');
      return printed(text);
    });

  function queued(
    core: ReturnType<typeof fakeCore>,
    extra: Partial<ConstructorParameters<typeof Judge0Service>[0]> = {},
  ) {
    const queue = new MemoryQueue();
    const s = service(core, { queue, config: clustered, ...extra });
    return { s, queue };
  }

  it("adds a job per stored submission, each client's n-th pending one at priority n, and runs them by it", async () => {
    const core = echo();
    const { s, queue } = queued(core);
    const flood = await s.enqueue([sub('a1'), sub('a2'), sub('a3')], 'a', true);
    const [single] = await s.enqueue([sub('b1')], 'b');
    expect(queue.added).toEqual([
      { token: flood[0], priority: 1 },
      { token: flood[1], priority: 2 },
      { token: flood[2], priority: 3 },
      { token: single, priority: 1 },
    ]);
    await s.start();
    for (const t of [...flood, single]) await doneRow(s.store, t);
    // b's one went before a's second: the flood did not hold it back
    expect(core.calls.map((c) => String(c.files[0].content))).toEqual(['a1', 'b1', 'a2', 'a3']);
    expect(queue.outcomes.map(([, o]) => o)).toEqual(['done', 'done', 'done', 'done']);
  });

  it('runs queued rows only through their jobs: no job, no run', async () => {
    const core = echo();
    const { s, queue } = queued(core);
    queue.down = true;
    const [token] = await s.enqueue([sub('x')], 'c');
    // stored, answered with its token, but Redis refused the job
    expect(await s.store.get(token)).toMatchObject({ state: 'queued' });
    await s.start();
    // refused at the post, at the start's resync and at the next one: a worker loop would have run it by then
    await until(async () => queue.refused >= 3);
    expect(await s.store.get(token)).toMatchObject({ state: 'queued' });
    expect([core.calls.length, queue.outcomes.length]).toEqual([0, 0]);
    // Redis back: the next resync adds its job, and it runs
    queue.down = false;
    expect(await doneRow(s.store, token)).toMatchObject({ attempts: 1, runner: 'this-instance' });
    expect(queue.added).toEqual([{ token, priority: 1 }]);
  });

  it('a job whose row is done (or gone) ends without running it; one whose row another runs waits for it', async () => {
    const store = SqliteSubmissionStore.open(':memory:');
    await store.insert([
      { token: 'done-one', client: 'c', request: JSON.stringify(sub('d')), createdAt: 1 },
      { token: 'of-peer', client: 'c', request: JSON.stringify(sub('p')), createdAt: 2 },
    ]);
    await store.claim('done-one', 3, 'peer');
    await store.finish('done-one', '{}', 4);
    await store.claim('of-peer', 5, 'peer');
    let live = ['peer', 'this-instance'];
    const core = echo();
    const { s, queue } = queued(core, { store, liveRunners: async () => live });
    await queue.add([
      { token: 'done-one', priority: 1 },
      { token: 'gone-one', priority: 1 },
      { token: 'of-peer', priority: 1 },
    ]);
    await s.start();
    await until(async () => queue.outcomes.filter(([t]) => t === 'of-peer').length >= 2);
    expect(queue.jobs.get('done-one')?.state).toBe('done');
    expect(queue.jobs.get('gone-one')?.state).toBe('done');
    expect(queue.outcomes.filter(([t]) => t === 'of-peer').every(([, o]) => o === 'later')).toBe(true);
    expect(core.calls).toHaveLength(0);
    // the peer dies: its row is queued again, and the job that was waiting runs it
    live = ['this-instance'];
    expect(await doneRow(store, 'of-peer')).toMatchObject({ attempts: 2, runner: 'this-instance' });
    expect(core.calls.map((c) => String(c.files[0].content))).toEqual(['p']);
  });

  it('a row queued again while its job ran here (this instance thought dead) keeps its job, which runs it again', async () => {
    const store = SqliteSubmissionStore.open(':memory:');
    const core = fakeCore(async (_req, n) => {
      // mid-run, a peer that no longer sees this instance queues its row again
      if (n === 1) await store.requeueOrphans(['someone-else']);
      return printed(n === 1 ? 'first' : 'second');
    });
    const { s, queue } = queued(core, { store });
    await s.start();
    const [token] = await s.enqueue([sub('x')], 'c');
    await until(async () => queue.jobs.get(token)?.state === 'done');
    expect(JSON.parse((await store.get(token))!.result!).stdout).toBe('second');
    expect(queue.outcomes).toEqual([
      [token, 'later'],
      [token, 'done'],
    ]);
  });

  it('a job whose store does not answer is tried again a moment later, not failed, and runs once it answers', async () => {
    const real = SqliteSubmissionStore.open(':memory:');
    let down = true;
    let refused = 0;
    const store = new Proxy(real, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (key === 'claim' && typeof v === 'function') {
          return (...args: unknown[]) => {
            if (!down) return v.apply(target, args);
            refused++;
            return Promise.reject(new Error('connection refused'));
          };
        }
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const { s, queue } = queued(echo(), { store });
    const [token] = await s.enqueue([sub('x')], 'c');
    await s.start();
    await until(async () => refused >= 3);
    expect(queue.outcomes.every(([, o]) => o === 'later')).toBe(true);
    down = false;
    expect(JSON.parse((await doneRow(real, token)).result!).stdout).toBe('x');
  });

  it('a job the core has no room for is tried again later and runs once, its attempt counted once', async () => {
    const { s, queue } = queued(busyOnce('at last'));
    await s.start();
    const [token] = await s.enqueue([sub('x')], 'c');
    const row = await doneRow(s.store, token);
    expect([JSON.parse(row.result!).stdout, row.attempts]).toEqual(['at last', 1]);
    await until(async () => queue.jobs.get(token)?.state === 'done');
    expect(queue.outcomes).toEqual([
      [token, 'later'],
      [token, 'done'],
    ]);
  });

  it('wait=true released for want of room gets a job, and that job runs it', async () => {
    const { s, queue } = queued(busyOnce('later on'));
    await s.start();
    const row = await s.runNow(sub('x'), 'c');
    expect(row.state).toBe('queued');
    expect(queue.added).toEqual([{ token: row.token, priority: 1 }]);
    expect(JSON.parse((await doneRow(s.store, row.token)).result!).stdout).toBe('later on');
  });
});
