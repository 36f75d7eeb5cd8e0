// The SQLite store against real files in a temp folder: every method, the migrations, the pragmas,
// and two connections to one file claiming from the same queue.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, StoreTooNewError, migrate } from '@/lib/store/migrations';
import { DuplicateTokenError, SqliteSubmissionStore } from '@/lib/store/sqlite-store';
import type { NewSubmission } from '@/lib/store/submission-store';

let dir: string;
let file: string;
let opened: SqliteSubmissionStore[];

function open(at = file): SqliteSubmissionStore {
  const store = SqliteSubmissionStore.open(at);
  opened.push(store);
  return store;
}

const T0 = 1_700_000_000_000;
const RUNNER = 'instance-a';
const tok = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const sub = (i: number, extra: Partial<NewSubmission> = {}): NewSubmission => ({
  token: tok(i),
  client: `10.0.0.${i % 256}`,
  request: JSON.stringify({ n: i }),
  createdAt: T0 + i,
  ...extra,
});
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-store-'));
  file = path.join(dir, 'nested', 'store.db');
  opened = [];
});

afterEach(async () => {
  for (const store of opened) await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SqliteSubmissionStore: insert and read', () => {
  it('stores every field, queued, with nulls where nothing happened yet (and creates the folder)', async () => {
    const store = open();
    expect(fs.existsSync(file)).toBe(true);
    await store.insert([sub(1), sub(2, { batchId: 'b-1' })]);
    expect(await store.get(tok(1))).toEqual({
      token: tok(1),
      client: '10.0.0.1',
      request: '{"n":1}',
      batchId: null,
      state: 'queued',
      result: null,
      createdAt: T0 + 1,
      startedAt: null,
      finishedAt: null,
      attempts: 0,
      runner: null,
      callback: null,
    });
    expect((await store.get(tok(2)))?.batchId).toBe('b-1');
    expect(await store.get(tok(3))).toBeNull();
  });

  it('getMany answers in the order asked, null for unknown tokens', async () => {
    const store = open();
    await store.insert([sub(1), sub(2), sub(3)]);
    const got = await store.getMany([tok(3), tok(9), tok(1), tok(3)]);
    expect(got.map((s) => s?.token ?? null)).toEqual([tok(3), null, tok(1), tok(3)]);
    expect(await store.getMany([])).toEqual([]);
  });

  it('rejects a duplicate token and stores nothing of its batch', async () => {
    const store = open();
    await store.insert([sub(1)]);
    const err = await store.insert([sub(2), sub(1), sub(3)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DuplicateTokenError);
    expect((err as DuplicateTokenError).token).toBe(tok(1));
    expect(await store.getMany([tok(2), tok(3)])).toEqual([null, null]);
    // twice within one batch is a duplicate too
    await expect(store.insert([sub(4), sub(4)])).rejects.toBeInstanceOf(DuplicateTokenError);
    expect(await store.get(tok(4))).toBeNull();
    expect((await store.list(0, 10)).total).toBe(1);
  });
});

describe('SqliteSubmissionStore: list', () => {
  it('pages newest first by createdAt, then by insertion order, with the total of all rows', async () => {
    const store = open();
    // 3 and 4 share a createdAt: the later inserted (4) is newer; 5 is inserted last but is oldest
    await store.insert([sub(1), sub(2), sub(3), sub(4, { createdAt: T0 + 3 }), sub(5, { createdAt: T0 })]);
    const all = await store.list(0, 10);
    expect(all.total).toBe(5);
    expect(all.rows.map((r) => r.token)).toEqual([tok(4), tok(3), tok(2), tok(1), tok(5)]);
    const second = await store.list(2, 2);
    expect(second).toEqual({ rows: all.rows.slice(2, 4), total: 5 });
    expect(await store.list(5, 2)).toEqual({ rows: [], total: 5 });
  });
});

describe('SqliteSubmissionStore: the queue', () => {
  it('claims the oldest queued first, marks it running and counts the attempt; null when none waits', async () => {
    const store = open();
    // insertion order decides, not createdAt
    await store.insert([sub(2), sub(1)]);
    const first = await store.claimNext(T0 + 100, RUNNER);
    expect(first).toMatchObject({ token: tok(2), state: 'running', startedAt: T0 + 100, attempts: 1, runner: RUNNER });
    expect(await store.get(tok(2))).toEqual(first);
    expect((await store.claimNext(T0 + 101, RUNNER))?.token).toBe(tok(1));
    // both running now: neither is claimed again
    expect(await store.claimNext(T0 + 102, RUNNER)).toBeNull();
    await store.finish(tok(1), '{}', T0 + 103);
    expect(await store.claimNext(T0 + 104, RUNNER)).toBeNull();
  });

  it('takes a client with fewer running first: a batch of one client does not hold back another', async () => {
    const store = open();
    const a = (i: number) => sub(i, { client: 'a' });
    await store.insert([a(1), a(2), a(3), a(4)]);
    await store.insert([sub(5, { client: 'b' })]);
    expect((await store.claimNext(T0, RUNNER))?.token).toBe(tok(1));
    // a has one running, b none: b's, though posted last
    expect((await store.claimNext(T0, RUNNER))?.token).toBe(tok(5));
    expect((await store.claimNext(T0, RUNNER))?.token).toBe(tok(2));
  });

  it('release puts a running submission back in its place, its attempt uncounted; false when not running', async () => {
    const store = open();
    await store.insert([sub(1), sub(2)]);
    await store.claimNext(T0 + 1, RUNNER);
    expect(await store.release(tok(1))).toBe(true);
    expect(await store.get(tok(1))).toMatchObject({ state: 'queued', startedAt: null, attempts: 0, runner: null });
    expect(await store.release(tok(1))).toBe(false);
    expect((await store.claimNext(T0 + 2, RUNNER))?.token).toBe(tok(1));
  });

  it('stores a submission taken at once as running, with its attempt and runner; a queued one has no runner', async () => {
    const store = open();
    await store.insert([sub(1, { state: 'running', runner: RUNNER }), sub(3, { runner: RUNNER })]);
    expect(await store.get(tok(1))).toMatchObject({ state: 'running', startedAt: T0 + 1, attempts: 1, runner: RUNNER });
    expect(await store.get(tok(3))).toMatchObject({ state: 'queued', runner: null });
    await store.delete(tok(3));
    expect(await store.claimNext(T0 + 2, RUNNER)).toBeNull();
    expect(await store.countPending()).toBe(1);
  });

  it('returns null on an empty store', async () => {
    expect(await open().claimNext(T0, RUNNER)).toBeNull();
  });

  it('finish stores the result; false for an unknown token', async () => {
    const store = open();
    await store.insert([sub(1)]);
    await store.claimNext(T0 + 10, RUNNER);
    expect(await store.finish(tok(1), '{"status":3}', T0 + 20)).toBe(true);
    expect(await store.get(tok(1))).toMatchObject({
      state: 'done',
      result: '{"status":3}',
      startedAt: T0 + 10,
      finishedAt: T0 + 20,
    });
    expect(await store.finish(tok(2), '{}', T0 + 20)).toBe(false);
  });

  it('recordCallback stores how the callback went', async () => {
    const store = open();
    await store.insert([sub(1)]);
    await store.recordCallback(tok(1), '{"status":200}');
    expect((await store.get(tok(1)))?.callback).toBe('{"status":200}');
    await store.recordCallback(tok(2), '{}'); // unknown: nothing to record, no error
  });

  it('requeueOrphans with a new id puts every running one back (attempts kept), leaves the rest, and counts them', async () => {
    const store = open();
    await store.insert([sub(1), sub(2), sub(3), sub(4, { state: 'running' })]);
    await store.claimNext(T0 + 10, RUNNER); // 1 running
    await store.claimNext(T0 + 11, RUNNER); // 2 running
    await store.finish(tok(2), '{}', T0 + 12); // 2 done; 4 running with no runner
    expect(await store.requeueOrphans(['instance-b'])).toBe(2);
    expect(await store.get(tok(1))).toMatchObject({ state: 'queued', startedAt: null, attempts: 1, runner: null });
    expect(await store.get(tok(4))).toMatchObject({ state: 'queued', startedAt: null, attempts: 1, runner: null });
    expect(await store.get(tok(2))).toMatchObject({ state: 'done', runner: RUNNER });
    expect(await store.requeueOrphans(['instance-b'])).toBe(0);
    // back at the head of the queue: it was inserted first
    expect(await store.claimNext(T0 + 20, 'instance-b')).toMatchObject({
      token: tok(1),
      attempts: 2,
      startedAt: T0 + 20,
      runner: 'instance-b',
    });
  });

  it("requeueOrphans keeps the live runners' rows and puts back those of the others and of none", async () => {
    const store = open();
    await store.insert(range(5).map((i) => sub(i)));
    await store.claimNext(T0, 'a');
    await store.claimNext(T0, 'b');
    await store.claimNext(T0, 'c');
    await store.insert([sub(6, { state: 'running' })]); // no runner
    expect(await store.requeueOrphans(['a', 'c', 'z'])).toBe(2);
    expect((await store.getMany([1, 2, 3, 4, 6].map(tok))).map((s) => [s?.state, s?.runner])).toEqual([
      ['running', 'a'],
      ['queued', null],
      ['running', 'c'],
      ['queued', null],
      ['queued', null],
    ]);
    // no live runner at all: every running row is an orphan
    expect(await store.requeueOrphans([])).toBe(2);
    expect(await store.countPending()).toBe(6);
    expect(await store.claimNext(T0, 'd')).toMatchObject({ token: tok(1), attempts: 2 });
  });

  it('countPending counts queued and running, not done', async () => {
    const store = open();
    expect(await store.countPending()).toBe(0);
    await store.insert(range(4).map((i) => sub(i)));
    await store.claimNext(T0 + 10, RUNNER);
    await store.claimNext(T0 + 11, RUNNER);
    await store.finish(tok(1), '{}', T0 + 12);
    expect(await store.countPending()).toBe(3);
  });
});

describe('SqliteSubmissionStore: deleting', () => {
  it('deleteFinishedBefore deletes only done rows that finished before the cutoff', async () => {
    const store = open();
    await store.insert(range(4).map((i) => sub(i)));
    for (let i = 0; i < 3; i++) await store.claimNext(T0, RUNNER);
    await store.finish(tok(1), '{}', T0 + 100);
    await store.finish(tok(2), '{}', T0 + 200);
    // 3 running, 4 queued: old but not done
    expect(await store.deleteFinishedBefore(T0 + 200)).toBe(1);
    expect((await store.getMany(range(4).map(tok))).map((s) => s?.state ?? null)).toEqual([
      null,
      'done',
      'running',
      'queued',
    ]);
    expect(await store.deleteFinishedBefore(T0 + 10_000)).toBe(1);
    expect((await store.list(0, 10)).total).toBe(2);
  });

  it('delete removes one row whatever its state; false when unknown', async () => {
    const store = open();
    await store.insert([sub(1), sub(2)]);
    await store.claimNext(T0, RUNNER);
    expect(await store.delete(tok(1))).toBe(true);
    expect(await store.get(tok(1))).toBeNull();
    expect(await store.delete(tok(1))).toBe(false);
    expect(await store.get(tok(2))).not.toBeNull();
  });
});

describe('SqliteSubmissionStore: the file', () => {
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
