// Judge0's stored submissions: accepted into the store, run by a small worker (a few at a time, so
// synchronous runs keep the rest of the sandboxes) through the same core, as the client that sent
// them, so the core's per-client turns keep sharing fair. A crash loses nothing: each row a worker
// takes carries this instance's id (new at every start), and rows whose instance is gone are queued
// again: at start all of earlier processes' (a program may run twice, never zero times), and in a
// cluster sharing one store, every heartbeat, those of instances no longer live. Finished rows are
// deleted after the retention time; callbacks are PUT when a submission finishes.
//
// Who runs a queued row: without Redis, this process's worker loops claim the next one from the
// store. With Redis, a BullMQ job per row (lib/cluster/job-queue.ts): any instance's worker may take
// it, BullMQ's stalled check hands a dead worker's job to another, and the store's conditional claim
// makes sure one row is run once per take. Rows stored while Redis was away get their job once it is
// back (every dead-after interval the oldest queued rows are added again; an existing job is kept).

import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config';
import { ExecutionError } from '../core/errors';
import type { ExecutionRequest } from '../core/request';
import type { ExecutionResult } from '../core/result';
import type { Logger } from '../observability/logger';
import type { JobOutcome, QueuedJob, WorkQueue } from '../cluster/job-queue';
import type { StoredSubmission, SubmissionStore } from '../store/submission-store';
import { errorMessage } from '../util/error-message';
import { deliverCallback, type CallbackRecord } from './callback';
import { DEFAULT_FIELDS } from './fields';
import { runRequest } from './run-request';
import { parseStored, serialize } from './serialize';
import type { CheckedSubmission } from './submission-request';
import { internalError, judge0Verdict, type Judge0Result } from './verdict';

export interface Judge0Deps {
  store: SubmissionStore;
  /** This instance's id (new at every start): the runner of the rows it takes. */
  runnerId: string;
  /**
   * In a cluster sharing the store: the ids of the instances alive now. Given, the rows of the
   * others are queued again at start and every `clusterHeartbeatMs`; without it this instance is
   * alone, and at start every row another runner left running is queued again.
   */
  liveRunners?: () => Promise<string[]>;
  /** Given (with Redis), queued rows run as its jobs; without it, this process's loops claim them from the store. */
  queue?: WorkQueue;
  executor: { execute(req: ExecutionRequest): Promise<ExecutionResult> };
  config: Config;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  now?: () => number;
  deliver?: typeof deliverCallback;
}

/** The core could not take it now (no sandbox, the engine away): it waits in the queue for another try. */
const TRANSIENT = new Set(['busy', 'queue_full', 'engine_unavailable', 'shutting_down']);
/** How long the worker waits before it looks for new rows by itself (another process's, a retry). */
const POLL_MS = 1000;
/** How many of the oldest queued rows are added to the job queue again each time (a no-op for those with a job). */
const RESYNC_LIMIT = 200;

/** How a stored, running row ended here: stored done, back in the queue, or its result still to be written. */
type Settled = 'done' | 'released' | 'unstored';

export class QueueFullError extends Error {}

export class Judge0Service {
  private readonly now: () => number;
  private running = 0;
  private stopped = true;
  /** The loops waiting for work. */
  private readonly waiting = new Set<() => void>();
  private loops: Promise<void>[] = [];
  private retention: NodeJS.Timeout | null = null;
  /** The next runs of the periodic jobs (the orphans' requeue, the queue's resync). */
  private readonly timers = new Set<NodeJS.Timeout>();
  private lastResyncError: string | null = null;
  /** The last store failure a job met (logged once, not once a second per job). */
  private lastJobError: string | null = null;
  private readonly pending = new Set<Promise<unknown>>();

  /** Done once what a crash left running is queued again: nothing of this process is stored before. */
  private readonly recovered: Promise<void>;

  constructor(private readonly d: Judge0Deps) {
    this.now = d.now ?? Date.now;
    // At once, before any request of this process stores a running row of its own. Alone, this is
    // every running row (this id is new: they are all an earlier process's). In a cluster, not the
    // rows of the other live instances, which are running them now: a failure to learn which those
    // are requeues nothing, and the next heartbeat's requeue tries again.
    this.recovered = this.requeueOrphans();
  }

