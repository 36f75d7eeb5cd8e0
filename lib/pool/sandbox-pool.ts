// A pool of pre-started sandbox containers for one language, on the generic Pool.
// Adds what only Docker needs: labelling, a check that notices containers removed or killed from
// outside, and retrying removals that failed while the engine was away.

import type { Engine, ManagedContainer } from '../docker/engine';
import {
  LABEL_INSTANCE,
  LABEL_LANGUAGE,
  LABEL_ROLE,
  sandboxCreateOptions,
  type SandboxLimits,
  type SandboxOwner,
} from '../docker/sandbox-spec';
import { Pool, type PoolEvent, type PoolOptions } from './pool';

/** A listing older than this may predate a sandbox that was just created. */
const LISTING_MARGIN_MS = 3000;

export interface Sandbox {
  id: string;
  language: string;
  /** When it became ready (ms since the epoch). */
  readyAt: number;
}

export interface SandboxPoolOptions extends PoolOptions {
  language: string;
  image: string;
  limits: SandboxLimits;
  owner: SandboxOwner;
  reconcileIntervalMs: number;
  /**
   * Lists this server's containers for the reconcile loop; the pools of all languages share one
   * (see sharedCalls), so that they ask the engine once per interval instead of once each.
   */
  listOurs?: () => Promise<ManagedContainer[]>;
}

/** Wraps an async call so that calls arriving while one runs share its answer. */
export function sharedCalls<T>(call: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  return () =>
    (running ??= call().finally(() => {
      running = null;
    }));
}

export class SandboxPool {
  readonly pool: Pool<Sandbox>;
  private readonly known = new Set<string>();
  private readonly removeLater = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private reconciling = false;
  engineErrors = 0;

  constructor(
    private readonly engine: Engine,
    private readonly opts: SandboxPoolOptions,
  ) {
    this.pool = new Pool<Sandbox>(
      {
        create: async () => {
          const id = await engine.createAndStart(
            sandboxCreateOptions(opts.image, opts.language, opts.limits, opts.owner),
          );
          this.known.add(id);
          return { id, language: opts.language, readyAt: Date.now() };
        },
        destroy: async (s) => {
          try {
            await engine.remove(s.id);
            this.known.delete(s.id);
          } catch (e) {
            // The engine may be away; the reconcile loop retries.
            this.removeLater.add(s.id);
            throw e;
          }
        },
      },
      opts,
    );
  }

  get language(): string {
    return this.opts.language;
  }

  onEvent(listener: (e: PoolEvent) => void): void {
    this.pool.onEvent(listener);
  }

  start(): void {
    this.pool.start();
    this.timer = setInterval(() => void this.reconcile(), this.opts.reconcileIntervalMs);
    this.timer.unref?.();
  }

  async drain(graceMs: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.pool.drain(graceMs);
    // Anything of ours still on the engine (a removal that failed) goes too.
    const left = await this.engine.listManaged({ [LABEL_INSTANCE]: this.opts.owner.instanceId }).catch(() => []);
    await Promise.all(
      left
        .filter((c) => c.labels[LABEL_LANGUAGE] === this.opts.language && c.labels[LABEL_ROLE] === 'sandbox')
        .map((c) => this.engine.remove(c.id).catch(() => {})),
    );
  }

  /**
   * Drops idle containers that are no longer running (removed or killed from outside) and removes
   * leftovers of ours that a failed removal left behind.
   */
  async reconcile(): Promise<void> {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      // Only sandboxes that were ready well before the listing began can be judged by it (a shared
      // listing may have started a moment before this call).
      const settled = Date.now() - LISTING_MARGIN_MS;
      const candidates = this.pool.idleResources().filter((s) => s.readyAt < settled);
      const mine = await (this.opts.listOurs?.() ??
        this.engine.listManaged({ [LABEL_INSTANCE]: this.opts.owner.instanceId }));
      const running = new Set(mine.filter((c) => c.state === 'running').map((c) => c.id));
      // Idle sandboxes that stopped or vanished (removed or killed from outside) are replaced.
      for (const s of candidates) {
        if (!running.has(s.id) && this.pool.idleResources().includes(s)) void this.pool.destroy(s).catch(() => {});
      }
      for (const id of [...this.removeLater]) {
        await this.engine.remove(id);
        this.removeLater.delete(id);
        this.known.delete(id);
      }
    } catch {
      this.engineErrors++;
    } finally {
      this.reconciling = false;
    }
  }
}
