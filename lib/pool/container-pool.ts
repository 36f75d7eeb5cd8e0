// What every pool of containers (sandboxes, warm compilers) offers its owner: start, counts, events,
// the ids it holds, drain. The generic Pool underneath stays private, so callers use only what the
// container pool chooses to expose.

import { Pool, type Factory, type PoolEvent, type PoolOptions, type PoolStats } from './pool';

export abstract class ContainerPool<T extends { id: string }> {
  protected readonly pool: Pool<T>;
  /** Containers made but not yet handed to the pool (a warm compiler warming up): held all the same. */
  protected readonly preparing = new Set<string>();

  protected constructor(factory: Factory<T>, opts: PoolOptions) {
    this.pool = new Pool<T>(factory, opts);
  }

  start(): void {
    this.pool.start();
  }

  stats(): PoolStats {
    return this.pool.stats();
  }

  onEvent(listener: (e: PoolEvent) => void): void {
    this.pool.onEvent(listener);
  }

  /** The ids of every container this pool holds (idle, busy, being removed), for the orphan check. */
  heldIds(): string[] {
    return [...this.preparing, ...this.pool.resources().map((r) => r.id)];
  }

  drain(graceMs: number): Promise<void> {
    return this.pool.drain(graceMs);
  }
}
