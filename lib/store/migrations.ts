// The store's schema as a list of steps, one per `PRAGMA user_version`: a database at version n
// has had steps 1..n applied. Steps are only ever appended (a released step never changes), so any
// older file can be brought up to date and a newer one is recognised.
import type Database from 'better-sqlite3';
import { brandedError } from '@/lib/util/branded-error';

/** The database was written by a newer WebCompile: its schema may mean something this code misreads. */
export class StoreTooNewError extends brandedError('StoreTooNewError') {}

export const MIGRATIONS: readonly string[] = [
  // 1: submissions. `seq` gives insertion order (created_at can tie, and clocks step back); STRICT so
  // a wrong type is an error instead of a silently stored string.
  `CREATE TABLE submissions (
    token       TEXT PRIMARY KEY NOT NULL,
    seq         INTEGER NOT NULL UNIQUE,
    client      TEXT NOT NULL,
    request     TEXT NOT NULL,
    batch_id    TEXT,
    state       TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done')),
    result      TEXT,
    created_at  INTEGER NOT NULL,
    started_at  INTEGER,
    finished_at INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    callback    TEXT
  ) STRICT;
  CREATE INDEX submissions_claim ON submissions (state, seq);
  CREATE INDEX submissions_client ON submissions (state, client);
  CREATE INDEX submissions_list ON submissions (created_at DESC, seq DESC);
  CREATE INDEX submissions_retention ON submissions (state, finished_at);`,
];

function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies the steps `db` lacks, each in its own transaction with its version bump (a failed step
 * leaves the database at the step before). The version is read under the write lock, so two
 * processes opening a new file at once do not both apply a step.
 */
export function migrate(db: Database.Database, steps: readonly string[] = MIGRATIONS): void {
  const applyNext = db.transaction((): boolean => {
    const version = userVersion(db);
    if (version > steps.length) {
      throw new StoreTooNewError(
        `${db.name} is at schema version ${version} but this code knows only up to ${steps.length}: ` +
          'it was written by a newer WebCompile',
      );
    }
    if (version === steps.length) return false;
    db.exec(steps[version]);
    // Inside the transaction: the version moves only together with the step it counts.
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  for (let applied = true; applied;) applied = applyNext.immediate();
}
