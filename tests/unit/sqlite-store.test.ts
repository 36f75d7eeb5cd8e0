// The SQLite store against real files in a temp folder: the contract every store keeps
// (tests/shared/store-contract.ts), then what is SQLite's own: the pragmas, the file and its schema
// version, the migrations, and two connections to one file claiming from the same queue.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, StoreTooNewError, migrate } from '@/lib/store/migrations';
import { SqliteSubmissionStore } from '@/lib/store/sqlite-store';
import { RUNNER, T0, range, sub, submissionStoreContract, tok } from '../shared/store-contract';

let dir: string;
let file: string;
let opened: SqliteSubmissionStore[];
let fresh = 0;

function open(at = file): SqliteSubmissionStore {
  const store = SqliteSubmissionStore.open(at);
  opened.push(store);
  return store;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-store-'));
  file = path.join(dir, 'nested', 'store.db');
  opened = [];
});

afterEach(async () => {
  for (const store of opened) await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Each store of the contract on a new file of this test's folder.
submissionStoreContract('SqliteSubmissionStore', async () =>
  SqliteSubmissionStore.open(path.join(dir, `contract-${++fresh}.db`)),
);

describe('SqliteSubmissionStore: the file', () => {
  it('creates the file and its folder', async () => {
    const store = open();
    expect(fs.existsSync(file)).toBe(true);
    await store.insert([sub(1)]);
    expect((await store.get(tok(1)))?.createdAt).toBe(T0 + 1);
  });

  it('runs in WAL mode with synchronous = FULL, a busy timeout and foreign keys', async () => {
    open();
    // read back through the store's own connection
    const db = (opened[0] as unknown as { db: Database.Database }).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // WAL is a property of the file: another connection sees it too
    const other = new Database(file);
    try {
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      other.close();
    }
  });

  it('keeps its rows across a reopen, at the current schema version', async () => {
    const first = open();
    await first.insert([sub(1)]);
    await first.claimNext(T0 + 5, RUNNER);
    await first.close();
    await first.close(); // idempotent
    const again = open();
    expect(await again.get(tok(1))).toMatchObject({ state: 'running', attempts: 1 });
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  it('refuses a database written by a newer schema, and leaves its version as it was', async () => {
    await open().close();
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => SqliteSubmissionStore.open(file)).toThrow(StoreTooNewError);
    expect(() => SqliteSubmissionStore.open(file)).toThrow(
      new RegExp(
        `schema version ${MIGRATIONS.length + 1} .* knows only up to ${MIGRATIONS.length}: .* newer WebCompile`,
      ),
    );
    const after = new Database(file, { readonly: true });
    try {
      expect(after.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    } finally {
      after.close();
    }
  });

  it('upgrades a file of schema version 1 to the current one, its rows kept and their runner unknown', async () => {
    const v1 = path.join(dir, 'v1.db');
    const old = new Database(v1);
    migrate(old, MIGRATIONS.slice(0, 1));
    old
      .prepare(
        `INSERT INTO submissions (token, seq, client, request, created_at, state, started_at, attempts)
         VALUES (?, ?, 'c', '{}', ?, ?, ?, ?)`,
      )
      .run(tok(1), 1, T0, 'running', T0 + 1, 1);
    old
      .prepare(`INSERT INTO submissions (token, seq, client, request, created_at) VALUES (?, 2, 'c', '{}', ?)`)
      .run(tok(2), T0 + 2);
    expect(old.pragma('user_version', { simple: true })).toBe(1);
    old.close();
    const store = open(v1);
    expect(await store.getMany([tok(1), tok(2)])).toMatchObject([
      { state: 'running', startedAt: T0 + 1, attempts: 1, runner: null },
      { state: 'queued', runner: null },
    ]);
    // a row of the old code was taken by a process that is gone
    expect(await store.requeueOrphans([RUNNER])).toBe(1);
    expect(await store.claimNext(T0 + 3, RUNNER)).toMatchObject({ token: tok(1), attempts: 2, runner: RUNNER });
    const db = new Database(v1, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(2);
    } finally {
      db.close();
    }
  });

  it('works in memory', async () => {
    const store = open(':memory:');
    await store.insert([sub(1)]);
    expect((await store.claimNext(T0, RUNNER))?.token).toBe(tok(1));
  });

  it('never hands one submission to two connections claiming from the same file', async () => {
    const a = open();
    const b = open();
    const n = 200;
    await a.insert(range(n).map((i) => sub(i)));
    const drain = async (store: SqliteSubmissionStore) => {
      const got: string[] = [];
      for (let s = await store.claimNext(T0, RUNNER); s; s = await store.claimNext(T0, RUNNER)) got.push(s.token);
      return got;
    };
    const [fromA, fromB] = await Promise.all([drain(a), drain(b)]);
    // both took part, and between them took each exactly once
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB.length).toBeGreaterThan(0);
    expect([...fromA, ...fromB].sort()).toEqual(range(n).map(tok));
    expect(await a.countPending()).toBe(n);
    expect(await b.claimNext(T0, RUNNER)).toBeNull();
  });
});

describe('migrate', () => {
  const step = (sql: string) => ({ sqlite: sql, postgres: sql });
  const count = (db: Database.Database) => db.prepare('SELECT count(*) FROM a').pluck().get();

  it('applies only the steps a database lacks, each once', () => {
    const db = new Database(':memory:');
    const steps = ['CREATE TABLE a (x INTEGER)', 'INSERT INTO a VALUES (1)'].map(step);
    migrate(db, steps);
    migrate(db, steps);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(count(db)).toBe(1);
    migrate(db, [...steps, step('INSERT INTO a VALUES (2)')]);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(count(db)).toBe(2);
    db.close();
  });

  it('rolls a failing step back whole, version included, keeping the steps before it', () => {
    const db = new Database(':memory:');
    const steps = ['CREATE TABLE a (x INTEGER)', 'CREATE TABLE b (y INTEGER); INSERT INTO missing VALUES (1)'].map(
      step,
    );
    expect(() => migrate(db, steps)).toThrow(/missing/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all()).toEqual(['a']);
    db.close();
  });
});
