// Whether a folder is on a tmpfs (where scripts/engine.sh keeps the engine's state in memory).
// Kept apart from server.ts, which needs vitest: the bench uses it too.
import fs from 'node:fs';

/** statfs's f_type of a tmpfs. */
const TMPFS_MAGIC = 0x01021994;

export function onTmpfs(dir: string): boolean {
  return fs.statfsSync(dir).type === TMPFS_MAGIC;
}
