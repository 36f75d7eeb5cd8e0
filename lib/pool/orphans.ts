// Containers of this instance that no pool holds any more: a removal that failed while the engine
// was away, a create whose answer came after its deadline. Found by comparing the engine's list with
// what the pools hold, and removed, so that nothing leaks for the life of the process.

import type { ManagedContainer } from '../docker/engine';

/** Old enough that no create or removal of ours can still be on its way. */
export const ORPHAN_MIN_AGE_MS = 60_000;

export function findOrphans(containers: ManagedContainer[], held: Set<string>, now: number, minAgeMs = ORPHAN_MIN_AGE_MS): string[] {
  return containers.filter((c) => !held.has(c.id) && now - c.createdAt >= minAgeMs).map((c) => c.id);
}
