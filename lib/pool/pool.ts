// A small, generic pool of single-use resources (tarn.js / generic-pool style).
// Resources are created ahead of demand up to `size` idle-or-starting, handed out to waiting clients
// in turn (round robin between clients, first come, first served within one), and never returned:
// the user of a resource destroys it, and the pool creates a fresh one (after the destroy while
// enough others are idle, at once otherwise).
// A failing factory is retried with exponential backoff, and while it fails, waiters are rejected
// with the cause instead of hanging. Every resource holds a slot of a Capacity from the start of its
// create to the end of its destroy; several pools can share one Capacity.

import { Capacity, type CapacityUser } from './capacity';
import { errorMessage } from '../util/error-message';
import { FairQueue } from './fair-queue';
import {
  PoolAbortedError,
  PoolClosedError,
  PoolQueueFullError,
  PoolTimeoutError,
  PoolUnavailableError,
} from './errors';

export interface Factory<T> {
  create(): Promise<T>;
  destroy(resource: T): Promise<void>;
}

export interface PoolOptions {
  /**
   * Resources kept ready (idle + starting). A single-use pool may be short of it by the resources
   * in use whose replacement waits for their destroy (see fill).
   */
  size: number;
  /**
   * Upper bound on idle + starting + busy + destroying resources of this pool alone; further creates
   * wait for a destroy. Unlimited when absent. Ignored when `capacity` is given.
   */
  maxTotal?: number;
  /** A cap shared with other pools, in place of maxTotal. */
  capacity?: Capacity;
  /** Waiters beyond this are turned away at once. */
  maxQueue: number;
  acquireTimeoutMs: number;
  /** What the resources are called in error messages ("sandbox": "no sandbox became free ..."). */
  resourceName?: string;
  retryInitialMs?: number;
  retryMaxMs?: number;
  /**
   * For resources that are given back and reused (release): busy ones count towards `size`, so the
   * pool holds `size` in all. Single-use resources leave this off: a taken one is replaced when it is
   * destroyed while enough others are idle, at once otherwise.
   */
  reusable?: boolean;
  /**
   * Single-use pools: for this long after a resource is taken, its replacement waits for its destroy
   * even when that leaves none idle, as long as nobody waits (0: only while others are idle).
   */
  replaceDelayMs?: number;
}

export interface AcquireOptions {
  signal?: AbortSignal;
  /** Shorter than the pool's acquire timeout (what is left of a request's own wait). */
  timeoutMs?: number;
  /**
   * The whole wait `timeoutMs` is left of, named in the timeout's message: a client is told the
   * wait it was promised, the same on every run, not the remainder.
   */
  promisedMs?: number;
  /** Who asks: waiting clients take turns. */
  client?: string;
}

export interface PoolStats {
  size: number;
  idle: number;
  busy: number;
  starting: number;
  destroying: number;
  waiting: number;
  created: number;
  destroyed: number;
  createFailed: number;
  lastError: string | null;
  healthy: boolean;
}

/** The counts that add up over several pools (every language's). */
export type PoolTotals = Pick<PoolStats, 'size' | 'idle' | 'busy' | 'starting' | 'waiting'>;

export function poolTotals(stats: Iterable<PoolStats>): PoolTotals {
  const t: PoolTotals = { size: 0, idle: 0, busy: 0, starting: 0, waiting: 0 };
  for (const s of stats) {
    t.size += s.size;
    t.idle += s.idle;
    t.busy += s.busy;
    t.starting += s.starting;
    t.waiting += s.waiting;
  }
  return t;
}

export type PoolEvent =
  | { type: 'created'; ms: number }
  | { type: 'create_failed'; error: unknown; retryInMs: number }
  | { type: 'destroyed' }
  | { type: 'destroy_failed'; error: unknown };

interface Waiter<T> {
  resolve(r: T): void;
  reject(e: Error): void;
  cleanup(): void;
}

