// The store's schema as a list of steps, the same list for SQLite and PostgreSQL: step n means the
// same change in both, written in each one's SQL. A database at version n has had steps 1..n
// applied (SQLite counts them in `PRAGMA user_version`, PostgreSQL in the one-row table
// `webcompile_schema`). Steps are only ever appended (a released step never changes), so any older
// database can be brought up to date and a newer one is recognised.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { brandedError } from '@/lib/util/branded-error';

/** The database was written by a newer WebCompile: its schema may mean something this code misreads. */
export class StoreTooNewError extends brandedError('StoreTooNewError') {}

/** One schema change, in each database's SQL. */
export interface MigrationStep {
  sqlite: string;
  postgres: string;
}

export const MIGRATIONS: readonly MigrationStep[] = [
  // 1: submissions. `seq` gives insertion order (created_at can tie, and clocks step back); STRICT so
  // a wrong type is an error instead of a silently stored string. Times are milliseconds since the
  // epoch, past 32 bits: bigint in PostgreSQL, whose identity column numbers rows as they come.
  {
    sqlite: `CREATE TABLE submissions (
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
    postgres: `CREATE TABLE submissions (
      token       text PRIMARY KEY,
      seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      client      text NOT NULL,
      request     text NOT NULL,
      batch_id    text,
      state       text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done')),
      result      text,
      created_at  bigint NOT NULL,
      started_at  bigint,
      finished_at bigint,
      attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      callback    text
    );
    CREATE INDEX submissions_claim ON submissions (state, seq);
    CREATE INDEX submissions_client ON submissions (state, client);
    CREATE INDEX submissions_list ON submissions (created_at DESC, seq DESC);
    CREATE INDEX submissions_retention ON submissions (state, finished_at);`,
  },
  // 2: which instance took a running row (null before this step, and while queued), so that the
  // instances of a cluster requeue only the rows of the ones that are gone.
  {
    sqlite: 'ALTER TABLE submissions ADD COLUMN runner TEXT;',
    postgres: 'ALTER TABLE submissions ADD COLUMN runner text;',
  },
];

function tooNew(where: string, version: number, known: number): StoreTooNewError {
  return new StoreTooNewError(
    `${where} is at schema version ${version} but this code knows only up to ${known}: ` +
      'it was written by a newer WebCompile',
  );
}

function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies the steps the SQLite `db` lacks, each in its own transaction with its version bump (a
 * failed step leaves the database at the step before). The version is read under the write lock,
 * so two processes opening a new file at once do not both apply a step.
 */
export function migrate(db: Database.Database, steps: readonly MigrationStep[] = MIGRATIONS): void {
  const applyNext = db.transaction((): boolean => {
    const version = userVersion(db);
    if (version > steps.length) throw tooNew(db.name, version, steps.length);
    if (version === steps.length) return false;
    db.exec(steps[version].sqlite);
    // Inside the transaction: the version moves only together with the step it counts.
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  for (let applied = true; applied;) applied = applyNext.immediate();
}

/**
 * The key of the transaction-level advisory lock PostgreSQL migrations hold: one instance at a time
 * reads the version and applies a step ("WCSTORE1" in ASCII, so it clashes with no other user's key).
 */
export const PG_MIGRATION_LOCK = '6287961126312494385';

/** The PostgreSQL schema version: one row, created (at 0) by the first migration that finds none. */
const PG_VERSION_TABLE = `CREATE TABLE IF NOT EXISTS webcompile_schema (
  one     boolean PRIMARY KEY DEFAULT true CHECK (one),
  version integer NOT NULL CHECK (version >= 0)
)`;

/**
 * Applies the steps the PostgreSQL database of `client` lacks, as migrate does for SQLite: each step
 * in its own transaction with its version bump, and each transaction first takes the advisory lock
 * and only then reads the version, so instances starting at once apply every step exactly once.
 * `client` must not be in a transaction.
 */
export async function migratePostgres(
  client: pg.ClientBase,
  steps: readonly MigrationStep[] = MIGRATIONS,
): Promise<void> {
  for (;;) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [PG_MIGRATION_LOCK]);
      await client.query(PG_VERSION_TABLE);
      await client.query('INSERT INTO webcompile_schema (version) VALUES (0) ON CONFLICT DO NOTHING');
      const { rows } = await client.query<{ version: number; db: string }>(
        'SELECT version, current_database() AS db FROM webcompile_schema',
      );
      const { version, db } = rows[0];
      if (version > steps.length) throw tooNew(`database ${db}`, version, steps.length);
      if (version === steps.length) {
        await client.query('COMMIT');
        return;
      }
      await client.query(steps[version].postgres);
      await client.query('UPDATE webcompile_schema SET version = $1', [version + 1]);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    }
  }
}
