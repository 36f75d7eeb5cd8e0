// Judge0's stored submissions: accepted into the store, run by a small worker (a few at a time, so
// synchronous runs keep the rest of the sandboxes) through the same core, as the client that sent
// them, so the core's per-client turns keep sharing fair. A crash loses nothing: each row a worker
// takes carries this instance's id (new at every start), and rows whose instance is gone are queued
// again: at start all of earlier processes' (a program may run twice, never zero times), and in a
// cluster sharing one store, every heartbeat, those of instances no longer live. Finished rows are
// deleted after the retention time; callbacks are PUT when a submission finishes.

import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config';
import { ExecutionError } from '../core/errors';
import type { ExecutionRequest } from '../core/request';
import type { ExecutionResult } from '../core/result';
import type { Logger } from '../observability/logger';
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

export class QueueFullError extends Error {}

export class Judge0Service {
  private readonly now: () => number;
  private running = 0;
  private stopped = true;
  /** The loops waiting for work. */
  private readonly waiting = new Set<() => void>();
  private loops: Promise<void>[] = [];
  private retention: NodeJS.Timeout | null = null;
  /** The next requeue of the orphans of gone instances (with liveRunners only). */
  private orphanTimer: NodeJS.Timeout | null = null;
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
      }
    } catch (e) {
      this.d.logger.error({ event: 'judge0_requeue_failed', error: errorMessage(e) });
    }
  }

  /** The next requeue, one heartbeat after the last one ended (so they never overlap), until stop(). */
  private scheduleOrphans(): void {
    if (this.stopped || !this.d.liveRunners) return;
    this.orphanTimer = setTimeout(() => {
      this.orphanTimer = null;
      void this.track(this.requeueOrphans()).then(() => this.scheduleOrphans());
    }, this.d.config.clusterHeartbeatMs);
    this.orphanTimer.unref();
  }

  /** Starts the worker and the retention job (what a crash left running is queued already). */
  async start(): Promise<void> {
    await this.recovered;
    this.stopped = false;
    for (let i = 0; i < this.d.config.judge0Workers; i++) this.loops.push(this.loop());
    // Not awaited: start-up does not wait for a delete.
    void this.expire();
    this.retention = setInterval(() => void this.expire(), this.d.config.judge0RetentionIntervalS * 1000);
    this.retention.unref();
    this.scheduleOrphans();
  }

  /**
   * Takes no more rows; waits up to `graceMs` for the runs and callbacks under way; closes the store.
   * A run still going then is left running in the store, and queued again at the next start (in a
   * cluster, by another instance once this one is no longer live).
   */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.retention) clearInterval(this.retention);
    if (this.orphanTimer) clearTimeout(this.orphanTimer);
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, graceMs)));
    const work = Promise.allSettled([...this.loops, ...this.pending]);
    await Promise.race([work, grace]);
    clearTimeout(timer);
    await this.d.store.close();
  }

  /** Stores submissions (all or none) as queued and wakes the worker; their tokens, in order. */
  async enqueue(subs: CheckedSubmission[], client: string, batch = false): Promise<string[]> {
    await this.recovered;
    await this.checkRoom(subs.length);
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
    await this.track(this.settle(token, sub, client));
    return (await this.d.store.get(token)) as StoredSubmission;
  }

  /**
   * Runs a stored, running submission to its end in the store: finished with its result, back in
   * the queue when the core has no room, or (when storing either failed) finished as an Internal
   * Error or put back, so that no row stays Processing while this process lives.
   */
  private async settle(token: string, sub: CheckedSubmission, client: string): Promise<'done' | 'released'> {
    const result = await this.runOne(sub, client);
    try {
      if (result === null) {
        await this.d.store.release(token);
        this.wake();
        return 'released';
      }
      await this.finish(token, sub, result);
      return 'done';
    } catch (e) {
      this.d.logger.error({ event: 'judge0_store_failed', token, error: errorMessage(e) });
      const rescue =
        result === null
          ? this.d.store.release(token)
          : this.d.store.finish(token, JSON.stringify(internalError('the result could not be stored')), this.now());
      const rescued = await rescue.then(
        () => true,
        () => false,
      );
      // Neither write was taken: the database is away. The outcome is kept and written once it
      // answers, so the row is neither lost nor left running under a live runner for ever. (If
      // this process ends first, the row's runner is gone and it runs again elsewhere.)
      if (!rescued) {
        void this.track(
          this.keepTrying(
            token,
            result === null ? () => this.d.store.release(token) : () => this.finish(token, sub, result),
          ),
        );
      }
      return result === null ? 'released' : 'done';
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
      this.running++;
      let outcome: 'done' | 'released' = 'done';
      try {
        outcome = await this.settle(row.token, parseStored(row).request, row.client);
      } catch (e) {
        // A row that cannot be read cannot be run: it ends as an Internal Error.
        this.d.logger.error({ event: 'judge0_run_failed', token: row.token, error: errorMessage(e) });
        await this.d.store
          .finish(row.token, JSON.stringify(internalError('the submission could not be read')), this.now())
          .catch(() => {});
      } finally {
        this.running--;
      }
      // Not at once after a release: the core said it has no room now.
      if (outcome === 'released') await this.idle();
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
