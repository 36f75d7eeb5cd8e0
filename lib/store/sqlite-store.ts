// The embedded store: one SQLite file through better-sqlite3. better-sqlite3 is synchronous, so each
// method finishes its work before its promise resolves: a resolved write has been committed and
// (synchronous = FULL) fsynced.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations';
import {
  DuplicateTokenError,
  insertValues,
  type NewSubmission,
  type StoredSubmission,
  type SubmissionPage,
  type SubmissionState,
  type SubmissionStore,
} from './submission-store';

export { DuplicateTokenError };

/** How long a connection waits for another one's write lock before it fails with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

interface Row {
  token: string;
  seq: number;
  client: string;
  request: string;
  batch_id: string | null;
  state: SubmissionState;
  result: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  attempts: number;
  runner: string | null;
  callback: string | null;
}

function fromRow(row: Row): StoredSubmission {
  return {
    token: row.token,
    client: row.client,
    request: row.request,
    batchId: row.batch_id,
    state: row.state,
    result: row.result,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    attempts: row.attempts,
    runner: row.runner,
    callback: row.callback,
  };
}

function isDuplicateKey(e: unknown): boolean {
  return e instanceof Database.SqliteError && e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function prepare(db: Database.Database) {
  return {
    // A new row's seq is above every stored row's, which is all the ordering needs (deleting the
    // newest row can free its number for the next insert).
    insert: db.prepare<ReturnType<typeof insertValues>>(
      `INSERT INTO submissions (token, seq, client, request, batch_id, created_at, state, started_at, attempts, runner)
       VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM submissions), ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    get: db.prepare<[string], Row>('SELECT * FROM submissions WHERE token = ?'),
    page: db.prepare<[number, number], Row>(
      'SELECT * FROM submissions ORDER BY created_at DESC, seq DESC LIMIT ? OFFSET ?',
    ),
    count: db.prepare<[], number>('SELECT count(*) FROM submissions').pluck(),
    // In order, but a client with fewer submissions running goes first: one client's batch of 20
    // does not make another's single submission wait behind all of it.
    claim: db.prepare<[number, string], Row>(
      `UPDATE submissions SET state = 'running', started_at = ?, attempts = attempts + 1, runner = ?
       WHERE token = (
         SELECT q.token FROM submissions q WHERE q.state = 'queued'
         ORDER BY (SELECT count(*) FROM submissions r WHERE r.state = 'running' AND r.client = q.client), q.seq
         LIMIT 1)
       RETURNING *`,
    ),
    claimToken: db.prepare<[number, string, string], Row>(
      `UPDATE submissions SET state = 'running', started_at = ?, attempts = attempts + 1, runner = ?
       WHERE token = ? AND state = 'queued'
       RETURNING *`,
    ),
    queued: db.prepare<[number], { token: string; client: string }>(
      `SELECT token, client FROM submissions WHERE state = 'queued' ORDER BY seq LIMIT ?`,
    ),
    release: db.prepare<[string]>(
      `UPDATE submissions SET state = 'queued', started_at = NULL, attempts = max(attempts - 1, 0), runner = NULL
       WHERE token = ? AND state = 'running'`,
    ),
    finish: db.prepare<[string, number, string]>(
      `UPDATE submissions SET state = 'done', result = ?, finished_at = ? WHERE token = ? AND state = 'running'`,
    ),
    recordCallback: db.prepare<[string, string]>('UPDATE submissions SET callback = ? WHERE token = ?'),
    // The live runners as a JSON array: one statement for any number of them.
    requeueOrphans: db.prepare<[string]>(
      `UPDATE submissions SET state = 'queued', started_at = NULL, runner = NULL
       WHERE state = 'running' AND (runner IS NULL OR runner NOT IN (SELECT value FROM json_each(?)))`,
    ),
    countPending: db
      .prepare<[], number>(`SELECT count(*) FROM submissions WHERE state IN ('queued', 'running')`)
      .pluck(),
    countPendingOf: db
      .prepare<[string], number>(`SELECT count(*) FROM submissions WHERE state IN ('queued', 'running') AND client = ?`)
      .pluck(),
    deleteFinished: db.prepare<[number]>(`DELETE FROM submissions WHERE state = 'done' AND finished_at < ?`),
    delete: db.prepare<[string]>('DELETE FROM submissions WHERE token = ?'),
  };
}

export class SqliteSubmissionStore implements SubmissionStore {
  private readonly statements: ReturnType<typeof prepare>;
  private readonly insertAll: (submissions: NewSubmission[]) => void;
  private readonly claimOne: (now: number, runner: string) => Row | undefined;
  /** One snapshot for several reads, so a page and its total agree. */
  private readonly read: <T>(fn: () => T) => T;

  private constructor(private readonly db: Database.Database) {
    const s = (this.statements = prepare(db));
    // Immediate: take the write lock before reading, so two processes never pick the same row and a
    // transaction never fails mid-way on another connection's newer snapshot (SQLITE_BUSY_SNAPSHOT).
    const insertAll = db.transaction((submissions: NewSubmission[]) => {
      for (const n of submissions) {
        try {
          s.insert.run(...insertValues(n));
        } catch (e) {
          if (isDuplicateKey(e)) throw new DuplicateTokenError(n.token);
          throw e;
        }
      }
    });
    this.insertAll = (submissions) => insertAll.immediate(submissions);
    const claimOne = db.transaction((now: number, runner: string) => s.claim.get(now, runner));
    this.claimOne = (now, runner) => claimOne.immediate(now, runner);
    const read = db.transaction((fn: () => unknown) => fn());
    this.read = <T>(fn: () => T) => read.deferred(fn) as T;
  }

  /** Opens (creating it and its folder if need be) and migrates the database at `file`; `':memory:'` works. */
  static open(file: string): SqliteSubmissionStore {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    try {
      // WAL: readers never block the writer. FULL: WAL commits are fsynced, so a resolved write
      // survives a power cut, not only a crash of the process.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db);
      return new SqliteSubmissionStore(db);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  async insert(submissions: NewSubmission[]): Promise<void> {
    this.insertAll(submissions);
  }

  async get(token: string): Promise<StoredSubmission | null> {
    const row = this.statements.get.get(token);
    return row ? fromRow(row) : null;
  }

  async getMany(tokens: string[]): Promise<(StoredSubmission | null)[]> {
    return this.read(() =>
      tokens.map((token) => {
        const row = this.statements.get.get(token);
        return row ? fromRow(row) : null;
      }),
    );
  }

  async list(offset: number, limit: number): Promise<SubmissionPage> {
    return this.read(() => ({
      rows: this.statements.page.all(limit, offset).map(fromRow),
      total: this.statements.count.get() ?? 0,
    }));
  }

  async claimNext(now: number, runner: string): Promise<StoredSubmission | null> {
    const row = this.claimOne(now, runner);
    return row ? fromRow(row) : null;
  }

  async claim(token: string, now: number, runner: string): Promise<StoredSubmission | null> {
    const row = this.statements.claimToken.get(now, runner, token);
    return row ? fromRow(row) : null;
  }

  async queued(limit: number): Promise<{ token: string; client: string }[]> {
    return this.statements.queued.all(limit);
  }

  async finish(token: string, result: string, finishedAt: number): Promise<boolean> {
    return this.statements.finish.run(result, finishedAt, token).changes > 0;
  }

  async release(token: string): Promise<boolean> {
    return this.statements.release.run(token).changes > 0;
  }

  async recordCallback(token: string, callback: string): Promise<void> {
    this.statements.recordCallback.run(callback, token);
  }

  async requeueOrphans(liveRunners: string[]): Promise<number> {
    return this.statements.requeueOrphans.run(JSON.stringify(liveRunners)).changes;
  }

  async countPending(client?: string): Promise<number> {
    if (client !== undefined) return this.statements.countPendingOf.get(client) ?? 0;
    return this.statements.countPending.get() ?? 0;
  }

  async deleteFinishedBefore(cutoff: number): Promise<number> {
    return this.statements.deleteFinished.run(cutoff).changes;
  }

  async delete(token: string): Promise<boolean> {
    return this.statements.delete.run(token).changes > 0;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
