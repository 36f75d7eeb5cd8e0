// Judge0's stored submissions: accepted into the store, run by a small worker (a few at a time, so
// synchronous runs keep the rest of the sandboxes) through the same core, as the client that sent
// them, so the core's per-client turns keep sharing fair. A crash loses nothing: rows a crash left
// running are queued again at start (a program may run twice, never zero times). Finished rows are
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
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly d: Judge0Deps) {
    this.now = d.now ?? Date.now;
  }

  /** Queues again what a crash left running, then starts the worker and the retention job. */
  async start(): Promise<void> {
    const requeued = await this.d.store.requeueRunning();
    if (requeued > 0) this.d.logger.warn({ event: 'judge0_requeued', count: requeued });
    this.stopped = false;
    for (let i = 0; i < this.d.config.judge0Workers; i++) this.loops.push(this.loop());
    await this.expire();
    this.retention = setInterval(() => void this.expire(), this.d.config.judge0RetentionIntervalS * 1000);
    this.retention.unref();
  }

  /** Takes no more rows; waits for the runs under way, and for callbacks up to `graceMs`; closes the store. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.retention) clearInterval(this.retention);
    this.wake();
    await Promise.all(this.loops);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, graceMs)));
    await Promise.race([Promise.allSettled([...this.pending]), grace]);
    clearTimeout(timer);
    await this.d.store.close();
  }

  /** Stores submissions (all or none) as queued and wakes the worker; their tokens, in order. */
  async enqueue(subs: CheckedSubmission[], client: string, batch = false): Promise<string[]> {
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
    await this.checkRoom(1);
    const token = randomUUID();
    await this.d.store.insert([
      { token, client, request: JSON.stringify(sub), createdAt: this.now(), state: 'running' },
    ]);
    const result = await this.runOne(sub, client);
    if (result === null) {
      await this.d.store.release(token);
      this.wake();
    } else await this.finish(token, sub, result);
    return (await this.d.store.get(token)) as StoredSubmission;
  }

  get store(): SubmissionStore {
    return this.d.store;
  }

  /** Submissions queued and running now. */
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
        row = await this.d.store.claimNext(this.now());
      } catch (e) {
        this.d.logger.error({ event: 'judge0_claim_failed', error: errorMessage(e) });
      }
      if (row === null) {
        await this.idle();
        continue;
      }
      this.running++;
      try {
        const sub = parseStored(row).request;
        const result = await this.runOne(sub, row.client);
        if (result === null) {
          await this.d.store.release(row.token);
          // Not at once: the core said it has no room now.
          await this.idle();
        } else await this.finish(row.token, sub, result);
      } catch (e) {
        this.d.logger.error({ event: 'judge0_run_failed', token: row.token, error: errorMessage(e) });
      } finally {
        this.running--;
      }
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
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
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

  private async expire(): Promise<void> {
    try {
      const deleted = await this.d.store.deleteFinishedBefore(this.now() - this.d.config.judge0RetentionS * 1000);
      if (deleted > 0) this.d.logger.info({ event: 'judge0_expired', count: deleted });
    } catch (e) {
      this.d.logger.error({ event: 'judge0_retention_failed', error: errorMessage(e) });
    }
  }
}