export class Pool<T> {
  private readonly idle: T[] = [];
  private readonly busy = new Set<T>();
  /** When each busy single-use resource was taken (see fill). */
  private readonly takenAt = new Map<T, number>();
  private deferTimer: NodeJS.Timeout | null = null;
  private readonly waiters = new FairQueue<Waiter<T>>();
  private starting = 0;
  /** Being destroyed: still held (the orphan check must not remove them a second time). */
  private readonly destroying = new Set<T>();
  private created = 0;
  private destroyed = 0;
  private createFailed = 0;
  private lastError: unknown = null;
  private failing = false;
  private retryDelay: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private started = false;
  private closed = false;
  private readonly listeners: ((e: PoolEvent) => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private readonly capacity: Capacity;
  private readonly slotUser: CapacityUser = {
    hasWaiters: () => this.waiters.size > 0,
    wake: () => this.fill(),
  };

  constructor(
    private readonly factory: Factory<T>,
    private readonly opts: PoolOptions,
  ) {
    this.retryDelay = opts.retryInitialMs ?? 100;
    this.capacity = opts.capacity ?? new Capacity(opts.maxTotal ?? Infinity);
  }

  onEvent(listener: (e: PoolEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Begins filling the pool; until then nothing is created, even for waiting requests. */
  start(): void {
    this.started = true;
    this.fill();
  }

  /** Takes a resource, waiting in line for one when none is idle. */
  acquire(options: AcquireOptions = {}): Promise<T> {
    if (this.closed) return Promise.reject(new PoolClosedError('the service is shutting down'));
    if (options.signal?.aborted) return Promise.reject(new PoolAbortedError('request aborted'));
    // Serve in order: a newcomer may take an idle resource only when nobody is already waiting.
    if (this.waiters.size === 0 && this.idle.length > 0) {
      const r = this.idle.shift()!;
      this.take(r);
      this.fill();
      return Promise.resolve(r);
    }
    // Failing to create, and nothing that could serve this request soon: say so now.
    if (this.failing && this.idle.length === 0 && this.comingBack() === 0) {
      return Promise.reject(this.unavailable());
    }
    if (this.waiters.size >= this.opts.maxQueue) {
      return Promise.reject(
        new PoolQueueFullError(`too many requests waiting (${this.waiters.size}); try again shortly`),
      );
    }
    const client = options.client ?? '';
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.opts.acquireTimeoutMs;
      const timer = setTimeout(() => {
        remove();
        reject(new PoolTimeoutError(`no ${this.noun} became free within ${options.promisedMs ?? timeoutMs} ms`));
      }, timeoutMs);
      const onAbort = () => {
        remove();
        reject(new PoolAbortedError('request aborted'));
      };
      const waiter: Waiter<T> = {
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
        },
      };
      const remove = () => {
        waiter.cleanup();
        this.waiters.remove(client, waiter);
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(client, waiter);
      this.fill();
    });
  }

  /** Gives back a resource that was not used (it stays clean, so it may serve the next request). */
  release(resource: T): void {
    this.takenAt.delete(resource);
    if (!this.busy.delete(resource)) return;
    if (this.closed) {
      void this.destroyNow(resource);
      return;
    }
    this.idle.push(resource);
    this.dispatch();
  }

  /** Destroys a resource (busy or idle) and starts a replacement. */
  async destroy(resource: T): Promise<void> {
    this.takenAt.delete(resource);
    const wasBusy = this.busy.delete(resource);
    const i = this.idle.indexOf(resource);
    if (i >= 0) this.idle.splice(i, 1);
    if (!wasBusy && i < 0) return;
    this.fill();
    await this.destroyNow(resource);
    this.fill();
  }

  /** Every resource the pool holds (idle, busy and being destroyed), for finding what it does not. */
  resources(): T[] {
    return [...this.idle, ...this.busy, ...this.destroying];
  }

  /** Idle resources, for health checks that want to drop dead ones. */
  idleResources(): readonly T[] {
    return this.idle;
  }

  stats(): PoolStats {
    return {
      size: this.opts.size,
      idle: this.idle.length,
      busy: this.busy.size,
      starting: this.starting,
      destroying: this.destroying.size,
      waiting: this.waiters.size,
      created: this.created,
      destroyed: this.destroyed,
      createFailed: this.createFailed,
      lastError: this.lastError ? errorMessage(this.lastError) : null,
      healthy: !this.failing,
    };
  }

  /**
   * Stops taking work: rejects waiters, waits up to `graceMs` for busy resources to be destroyed by
   * their users, then destroys everything left.
   */
  async drain(graceMs: number): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.deferTimer) clearTimeout(this.deferTimer);
    for (const w of this.waiters.drain()) {
      w.cleanup();
      w.reject(new PoolClosedError('the service is shutting down'));
    }
    const deadline = Date.now() + graceMs;
    while ((this.busy.size > 0 || this.starting > 0) && Date.now() < deadline) {
      await new Promise<void>((r) => {
        this.idleWaiters.push(r);
        setTimeout(r, Math.max(1, Math.min(200, deadline - Date.now())));
      });
    }
    const all = [...this.idle.splice(0), ...this.busy];
    this.busy.clear();
    await Promise.all(all.map((r) => this.destroyNow(r)));
  }

  private get noun(): string {
    return this.opts.resourceName ?? 'resource';
  }

  /** Busy resources that will be given back (reusable pools only). */
  private comingBack(): number {
    return this.opts.reusable ? this.busy.size : 0;
  }

  private unavailable(): PoolUnavailableError {
    return new PoolUnavailableError(`${this.noun}s cannot be created: ${errorMessage(this.lastError)}`, {
      cause: this.lastError,
    });
  }

  private emit(e: PoolEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a listener's bug must not break the pool
      }
    }
  }

  private async destroyNow(resource: T): Promise<void> {
    this.destroying.add(resource);
    try {
      await this.factory.destroy(resource);
      this.destroyed++;
      this.emit({ type: 'destroyed' });
    } catch (error) {
      this.emit({ type: 'destroy_failed', error });
    } finally {
      this.destroying.delete(resource);
      this.capacity.release();
      for (const r of this.idleWaiters.splice(0)) r();
    }
  }

  /** Starts creates until idle + starting (+ deferred replacements) reaches size (or the cap is full), unless backing off. */
  private fill(): void {
    if (!this.started || this.closed || this.retryTimer) return;
    const deferred = this.deferredReplacements();
    while (this.idle.length + this.starting + deferred < this.opts.size && this.capacity.tryTake(this.slotUser)) {
      this.starting++;
      const t0 = Date.now();
      this.factory.create().then(
        (r) => {
          this.starting--;
          this.created++;
          this.failing = false;
          this.retryDelay = this.opts.retryInitialMs ?? 100;
          this.emit({ type: 'created', ms: Date.now() - t0 });
          if (this.closed) {
            void this.destroyNow(r);
            return;
          }
          this.idle.push(r);
          this.dispatch();
          for (const w of this.idleWaiters.splice(0)) w();
        },
        (error) => {
          this.starting--;
          this.createFailed++;
          this.lastError = error;
          this.failing = true;
          const retryInMs = this.retryDelay;
          this.retryDelay = Math.min(this.retryDelay * 2, this.opts.retryMaxMs ?? 5000);
          this.emit({ type: 'create_failed', error, retryInMs });
          // Waiters that no idle resource can serve learn the cause now instead of timing out.
          while (this.waiters.size > this.idle.length + this.starting + this.comingBack()) {
            const w = this.waiters.pop()!;
            w.cleanup();
            w.reject(this.unavailable());
          }
          for (const w of this.idleWaiters.splice(0)) w();
          if (!this.closed && !this.retryTimer) {
            this.retryTimer = setTimeout(() => {
              this.retryTimer = null;
              this.fill();
            }, retryInMs);
            this.retryTimer.unref?.();
          }
          // Last, so that the slot goes to another pool (this one is backing off).
          this.capacity.release();
        },
      );
    }
  }

  private take(r: T): void {
    this.busy.add(r);
    if (!this.opts.reusable) this.takenAt.set(r, Date.now());
  }

  /**
   * Busy single-use resources whose replacement waits for their destroy, after their request, so that
   * creating it (for a container, ~60 ms of CPU on a 2-core machine: ~50 ms more for a C compile that
   * runs beside it) does not compete with that request. Always while more resources are idle than
   * replacements wait so; and for `replaceDelayMs` after the take while nobody waits. Past that,
   * replacements start at once: long runs and bursts never leave the pool empty for long.
   */
  private deferredReplacements(): number {
    if (this.opts.reusable) return this.busy.size;
    const whileIdle = Math.min(this.busy.size, Math.max(0, this.idle.length - 1));
    const delay = this.opts.replaceDelayMs ?? 0;
    if (delay <= 0 || this.waiters.size > 0) return whileIdle;
    const now = Date.now();
    let young = 0;
    let nextExpiry = Infinity;
    for (const at of this.takenAt.values()) {
      if (now - at < delay) {
        young++;
        nextExpiry = Math.min(nextExpiry, at + delay);
      }
    }
    if (young > whileIdle && !this.deferTimer) {
      this.deferTimer = setTimeout(() => {
        this.deferTimer = null;
        this.fill();
      }, nextExpiry - now);
      this.deferTimer.unref?.();
    }
    return Math.max(whileIdle, young);
  }

  /** Hands idle resources to waiters, clients in turn. */
  private dispatch(): void {
    while (this.waiters.size > 0 && this.idle.length > 0) {
      const w = this.waiters.shift()!;
      const r = this.idle.shift()!;
      w.cleanup();
      this.take(r);
      w.resolve(r);
    }
    this.fill();
  }
}
