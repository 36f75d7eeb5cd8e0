// A pool of pre-started sandbox containers for one language, on the generic Pool. Adds what only
// Docker needs: labelling, and replacing idle containers that were removed or killed from outside
// (the runtime's housekeeping hands it the engine's listing; see lib/pool/housekeeping.ts).

import type { Engine, ManagedContainer } from '../engine/engine';
import { sandboxCreateOptions, type SandboxLimits, type SandboxOwner } from '../engine/sandbox-spec';
import { ContainerPool } from './container-pool';
import type { AcquireOptions, PoolOptions } from './pool';

export interface Sandbox {
  id: string;
  /** When it became ready (ms since the epoch). */
  readyAt: number;
}

export interface SandboxPoolOptions extends PoolOptions {
  language: string;
  image: string;
  limits: SandboxLimits;
  /** The seccomp profile each new sandbox gets (the runtime settles which one after it is built). */
  seccomp: () => string | undefined;
  owner: SandboxOwner;
}

export class SandboxPool extends ContainerPool<Sandbox> {
  constructor(engine: Engine, opts: SandboxPoolOptions) {
    super(
      {
        create: async () => {
          const limits = { ...opts.limits, seccompJson: opts.seccomp() };
          const id = await engine.createAndStart(sandboxCreateOptions(opts.image, opts.language, limits, opts.owner));
          return { id, readyAt: Date.now() };
        },
        // A removal that fails while the engine is away is caught later by the orphan check.
        destroy: (s) => engine.remove(s.id),
      },
      { resourceName: 'sandbox', ...opts },
    );
  }

  /** Takes a ready sandbox, waiting in line (clients in turn) when none is idle. */
  acquire(options: AcquireOptions): Promise<Sandbox> {
    return this.pool.acquire(options);
  }

  /** Removes a sandbox after its one use (or when it went bad); the pool makes a fresh one. */
  destroy(sandbox: Sandbox): Promise<void> {
    return this.pool.destroy(sandbox);
  }

  /**
   * Replaces idle sandboxes that a listing begun at `listedAt` shows stopped or gone. Sandboxes that
   * became ready after the listing began cannot be judged by it.
   */
  reconcile(containers: ManagedContainer[], listedAt: number): void {
    const running = new Set(containers.filter((c) => c.state === 'running').map((c) => c.id));
    for (const s of [...this.pool.idleResources()]) {
      if (s.readyAt < listedAt && !running.has(s.id)) void this.pool.destroy(s).catch(() => {});
    }
  }
}