  /** Queues again the running rows of every runner but this one and the live ones; never throws. */
  private async requeueOrphans(): Promise<void> {
    try {
      const live = this.d.liveRunners ? await this.d.liveRunners() : [];
      const n = await this.d.store.requeueOrphans([...new Set([...live, this.d.runnerId])]);
      if (n > 0) {
        this.d.logger.warn({ event: 'judge0_requeued', count: n });
        this.wake();
        if (this.d.queue && !this.stopped) await this.resync();
      }
    } catch (e) {
      this.d.logger.error({ event: 'judge0_requeue_failed', error: errorMessage(e) });
    }
  }

  /** Runs `work` `ms` after each of its runs ended (so they never overlap), until stop(). */
  private every(ms: number, work: () => Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.track(work()).then(() => this.every(ms, work));
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  /**
   * Adds the oldest queued rows to the job queue (those with a job keep it), each with its rank
   * among its client's as the priority; never throws (Redis away: the next time tries again).
   */
  private async resync(): Promise<void> {
    const queue = this.d.queue;
    if (!queue) return;
    try {
      const rows = await this.d.store.queued(RESYNC_LIMIT);
      const rank = new Map<string, number>();
      const jobs = rows.map((r) => {
        const n = (rank.get(r.client) ?? 0) + 1;
        rank.set(r.client, n);
        return { token: r.token, priority: n };
      });
      await queue.add(jobs);
      if (this.lastResyncError) this.d.logger.info({ event: 'judge0_queue_resynced', count: jobs.length });
      this.lastResyncError = null;
    } catch (e) {
      const error = errorMessage(e);
      if (error !== this.lastResyncError) this.d.logger.warn({ event: 'judge0_queue_resync_failed', error });
      this.lastResyncError = error;
    }
  }

  /**
   * Adds jobs for rows just stored queued by a client with `before` others pending (Redis away:
   * logged, and the resync adds them later).
   */
  private async addJobs(tokens: string[], before: number): Promise<void> {
    const queue = this.d.queue;
    if (!queue) return;
    const jobs: QueuedJob[] = tokens.map((token, i) => ({ token, priority: before + i + 1 }));
    await queue.add(jobs).catch((e) => {
      this.d.logger.warn({ event: 'judge0_queue_add_failed', count: jobs.length, error: errorMessage(e) });
    });
  }

  /** Starts the worker and the retention job (what a crash left running is queued already). */
  async start(): Promise<void> {
    await this.recovered;
    this.stopped = false;
    if (this.d.queue) {
      this.d.queue.start((token) => this.runJob(token));
      void this.track(this.resync());
      this.every(this.d.config.clusterDeadAfterMs, () => this.resync());
    } else {
      for (let i = 0; i < this.d.config.judge0Workers; i++) this.loops.push(this.loop());
    }
    // Not awaited: start-up does not wait for a delete.
    void this.expire();
    this.retention = setInterval(() => void this.expire(), this.d.config.judge0RetentionIntervalS * 1000);
    this.retention.unref();
    // In a cluster, the rows of instances no longer live, every heartbeat.
    if (this.d.liveRunners) this.every(this.d.config.clusterHeartbeatMs, () => this.requeueOrphans());
  }

  /**
   * Takes no more rows; waits up to `graceMs` for the runs and callbacks under way; closes the store.
   * A run still going then is left running in the store, and queued again at the next start (in a
   * cluster, by another instance once this one is no longer live).
   */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.retention) clearInterval(this.retention);
    for (const t of this.timers) clearTimeout(t);
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, graceMs)));
    const closing = this.d.queue ? [this.d.queue.close(graceMs)] : [];
    const work = Promise.allSettled([...this.loops, ...this.pending, ...closing]);
    await Promise.race([work, grace]);
    clearTimeout(timer);
    await this.d.store.close();
  }

  /** Stores submissions (all or none) as queued and wakes the worker; their tokens, in order. */
  async enqueue(subs: CheckedSubmission[], client: string, batch = false): Promise<string[]> {
    await this.recovered;
    await this.checkRoom(subs.length);
    // The client's pending count before these: their jobs' priorities follow it.
    const before = this.d.queue ? await this.d.store.countPending(client) : 0;
    const batchId = batch ? randomUUID() : null;
    const rows = subs.map((s) => ({
      token: randomUUID(),
      client,
      request: JSON.stringify(s),
      createdAt: this.now(),
      batchId,
    }));
    await this.d.store.insert(rows);
    this.wake();
    await this.addJobs(
      rows.map((r) => r.token),
      before,
    );
    return rows.map((r) => r.token);
  }

  /**
   * wait=true: stored as running and run now, in this request, as Judge0 1.13 does. If the core
   * cannot take it now it goes to the queue instead and the answer shows it In Queue.
   */
  async runNow(sub: CheckedSubmission, client: string): Promise<StoredSubmission> {
    await this.recovered;
    await this.checkRoom(1);
    const token = randomUUID();
    await this.d.store.insert([
      { token, client, request: JSON.stringify(sub), createdAt: this.now(), state: 'running', runner: this.d.runnerId },
    ]);
    const settled = await this.track(this.settle(token, sub, client));
    if (settled === 'released' && this.d.queue)
      await this.addJobs([token], (await this.d.store.countPending(client)) - 1);
    return (await this.d.store.get(token)) as StoredSubmission;
  }

  /**
   * Runs a stored, running submission to its end in the store: finished with its result, or back
   * in the queue when the core has no room; with the database away, 'unstored', the outcome kept
   * and written once it answers, so that no row stays Processing while this process lives.
   */
  private async settle(token: string, sub: CheckedSubmission, client: string): Promise<Settled> {
    const result = await this.runOne(sub, client);
    try {
      await this.storeOutcome(token, sub, result);
      if (result !== null) return 'done';
      this.wake();
      return 'released';
    } catch (e) {
      // The database is away. The outcome is kept and written once it answers, so the row is
      // neither lost nor left running under a live runner for ever. (If this process ends first,
      // the row's runner is gone and it runs again elsewhere.)
      this.d.logger.error({ event: 'judge0_store_failed', token, error: errorMessage(e) });
      void this.track(this.keepTrying(token, () => this.storeOutcome(token, sub, result)));
      return 'unstored';
    }
  }

  /**
   * Writes a run's outcome: its result (null: back to the queue). A refused result is written once
   * more (a connection the database dropped fails one query; the pool's next is new) if the database
   * still answers, and then, refused again, as an Internal Error saying so (a result the database
   * will not take), never in place of a result it only could not take while it was away. Throws
   * when the database does not answer.
   */
  private async storeOutcome(token: string, sub: CheckedSubmission, result: Judge0Result | null): Promise<void> {
    if (result === null) {
      await this.d.store.release(token);
      return;
    }
    try {
      await this.finish(token, sub, result);
      return;
    } catch {
      await this.d.store.get(token);
    }
    try {
      await this.finish(token, sub, result);
    } catch {
      await this.d.store.finish(token, JSON.stringify(internalError('the result could not be stored')), this.now());
    }
  }

  get store(): SubmissionStore {
    return this.d.store;
  }

  /** Submissions the worker loops are running now (not queued ones, not wait=true runs). */
  get activeRuns(): number {
    return this.running;
  }

  private async checkRoom(n: number): Promise<void> {
    if ((await this.d.store.countPending()) + n > this.d.config.judge0MaxQueue)
      throw new QueueFullError('queue is full');
  }

  private wake(): void {
    for (const w of [...this.waiting]) w();
  }

  /** Until new work may be there: a wake-up, or the poll interval (rows of another process, a retry). */
  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, POLL_MS);
      this.waiting.add(done);
    });
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let row: StoredSubmission | null = null;
      try {
        row = await this.d.store.claimNext(this.now(), this.d.runnerId);
      } catch (e) {
        this.d.logger.error({ event: 'judge0_claim_failed', error: errorMessage(e) });
      }
      if (row === null) {
        await this.idle();
        continue;
      }
      // Not at once after a release: the core said it has no room now.
      if ((await this.runClaimed(row)) === 'released') await this.idle();
    }
  }

  /** Runs a row this worker claimed to its end in the store. */
  private async runClaimed(row: StoredSubmission): Promise<Settled> {
    this.running++;
    try {
      return await this.settle(row.token, parseStored(row).request, row.client);
    } catch (e) {
      // A row that cannot be read cannot be run: it ends as an Internal Error.
      this.d.logger.error({ event: 'judge0_run_failed', token: row.token, error: errorMessage(e) });
      const write = () =>
        this.d.store.finish(row.token, JSON.stringify(internalError('the submission could not be read')), this.now());
      try {
        await write();
        return 'done';
      } catch {
        // The database is away too: written once it answers (as a result is).
        void this.track(this.keepTrying(row.token, write));
        return 'unstored';
      }
    } finally {
      this.running--;
    }
  }

  /**
   * One job of the queue: runs its row if it is queued. The job ends only once the row is done (or
   * gone); until then it is tried again later: the core had no room, its result is not yet written,
   * or another instance is running it (should that one die, its row is queued again and this job
   * runs it), or the store does not answer (a second later, not BullMQ's growing backoff, so work
   * resumes as soon as the database is back). The row's state is read after a run too: one queued
   * again meanwhile (this instance wrongly thought dead) keeps its job, which runs it again.
   */
  private async runJob(token: string): Promise<JobOutcome> {
    if (this.stopped) return 'later';
    try {
      const row = await this.d.store.claim(token, this.now(), this.d.runnerId);
      if (row !== null && (await this.runClaimed(row)) !== 'done') return 'later';
      const current = await this.d.store.get(token);
      return !current || current.state === 'done' ? 'done' : 'later';
    } catch (e) {
      const error = errorMessage(e);
      if (error !== this.lastJobError) this.d.logger.warn({ event: 'judge0_job_store_failed', token, error });
      this.lastJobError = error;
      return 'later';
    }
  }

  /** The Judge0 result of one run, or null when the core could not take it now. */
  private async runOne(sub: CheckedSubmission, client: string): Promise<Judge0Result | null> {
    try {
      const result = await this.d.executor.execute(runRequest(sub, client, this.d.config));
      return judge0Verdict(result, sub);
    } catch (e) {
      if (e instanceof ExecutionError && TRANSIENT.has(e.reason)) return null;
      this.d.logger.error({ event: 'judge0_internal_error', error: errorMessage(e) });
      return internalError(e instanceof ExecutionError ? e.message : 'the service failed to run this submission');
    }
  }

  private async finish(token: string, sub: CheckedSubmission, result: Judge0Result): Promise<void> {
    const finishedAt = this.now();
    const stored = await this.d.store.finish(token, JSON.stringify(result), finishedAt);
    if (!stored || !sub.callback_url) return;
    const row = await this.d.store.get(token);
    if (!row) return;
    // Judge0's callback body: the default fields (no language among them), base64 encoded.
    const body = serialize(parseStored(row), DEFAULT_FIELDS, true, () => '');
    const delivery = this.callback(token, sub.callback_url, body);
    void this.track(delivery);
  }

  private async callback(token: string, url: string, body: unknown): Promise<void> {
    const deliver = this.d.deliver ?? deliverCallback;
    const c = this.d.config;
    let record: CallbackRecord;
    try {
      record = await deliver(url, body, {
        timeoutMs: c.callbackTimeoutMs,
        maxTries: c.callbackMaxTries,
        backoffMs: c.callbackBackoffMs,
        allowHosts: c.callbackAllowHosts,
      });
    } catch (e) {
      record = { state: 'failed', attempts: 0, status: null, error: errorMessage(e), at: this.now() };
    }
    if (record.state !== 'delivered') this.d.logger.warn({ event: 'judge0_callback_failed', token, ...record });
    await this.d.store.recordCallback(token, JSON.stringify(record)).catch(() => {});
  }

  /** Work that stop() waits for (wait=true runs, callbacks), for as long as it lasts. */
  /** Writes an outcome the store refused, every POLL_MS until it is taken or the service stops. */
  private async keepTrying(token: string, write: () => Promise<unknown>): Promise<void> {
    while (!this.stopped) {
      await this.idle();
      if (this.stopped) return;
      try {
        await write();
        this.d.logger.info({ event: 'judge0_result_stored_late', token });
        return;
      } catch {
        // Still away: the next try is a poll later.
      }
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => {});
    return work;
  }

  private async expire(): Promise<void> {
    try {
      const deleted = await this.d.store.deleteFinishedBefore(this.now() - this.d.config.judge0RetentionS * 1000);
      if (deleted > 0) this.d.logger.info({ event: 'judge0_expired', count: deleted });
    } catch (e) {
      this.d.logger.error({ event: 'judge0_retention_failed', error: errorMessage(e) });
    }
  }
}
