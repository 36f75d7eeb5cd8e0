// One loop for the whole process: every WEBCOMPILE_RECONCILE_INTERVAL_MS, one engine listing of this
// instance's containers serves every pool (idle containers removed or killed from outside are
// replaced) and the orphan check (containers no pool holds any more are removed).

import type { Engine } from '../engine/engine';
import { LABEL_INSTANCE } from '../engine/sandbox-spec';
import { errorMessage } from '../util/error-message';
import type { SandboxPool } from './sandbox-pool';

/** Old enough that no create or removal of ours can still be on its way. */
export const ORPHAN_MIN_AGE_MS = 60_000;

interface Deps {
  engine: Engine;
  instanceId: string;
  pools: readonly SandboxPool[];
  /** Every container id a pool (of sandboxes or compilers) holds right now. */
  held: () => Set<string>;
  intervalMs: number;
  onError: (message: string) => void;
  onOrphans: (count: number) => void;
}

export function findOrphans(
  containers: { id: string; createdAt: number }[],
  held: Set<string>,
  now: number,
  minAgeMs = ORPHAN_MIN_AGE_MS,
): string[] {
  return containers.filter((c) => !held.has(c.id) && now - c.createdAt >= minAgeMs).map((c) => c.id);
}

/** Starts the loop; the returned function stops it. */
export function startHousekeeping(d: Deps): () => void {
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    const listedAt = Date.now();
    try {
      const mine = await d.engine.listManaged({ [LABEL_INSTANCE]: d.instanceId });
      for (const p of d.pools) p.reconcile(mine, listedAt);
      const orphans = findOrphans(mine, d.held(), Date.now());
      for (const id of orphans) await d.engine.remove(id);
      if (orphans.length) d.onOrphans(orphans.length);
    } catch (e) {
      d.onError(errorMessage(e));
    } finally {
      busy = false;
    }
  }, d.intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
