// The PostgreSQL store against a real server (scripts/services.sh, one for this file), each test on
// a database of its own: the contract every store keeps (tests/shared/store-contract.ts), then what
// is PostgreSQL's own: the session's settings, claims from two pools at once, migrations from two
// instances at once, a database too new or at version 1, and the server killed (-9) and restarted
// under a store that stays open.
import fs from 'node:fs';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, PG_MIGRATION_LOCK, StoreTooNewError, migratePostgres } from '@/lib/store/migrations';
import { openSubmissionStore } from '@/lib/store/open-store';
import { PostgresSubmissionStore } from '@/lib/store/postgres-store';
import { RUNNER, T0, range, sub, submissionStoreContract, tok } from '../shared/store-contract';
import { startPostgres, type ServiceProcess } from './helpers/services';

let server: ServiceProcess;
let databases = 0;
const stores: PostgresSubmissionStore[] = [];

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  for (const store of stores) await store.close();
  if (server) {
    await server.kill();
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});

/** The URL of `db` on the test's server. */
const urlOf = (db: string) => server.url.replace(/\/webcompile$/, `/${db}`);

/** Runs `fn` on a connection of its own to `db` (the server's own database by default). */
async function withClient<T>(fn: (c: pg.Client) => Promise<T>, db = 'webcompile'): Promise<T> {
  const c = new pg.Client({ connectionString: urlOf(db) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A new, empty database's name. */
async function freshDatabase(): Promise<string> {
  const name = `t_${++databases}`;
  await withClient((c) => c.query(`CREATE DATABASE ${name}`));
  return name;
}

async function open(db: string): Promise<PostgresSubmissionStore> {
  const store = await PostgresSubmissionStore.open(urlOf(db));
  stores.push(store);
  return store;
}

async function until<T>(check: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const schemaVersion = (db: string) =>
  withClient(async (c) => (await c.query('SELECT version FROM webcompile_schema')).rows[0].version as number, db);

/** Connections of `db` waiting for an advisory lock. */
const waitingForLock = (db: string) =>
  withClient(async (c) => {
    const { rows } = await c.query(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
       WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1`,
      [db],
    );
    return rows[0].n as number;
  });

/**
 * Starts `work` with the migration lock of `db` held by another connection, lets it go once
 * `contenders` connections wait for it (so that they really start at once), and resolves with what
 * `work` gave.
 */
async function raceForMigrationLock<T>(db: string, contenders: number, work: () => Promise<T>): Promise<T> {
  const holder = new pg.Client({ connectionString: urlOf(db) });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1::bigint)', [PG_MIGRATION_LOCK]);
    const done = work();
    await until(async () => (await waitingForLock(db)) === contenders, `${contenders} migrations to wait`);
    await holder.query('COMMIT');
    return await done;
  } finally {
    await holder.end();
  }
}

submissionStoreContract('PostgresSubmissionStore', async () =>
  PostgresSubmissionStore.open(urlOf(await freshDatabase())),
);

describe('PostgresSubmissionStore: the database', () => {
  it('runs with synchronous_commit on and a statement timeout, at the current schema version', async () => {
    const db = await freshDatabase();
    const store = await open(db);
    const pool = (store as unknown as { pool: pg.Pool }).pool;
    expect((await pool.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('on');
    expect((await pool.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('15s');
    expect(await schemaVersion(db)).toBe(MIGRATIONS.length);
  });

  it('never hands one submission to two stores claiming from one queue, and together they take all', async () => {
    const db = await freshDatabase();
    const a = await open(db);
    const b = await open(db);
    const n = 300;
    await a.insert(range(n).map((i) => sub(i)));
    const drain = async (store: PostgresSubmissionStore, runner: string) => {
      const got: string[] = [];
      for (let s = await store.claimNext(T0, runner); s; s = await store.claimNext(T0, runner)) got.push(s.token);
      return got;
    };
    // several claims at once from each pool, on connections of their own
    const [fromA, fromB] = await Promise.all(
      [a, b].map(async (store, i) => (await Promise.all(range(4).map(() => drain(store, `runner-${i}`)))).flat()),
    );
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB.length).toBeGreaterThan(0);
    expect([...fromA, ...fromB].sort()).toEqual(range(n).map(tok));
    // each taken once: one attempt each, by the store that got it
    const rows = await a.getMany(range(n).map(tok));
    expect(rows.every((r) => r?.state === 'running' && r.attempts === 1)).toBe(true);
    expect(
      rows
        .filter((r) => r?.runner === 'runner-0')
        .map((r) => r!.token)
        .sort(),
    ).toEqual([...fromA].sort());
    expect(await b.claimNext(T0, RUNNER)).toBeNull();
  });

  it('applies each migration step once when two instances open a new database at once', async () => {
    const db = await freshDatabase();
    const [a, b] = await raceForMigrationLock(db, 2, () => Promise.all([open(db), open(db)]));
    expect(await schemaVersion(db)).toBe(MIGRATIONS.length);
    await a.insert([sub(1)]);
    expect((await b.claimNext(T0, RUNNER))?.token).toBe(tok(1));
  });

  it('migratePostgres from three connections at once applies every step exactly once', async () => {
    const db = await freshDatabase();
    const steps = ['CREATE TABLE a (x integer)', 'INSERT INTO a VALUES (1)', 'INSERT INTO a VALUES (2)'].map((sql) => ({
      sqlite: sql,
      postgres: sql,
    }));
    await raceForMigrationLock(db, 3, () =>
      Promise.all(range(3).map(() => withClient((c) => migratePostgres(c, steps), db))),
    );
    expect(await withClient(async (c) => (await c.query('SELECT x FROM a ORDER BY x')).rows, db)).toEqual([
      { x: 1 },
      { x: 2 },
    ]);
    expect(await schemaVersion(db)).toBe(3);
  });

  it('rolls a failing step back whole, version included, keeping the steps before it', async () => {
    const db = await freshDatabase();
    const steps = ['CREATE TABLE a (x integer)', 'CREATE TABLE b (y integer); INSERT INTO missing VALUES (1)'].map(
      (sql) => ({ sqlite: sql, postgres: sql }),
    );
    await expect(withClient((c) => migratePostgres(c, steps), db)).rejects.toThrow(/missing/);
    expect(await schemaVersion(db)).toBe(1);
    const tables = await withClient(
      async (c) =>
        (await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows,
      db,
    );
    expect(tables).toEqual([{ tablename: 'a' }, { tablename: 'webcompile_schema' }]);
  });

  it('refuses a database written by a newer schema, and leaves its version as it was', async () => {
    const db = await freshDatabase();
    await (await open(db)).close();
    await withClient((c) => c.query('UPDATE webcompile_schema SET version = $1', [MIGRATIONS.length + 1]), db);
    const err = await PostgresSubmissionStore.open(urlOf(db)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreTooNewError);
    expect((err as Error).message).toMatch(
      new RegExp(`database ${db} is at schema version ${MIGRATIONS.length + 1} .* newer WebCompile`),
    );
    expect(await schemaVersion(db)).toBe(MIGRATIONS.length + 1);
  });

  it('upgrades a database of schema version 1 to the current one, its rows kept and their runner unknown', async () => {
    const db = await freshDatabase();
    await withClient(async (c) => {
      await migratePostgres(c, MIGRATIONS.slice(0, 1));
      await c.query(
        `INSERT INTO submissions (token, client, request, created_at, state, started_at, attempts)
         VALUES ($1, 'c', '{}', $2, 'running', $3, 1), ($4, 'c', '{}', $5, 'queued', NULL, 0)`,
        [tok(1), T0, T0 + 1, tok(2), T0 + 2],
      );
    }, db);
    expect(await schemaVersion(db)).toBe(1);
    const store = await open(db);
    expect(await schemaVersion(db)).toBe(2);
    expect(await store.getMany([tok(1), tok(2)])).toMatchObject([
      { state: 'running', startedAt: T0 + 1, attempts: 1, runner: null },
      { state: 'queued', runner: null },
    ]);
    expect(await store.requeueOrphans([RUNNER])).toBe(1);
    expect(await store.claimNext(T0 + 3, RUNNER)).toMatchObject({ token: tok(1), attempts: 2, runner: RUNNER });
  });

  it('is the store openSubmissionStore opens when WEBCOMPILE_DATABASE_URL is set', async () => {
    const db = await freshDatabase();
    const store = await openSubmissionStore({ databaseUrl: urlOf(db), judge0Db: '/nonexistent/judge0.sqlite' });
    try {
      expect(store).toBeInstanceOf(PostgresSubmissionStore);
      await store.insert([sub(1)]);
      expect(await withClient(async (c) => (await c.query('SELECT token FROM submissions')).rows, db)).toEqual([
        { token: tok(1) },
      ]);
    } finally {
      await store.close();
    }
  });

  it('fails to open, instead of waiting for ever, against a server that accepts and never answers', async () => {
    const silent = net.createServer(() => {});
    const sockets: net.Socket[] = [];
    silent.on('connection', (s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as net.AddressInfo;
    try {
      await expect(
        PostgresSubmissionStore.open(`postgres://webcompile@127.0.0.1:${port}/webcompile`, {
          connectionTimeoutMs: 300,
        }),
      ).rejects.toThrow(/timeout/i);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});

// Last: these kill the file's server and start it again on the same data.
describe('PostgresSubmissionStore: the server killed and restarted', () => {
  it('keeps every insert that resolved before the server was killed (-9)', async () => {
    const db = await freshDatabase();
    const store = await open(db);
    const resolved: string[] = [];
    let next = 0;
    let stopped = false;
    // Four writers, each one insert at a time, until the server is gone.
    const writers = range(4).map(async () => {
      while (!stopped) {
        const token = tok(++next);
        try {
          await store.insert([{ token, client: 'c', request: '{}', createdAt: T0 + next }]);
          resolved.push(token);
        } catch {
          stopped = true;
        }
      }
    });
    await until(async () => resolved.length >= 100, '100 inserts');
    await server.kill();
    await Promise.all(writers);
    const kept = resolved.length;
    server = await startPostgres({ dir: server.dir, port: server.port });
    const stored = await store.getMany(resolved);
    expect(stored.filter((s) => s === null)).toEqual([]);
    expect(stored.length).toBe(kept);
    expect(stored.every((s) => s?.state === 'queued')).toBe(true);
  });

  it('rejects calls while the server is down, and the same store works again once it is back', async () => {
    const db = await freshDatabase();
    const store = await open(db);
    await store.insert([sub(1)]);
    await server.kill();
    await expect(store.get(tok(1))).rejects.toThrow();
    await expect(store.insert([sub(2)])).rejects.toThrow();
    await expect(store.claimNext(T0, RUNNER)).rejects.toThrow();
    await expect(store.list(0, 10)).rejects.toThrow();
    server = await startPostgres({ dir: server.dir, port: server.port });
    expect((await store.get(tok(1)))?.state).toBe('queued');
    await store.insert([sub(2)]);
    expect(await store.claimNext(T0, RUNNER)).toMatchObject({ token: tok(1), runner: RUNNER });
    expect((await store.list(0, 10)).total).toBe(2);
  });
});
