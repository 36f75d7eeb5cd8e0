// The shared store: one PostgreSQL database, reached through a pool of connections, that several
// instances use at once. The same semantics as the SQLite store, method by method; what differs is
// how they are kept across connections: a claim locks the row it takes (FOR UPDATE SKIP LOCKED), so
// two instances never take the same one and neither waits for the other; synchronous_commit is on,
// so a resolved write has been flushed to the server's WAL; and the server may go away and come
// back: a call meanwhile fails (in at most the connection timeout) and the pool reconnects after.
import pg from 'pg';
import { migratePostgres } from './migrations';
import {
  DuplicateTokenError,
  insertValues,
  type NewSubmission,
  type StoredSubmission,
  type SubmissionPage,
  type SubmissionState,
  type SubmissionStore,
} from './submission-store';

export interface PostgresStoreOptions {
  /** How long a call waits for a connection (the server down, unreachable) before it fails. */
  connectionTimeoutMs?: number;
  /** The longest one statement may take (the server cancels it), and the client gives up a little after. */
  statementTimeoutMs?: number;
  /** Connections the pool keeps at most. */
  maxConnections?: number;
}

const DEFAULTS: Required<PostgresStoreOptions> = {
  connectionTimeoutMs: 5000,
  statementTimeoutMs: 15_000,
  maxConnections: 10,
};

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

/** A row as pg returns it: bigint columns come as strings (they may not fit a double in general). */
interface Row {
  token: string;
  seq: string;
  client: string;
  request: string;
  batch_id: string | null;
  state: SubmissionState;
  result: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  attempts: number;
  runner: string | null;
  callback: string | null;
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));

function fromRow(row: Row): StoredSubmission {
  return {
    token: row.token,
    client: row.client,
    request: row.request,
    batchId: row.batch_id,
    state: row.state,
    result: row.result,
    createdAt: Number(row.created_at),
    startedAt: num(row.started_at),
    finishedAt: num(row.finished_at),
    attempts: row.attempts,
    runner: row.runner,
    callback: row.callback,
  };
}

function isDuplicateToken(e: unknown): boolean {
  const err = e as { code?: unknown; constraint?: unknown };
  return err.code === UNIQUE_VIOLATION && err.constraint === 'submissions_pkey';
}

