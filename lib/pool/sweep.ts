// Removes sandbox containers that an earlier server process left behind (crash, kill -9).
// A container belongs to a live server when its host label is ours and the process it names still
// runs; containers of other live instances (or of other hosts) are never touched.

import type { Engine } from '../engine/engine';
import { LABEL_HOST, LABEL_INSTANCE, LABEL_PID, type SandboxOwner } from '../engine/sandbox-spec';

export type PidAlive = (pid: number) => boolean;

export const pidAlive: PidAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Decides whether a labelled container is a leftover (pure, for unit tests). */
export function isLeftover(labels: Record<string, string>, me: SandboxOwner, alive: PidAlive = pidAlive): boolean {
  const instance = labels[LABEL_INSTANCE];
  if (instance === me.instanceId) return false;
  if (!instance) return true; // no owner at all: nobody can claim it
  if (labels[LABEL_HOST] !== me.hostname) return false; // another machine's server: not ours to judge
  const pid = Number(labels[LABEL_PID]);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (pid === me.pid) return true; // this very process, from an earlier instance (a reload)
  return !alive(pid);
}

export async function sweepLeftovers(engine: Engine, me: SandboxOwner, alive: PidAlive = pidAlive): Promise<number> {
  const all = await engine.listManaged();
  const leftovers = all.filter((c) => isLeftover(c.labels, me, alive));
  await Promise.all(leftovers.map((c) => engine.remove(c.id).catch(() => {})));
  return leftovers.length;
}
