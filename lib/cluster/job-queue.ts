// Queued Judge0 work on BullMQ, in the cluster's Redis. A job names one stored submission (its id is
// the submission's token, so adding it twice adds it once); the store keeps the submission and its
// result, the job decides who runs it and when. Any instance's worker may take any job; a job whose
// worker died (its lock not renewed) is moved back to waiting by another worker's stalled check and
// run there. A job ends only once its submission is done or gone, so a completed job never hides
// work still to do.
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';
import { errorMessage } from '../util/error-message';

/** BullMQ's highest priority number (lowest priority); 1 is the first served. */
const LOWEST_PRIORITY = 2 ** 21 - 1;

export interface QueuedJob {
  token: string;
  /** 1 is served first; a client's n-th pending submission gets n, so a flood waits behind others' few. */
  priority: number;
}

/** What a handler says of a job: finished with (its submission done or gone), or to be tried again later. */
export type JobOutcome = 'done' | 'later';

/** The queue as the Judge0 service sees it (a fake stands in for it in unit tests). */
export interface WorkQueue {
  /** Adds jobs (one already there, waiting, running or finished, is left as it is); throws when Redis does not answer. */
  add(jobs: QueuedJob[]): Promise<void>;
  /** Runs `handle` for each job, `concurrency` at once; a throw is a failed try, retried with backoff. */
  start(handle: (token: string) => Promise<JobOutcome>): void;
  /** Stops taking jobs; waits up to `graceMs` for those running (others' stalled checks take the rest). */
  close(graceMs: number): Promise<void>;
}

export interface JobQueueOptions {
  redisUrl: string;
  /** The Redis key prefix and queue name: instances that share work use the same. */
  name: string;
  /** This instance's id: BullMQ records it on the jobs it runs (`processedBy`). */
  workerName: string;
  concurrency: number;
  /** A running job's lock lasts this long unrenewed; stalled checks run as often. */
  lockMs: number;
  /** How long a job told "later" waits before it is tried again. */
  retryDelayMs: number;
  /** Finished jobs kept (for looking into, never needed to run): at most this many, this many seconds. */
  keepDone: { count: number; ageS: number };
}

/** Failed tries before BullMQ gives a job up (the store still has it queued, and it is added again). */
const ATTEMPTS = 8;

export class BullJobQueue implements WorkQueue {
  private readonly queue: Queue;
  /** The queue's own connection: `add` refuses at once while it is not ready. */
  private readonly client: Redis;
  private worker: Worker | null = null;
  private readonly connections: Redis[] = [];

  constructor(
    private readonly o: JobQueueOptions,
    private readonly logger: Pick<Logger, 'warn' | 'error'>,
  ) {
    // Adding fails at once while Redis is away (the submission is stored; it is added again later),
    // rather than holding the request that posted it.
    this.client = this.connect({ enableOfflineQueue: false });
    this.queue = new Queue(o.name, { connection: this.client });
    this.queue.on('error', (e) => this.report('judge0_queue_error', e));
  }

  /** Reconnects at most a second apart (BullMQ's own waits grow to 20 s), so work resumes soon after Redis is back. */
  private connect(extra: { enableOfflineQueue?: boolean }): Redis {
    const c = new Redis(this.o.redisUrl, {
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(times * 100, 1000),
      ...extra,
    });
    c.on('error', () => {}); // reported once by the queue or the worker, not per reconnect
    this.connections.push(c);
    return c;
  }

  private lastError = '';
  private report(event: string, e: unknown): void {
    const error = errorMessage(e);
    if (error === this.lastError) return;
    this.lastError = error;
    this.logger.warn({ event, error });
  }

  async add(jobs: QueuedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    // BullMQ waits, without a limit, for a connection that was never made; a post must not.
    if (this.client.status !== 'ready') throw new Error(`Redis is not connected (${this.client.status})`);
    await this.queue.addBulk(
      jobs.map((j) => ({
        name: 'submission',
        data: { token: j.token },
        opts: {
          jobId: j.token,
          priority: Math.min(Math.max(1, j.priority), LOWEST_PRIORITY),
          attempts: ATTEMPTS,
          backoff: { type: 'exponential', delay: this.o.retryDelayMs },
          removeOnComplete: { count: this.o.keepDone.count, age: this.o.keepDone.ageS },
          // Gone at once, so that adding it again (the store still has it queued) is not a no-op.
          removeOnFail: true,
        },
      })),
    );
  }

  start(handle: (token: string) => Promise<JobOutcome>): void {
    const { o } = this;
    this.worker = new Worker(
      o.name,
      async (job: Job<{ token: string }>, lockToken?: string) => {
        if ((await handle(job.data.token)) === 'done') return;
        // Back to waiting after a while, its tries uncounted (BullMQ's way to say "not now").
        await job.moveToDelayed(Date.now() + o.retryDelayMs, lockToken);
        throw new DelayedError();
      },
      {
        connection: this.connect({}),
        name: o.workerName,
        concurrency: o.concurrency,
        lockDuration: o.lockMs,
        stalledInterval: o.lockMs,
        // A job is moved back from a dead worker this many times before it is failed (and then
        // added again from the store): an instance killed repeatedly mid-run does not lose it.
        maxStalledCount: 10,
      },
    );
    this.worker.on('error', (e) => this.report('judge0_worker_error', e));
    this.worker.on('failed', (job, e) => {
      if (job) this.logger.warn({ event: 'judge0_job_failed', token: job.id, error: errorMessage(e) });
    });
  }

  async close(graceMs: number): Promise<void> {
    const worker = this.worker;
    if (worker) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), graceMs)));
      const closing = worker.close().then(
        () => 'closed' as const,
        () => 'closed' as const,
      );
      await Promise.race([closing, grace]);
      clearTimeout(timer);
      // Late: the connections go below (the close then ends by itself). A job still running keeps
      // its lock until that times out; then another instance's stalled check gives it to its worker.
    }
    await this.queue.close().catch(() => {});
    for (const c of this.connections) c.disconnect(false);
  }
}
