// What every SubmissionStore promises, method by method, as one suite that each store's test file
// runs against its own database: tests/unit/sqlite-store.test.ts (SQLite) and
// tests/integration/postgres-store.test.ts (a real PostgreSQL). What only one store has (pragmas,
// files, advisory locks, a server that goes away) stays in its own file.
import { afterEach, describe, expect, it } from 'vitest';
import { DuplicateTokenError, type NewSubmission, type SubmissionStore } from '@/lib/store/submission-store';

/** Milliseconds since the epoch, past 32 bits: a store that narrows or stringifies them fails. */
export const T0 = 1_700_000_000_000;
export const RUNNER = 'instance-a';
export const tok = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
export const sub = (i: number, extra: Partial<NewSubmission> = {}): NewSubmission => ({
  token: tok(i),
  client: `10.0.0.${i % 256}`,
  request: JSON.stringify({ n: i }),
  createdAt: T0 + i,
  ...extra,
});
export const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Registers the suite. `open` gives a store on a new, empty database each time it is called; the
 * suite closes every store it opened after each test.
 */
export function submissionStoreContract(name: string, openStore: () => Promise<SubmissionStore>): void {
  let opened: SubmissionStore[] = [];
  const open = async () => {
    const store = await openStore();
    opened.push(store);
    return store;
  };

  describe(`${name}: the SubmissionStore contract`, () => {
    afterEach(async () => {
      for (const store of opened) await store.close();
      opened = [];
    });

    describe('insert and read', () => {
      it('stores every field, queued, with nulls where nothing happened yet', async () => {
        const store = await open();
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
        const store = await open();
        await store.insert([sub(1), sub(2), sub(3)]);
        const got = await store.getMany([tok(3), tok(9), tok(1), tok(3)]);
        expect(got.map((s) => s?.token ?? null)).toEqual([tok(3), null, tok(1), tok(3)]);
        expect(got[0]).toEqual(await store.get(tok(3)));
        expect(await store.getMany([])).toEqual([]);
      });

      it('rejects a duplicate token and stores nothing of its batch', async () => {
        const store = await open();
        await store.insert([sub(1)]);
        const err = await store.insert([sub(2), sub(1), sub(3)]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DuplicateTokenError);
        expect((err as DuplicateTokenError).token).toBe(tok(1));
        expect(await store.getMany([tok(2), tok(3)])).toEqual([null, null]);
        // twice within one batch is a duplicate too
        const twice = await store.insert([sub(4), sub(4)]).catch((e: unknown) => e);
        expect(twice).toBeInstanceOf(DuplicateTokenError);
        expect((twice as DuplicateTokenError).token).toBe(tok(4));
        expect(await store.get(tok(4))).toBeNull();
        expect((await store.list(0, 10)).total).toBe(1);
        // the store is still usable after a refused batch
        await store.insert([sub(5)]);
        expect((await store.list(0, 10)).total).toBe(2);
      });

      it('inserting nothing stores nothing', async () => {
        const store = await open();
        await store.insert([]);
        expect((await store.list(0, 10)).total).toBe(0);
      });
    });

    describe('list', () => {
      it('pages newest first by createdAt, then by insertion order, with the total of all rows', async () => {
        const store = await open();
        // 3 and 4 share a createdAt: the later inserted (4) is newer; 5 is inserted last but is oldest
        await store.insert([sub(1), sub(2), sub(3), sub(4, { createdAt: T0 + 3 }), sub(5, { createdAt: T0 })]);
        const all = await store.list(0, 10);
        expect(all.total).toBe(5);
        expect(all.rows.map((r) => r.token)).toEqual([tok(4), tok(3), tok(2), tok(1), tok(5)]);
        const second = await store.list(2, 2);
        expect(second).toEqual({ rows: all.rows.slice(2, 4), total: 5 });
        expect(await store.list(5, 2)).toEqual({ rows: [], total: 5 });
      });

      it('orders by insertion across separate inserts too', async () => {
        const store = await open();
        for (const i of [1, 2, 3]) await store.insert([sub(i, { createdAt: T0 })]);
        expect((await store.list(0, 10)).rows.map((r) => r.token)).toEqual([tok(3), tok(2), tok(1)]);
      });
    });

    describe('the queue', () => {
      it('claims the oldest queued first, marks it running by its runner and counts the attempt; null when none waits', async () => {
        const store = await open();
        // insertion order decides, not createdAt
        await store.insert([sub(2), sub(1)]);
        const first = await store.claimNext(T0 + 100, RUNNER);
        expect(first).toMatchObject({
          token: tok(2),
          state: 'running',
          startedAt: T0 + 100,
          attempts: 1,
          runner: RUNNER,
        });
        expect(await store.get(tok(2))).toEqual(first);
        expect(await store.claimNext(T0 + 101, 'instance-b')).toMatchObject({ token: tok(1), runner: 'instance-b' });
        // both running now: neither is claimed again
        expect(await store.claimNext(T0 + 102, RUNNER)).toBeNull();
        await store.finish(tok(1), '{}', T0 + 103);
        expect(await store.claimNext(T0 + 104, RUNNER)).toBeNull();
      });

      it('takes a client with fewer running first: a batch of one client does not hold back another', async () => {
        const store = await open();
        const a = (i: number) => sub(i, { client: 'a' });
        await store.insert([a(1), a(2), a(3), a(4)]);
        await store.insert([sub(5, { client: 'b' })]);
        expect((await store.claimNext(T0, RUNNER))?.token).toBe(tok(1));
        // a has one running, b none: b's, though posted last
        expect((await store.claimNext(T0, RUNNER))?.token).toBe(tok(5));
        expect((await store.claimNext(T0, RUNNER))?.token).toBe(tok(2));
      });

      it('release puts a running submission back in its place, its attempt uncounted, no runner; false when not running', async () => {
        const store = await open();
        await store.insert([sub(1), sub(2)]);
        await store.claimNext(T0 + 1, RUNNER);
        expect(await store.release(tok(1))).toBe(true);
        expect(await store.get(tok(1))).toMatchObject({ state: 'queued', startedAt: null, attempts: 0, runner: null });
        expect(await store.release(tok(1))).toBe(false);
        expect(await store.release(tok(9))).toBe(false);
        expect((await store.claimNext(T0 + 2, RUNNER))?.token).toBe(tok(1));
      });

      it('stores a submission taken at once as running, with its attempt and runner; a queued one has no runner', async () => {
        const store = await open();
        await store.insert([sub(1, { state: 'running', runner: RUNNER }), sub(3, { runner: RUNNER })]);
        expect(await store.get(tok(1))).toMatchObject({
          state: 'running',
          startedAt: T0 + 1,
          attempts: 1,
          runner: RUNNER,
        });
        expect(await store.get(tok(3))).toMatchObject({ state: 'queued', runner: null });
        await store.delete(tok(3));
        expect(await store.claimNext(T0 + 2, RUNNER)).toBeNull();
        expect(await store.countPending()).toBe(1);
      });

      it('returns null on an empty store', async () => {
        expect(await (await open()).claimNext(T0, RUNNER)).toBeNull();
      });

      it('finish stores the result of a running submission, its runner kept; false when it is not running', async () => {
        const store = await open();
        await store.insert([sub(1), sub(3)]);
        await store.claimNext(T0 + 10, RUNNER);
        expect(await store.finish(tok(1), '{"status":3}', T0 + 20)).toBe(true);
        expect(await store.get(tok(1))).toMatchObject({
          state: 'done',
          result: '{"status":3}',
          startedAt: T0 + 10,
          finishedAt: T0 + 20,
          runner: RUNNER,
        });
        // done already, unknown, queued: nothing changes
        expect(await store.finish(tok(1), '{"again":1}', T0 + 30)).toBe(false);
        expect(await store.finish(tok(2), '{}', T0 + 20)).toBe(false);
        expect(await store.finish(tok(3), '{}', T0 + 20)).toBe(false);
        expect(await store.getMany([tok(1), tok(3)])).toMatchObject([
          { result: '{"status":3}', finishedAt: T0 + 20 },
          { state: 'queued', result: null, finishedAt: null },
        ]);
      });

      it('recordCallback stores how the callback went', async () => {
        const store = await open();
        await store.insert([sub(1)]);
        await store.recordCallback(tok(1), '{"status":200}');
        expect((await store.get(tok(1)))?.callback).toBe('{"status":200}');
        await store.recordCallback(tok(2), '{}'); // unknown: nothing to record, no error
      });

      it('requeueOrphans with a new id puts every running one back (attempts kept), leaves the rest, and counts them', async () => {
        const store = await open();
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
        const store = await open();
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
        const store = await open();
        expect(await store.countPending()).toBe(0);
        await store.insert(range(4).map((i) => sub(i)));
        await store.claimNext(T0 + 10, RUNNER);
        await store.claimNext(T0 + 11, RUNNER);
        await store.finish(tok(1), '{}', T0 + 12);
        expect(await store.countPending()).toBe(3);
      });

      it("countPending of a client counts only that client's queued and running", async () => {
        const store = await open();
        await store.insert([sub(1, { client: 'a' }), sub(2, { client: 'a' }), sub(3, { client: 'b' })]);
        await store.insert([sub(4, { client: 'a' })]);
        await store.claimNext(T0, RUNNER); // a's 1 running
        await store.finish(tok(1), '{}', T0 + 1); // and done
        expect([await store.countPending('a'), await store.countPending('b'), await store.countPending('c')]).toEqual([
          2, 1, 0,
        ]);
      });

      it('claim takes the one named if it is queued, as claimNext would; null when running, done or unknown', async () => {
        const store = await open();
        await store.insert([sub(1), sub(2), sub(3)]);
        const taken = await store.claim(tok(2), T0 + 50, 'instance-b');
        expect(taken).toMatchObject({
          token: tok(2),
          state: 'running',
          startedAt: T0 + 50,
          attempts: 1,
          runner: 'instance-b',
        });
        expect(await store.get(tok(2))).toEqual(taken);
        // running now: a second claim (another worker, the same job again) gets nothing
        expect(await store.claim(tok(2), T0 + 51, RUNNER)).toBeNull();
        await store.finish(tok(2), '{}', T0 + 52);
        expect(await store.claim(tok(2), T0 + 53, RUNNER)).toBeNull();
        expect(await store.claim(tok(9), T0 + 53, RUNNER)).toBeNull();
        // the others wait as they did
        expect((await store.claimNext(T0 + 54, RUNNER))?.token).toBe(tok(1));
      });

      it('two claims of one queued submission at once: exactly one gets it', async () => {
        const store = await open();
        await store.insert([sub(1)]);
        const both = await Promise.all([store.claim(tok(1), T0, 'a'), store.claim(tok(1), T0, 'b')]);
        expect(both.filter((r) => r !== null)).toHaveLength(1);
        expect((await store.get(tok(1)))?.attempts).toBe(1);
      });

      it('queued lists the queued ones oldest first (by insertion), at most limit, not running or done', async () => {
        const store = await open();
        await store.insert([sub(3, { client: 'c' }), sub(1), sub(2)]);
        await store.insert([sub(4, { client: 'd' }), sub(5)]);
        await store.claim(tok(1), T0, RUNNER);
        await store.claim(tok(2), T0, RUNNER);
        await store.finish(tok(2), '{}', T0);
        expect(await store.queued(10)).toEqual([
          { token: tok(3), client: 'c' },
          { token: tok(4), client: 'd' },
          { token: tok(5), client: sub(5).client },
        ]);
        expect(await store.queued(2)).toEqual([
          { token: tok(3), client: 'c' },
          { token: tok(4), client: 'd' },
        ]);
      });
    });

    describe('deleting', () => {
      it('deleteFinishedBefore deletes only done rows that finished before the cutoff', async () => {
        const store = await open();
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
        const store = await open();
        await store.insert([sub(1), sub(2)]);
        await store.claimNext(T0, RUNNER);
        expect(await store.delete(tok(1))).toBe(true);
        expect(await store.get(tok(1))).toBeNull();
        expect(await store.delete(tok(1))).toBe(false);
        expect(await store.get(tok(2))).not.toBeNull();
        // a finish of the deleted row stores nothing
        expect(await store.finish(tok(1), '{}', T0)).toBe(false);
        expect(await store.get(tok(1))).toBeNull();
      });
    });

    describe('close', () => {
      it('may be called twice', async () => {
        const store = await open();
        await store.close();
        await store.close();
      });
    });
  });
}