const SQL = {
  insert: `INSERT INTO submissions (token, client, request, batch_id, created_at, state, started_at, attempts, runner)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
  get: 'SELECT * FROM submissions WHERE token = $1',
  getMany: 'SELECT * FROM submissions WHERE token = ANY($1::text[])',
  page: 'SELECT * FROM submissions ORDER BY created_at DESC, seq DESC LIMIT $1 OFFSET $2',
  count: 'SELECT count(*) AS n FROM submissions',
  // As SQLite's: in order, a client with fewer running first. The row is locked as it is chosen
  // and rows another claim has locked are passed over, so concurrent claims take different rows; a
  // row another claim took and committed meanwhile fails the recheck of `state = 'queued'` that
  // PostgreSQL makes on the row's newest version before locking it.
  claim: `UPDATE submissions SET state = 'running', started_at = $1, attempts = attempts + 1, runner = $2
          WHERE token = (
            SELECT q.token FROM submissions q WHERE q.state = 'queued'
            ORDER BY (SELECT count(*) FROM submissions r WHERE r.state = 'running' AND r.client = q.client), q.seq
            LIMIT 1
            FOR UPDATE SKIP LOCKED)
          RETURNING *`,
  claimToken: `UPDATE submissions SET state = 'running', started_at = $1, attempts = attempts + 1, runner = $2
               WHERE token = $3 AND state = 'queued'
               RETURNING *`,
  queued: `SELECT token, client FROM submissions WHERE state = 'queued' ORDER BY seq LIMIT $1`,
  release: `UPDATE submissions SET state = 'queued', started_at = NULL, attempts = greatest(attempts - 1, 0), runner = NULL
            WHERE token = $1 AND state = 'running'`,
  finish: `UPDATE submissions SET state = 'done', result = $1, finished_at = $2 WHERE token = $3 AND state = 'running'`,
  recordCallback: 'UPDATE submissions SET callback = $1 WHERE token = $2',
  requeueOrphans: `UPDATE submissions SET state = 'queued', started_at = NULL, runner = NULL
                   WHERE state = 'running' AND (runner IS NULL OR NOT (runner = ANY($1::text[])))`,
  countPending: `SELECT count(*) AS n FROM submissions WHERE state IN ('queued', 'running')`,
  countPendingOf: `SELECT count(*) AS n FROM submissions WHERE state IN ('queued', 'running') AND client = $1`,
  deleteFinished: `DELETE FROM submissions WHERE state = 'done' AND finished_at < $1`,
  delete: 'DELETE FROM submissions WHERE token = $1',
};

/** Thrown through withClient when its connection must not be reused; carries the error that counts. */
class BrokenConnection {
  constructor(readonly cause: unknown) {}
}

/**
 * Runs `fn` with a connection of the pool to itself, for several statements. While it is out of the
 * pool the connection has no listener of the pool's: one the server drops between two statements
 * would emit an 'error' nobody hears (and crash the process), so this one listens meanwhile; the
 * next statement on it then rejects. A connection that failed is given back to be discarded.
 */
async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let dropped = false;
  const onError = () => (dropped = true);
  client.on('error', onError);
  try {
    const value = await fn(client);
    client.off('error', onError);
    client.release(dropped);
    return value;
  } catch (e) {
    client.off('error', onError);
    const broken = e instanceof BrokenConnection;
    client.release(broken || dropped);
    throw broken ? e.cause : e;
  }
}

export class PostgresSubmissionStore implements SubmissionStore {
  private closed = false;

  private constructor(private readonly pool: pg.Pool) {}

  /**
   * Connects to the database at `url` (postgres://user@host:port/db) and migrates it; rejects with
   * StoreTooNewError when a newer WebCompile wrote it.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresSubmissionStore> {
    const o = { ...DEFAULTS, ...options };
    const pool = new pg.Pool({
      connectionString: url,
      max: o.maxConnections,
      connectionTimeoutMillis: o.connectionTimeoutMs,
      // The server cancels a statement past it; the client stops waiting for an answer a little
      // later (a server that stopped answering, a network gone quiet).
      statement_timeout: o.statementTimeoutMs,
      query_timeout: o.statementTimeoutMs + o.connectionTimeoutMs,
      // A transaction left open (its client gone quiet) must not hold its locks for ever.
      idle_in_transaction_session_timeout: o.statementTimeoutMs * 2,
      // Durable commits whatever the server's default: a resolved write is in the WAL on disk.
      // (A URL that sets `options` itself overrides this; open() refuses a session that is off.)
      options: '-c synchronous_commit=on',
      application_name: 'webcompile',
    });
    // An idle connection the server dropped (a restart, an administrator) emits 'error' on the
    // pool, which would crash the process unheard; the pool discards that connection and a later
    // call opens a new one, and the call in progress, if any, rejects on its own.
    pool.on('error', () => {});
    try {
      await withClient(pool, async (client) => {
        const { rows } = await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
        if (rows[0].synchronous_commit === 'off') {
          throw new Error('synchronous_commit is off for this connection: stored submissions would not be durable');
        }
        await migratePostgres(client);
      });
    } catch (e) {
      await pool.end().catch(() => {});
      throw e;
    }
    return new PostgresSubmissionStore(pool);
  }

  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    return withClient(this.pool, async (client) => {
      try {
        await client.query(begin);
        const value = await fn(client);
        await client.query('COMMIT');
        return value;
      } catch (e) {
        // A connection that cannot even roll back is broken: the pool drops it instead of reusing it.
        const rolledBack = await client.query('ROLLBACK').then(
          () => true,
          () => false,
        );
        if (!rolledBack) throw new BrokenConnection(e);
        throw e;
      }
    });
  }

  async insert(submissions: NewSubmission[]): Promise<void> {
    if (submissions.length === 0) return;
    await this.transaction(async (client) => {
      for (const n of submissions) {
        try {
          await client.query(SQL.insert, insertValues(n));
        } catch (e) {
          if (isDuplicateToken(e)) throw new DuplicateTokenError(n.token);
          throw e;
        }
      }
    });
  }

  async get(token: string): Promise<StoredSubmission | null> {
    const { rows } = await this.pool.query<Row>(SQL.get, [token]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async getMany(tokens: string[]): Promise<(StoredSubmission | null)[]> {
    if (tokens.length === 0) return [];
    // One statement: one snapshot.
    const { rows } = await this.pool.query<Row>(SQL.getMany, [tokens]);
    const byToken = new Map(rows.map((r) => [r.token, fromRow(r)]));
    return tokens.map((t) => byToken.get(t) ?? null);
  }

  async list(offset: number, limit: number): Promise<SubmissionPage> {
    // Repeatable read: the page and the total come from one snapshot, so they agree.
    return this.transaction(async (client) => {
      const page = await client.query<Row>(SQL.page, [limit, offset]);
      const count = await client.query<{ n: string }>(SQL.count);
      return { rows: page.rows.map(fromRow), total: Number(count.rows[0].n) };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async claimNext(now: number, runner: string): Promise<StoredSubmission | null> {
    const { rows } = await this.pool.query<Row>(SQL.claim, [now, runner]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async claim(token: string, now: number, runner: string): Promise<StoredSubmission | null> {
    const { rows } = await this.pool.query<Row>(SQL.claimToken, [now, runner, token]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async queued(limit: number): Promise<{ token: string; client: string }[]> {
    return (await this.pool.query<{ token: string; client: string }>(SQL.queued, [limit])).rows;
  }

  async release(token: string): Promise<boolean> {
    return ((await this.pool.query(SQL.release, [token])).rowCount ?? 0) > 0;
  }

  async finish(token: string, result: string, finishedAt: number): Promise<boolean> {
    return ((await this.pool.query(SQL.finish, [result, finishedAt, token])).rowCount ?? 0) > 0;
  }

  async recordCallback(token: string, callback: string): Promise<void> {
    await this.pool.query(SQL.recordCallback, [callback, token]);
  }

  async requeueOrphans(liveRunners: string[]): Promise<number> {
    return (await this.pool.query(SQL.requeueOrphans, [liveRunners])).rowCount ?? 0;
  }

  async countPending(client?: string): Promise<number> {
    const { rows } =
      client === undefined
        ? await this.pool.query<{ n: string }>(SQL.countPending)
        : await this.pool.query<{ n: string }>(SQL.countPendingOf, [client]);
    return Number(rows[0].n);
  }

  async deleteFinishedBefore(cutoff: number): Promise<number> {
    return (await this.pool.query(SQL.deleteFinished, [cutoff])).rowCount ?? 0;
  }

  async delete(token: string): Promise<boolean> {
    return ((await this.pool.query(SQL.delete, [token])).rowCount ?? 0) > 0;
  }

  /** Waits for the calls under way, then closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
