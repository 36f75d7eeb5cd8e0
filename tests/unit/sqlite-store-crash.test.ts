// What a resolved store call promised survives the process being killed (SIGKILL: no exit handlers,
// no close): the child (helpers/store-child.ts) prints a token only after the call resolved, and the
// parent checks the file after the kill. A kill leaves the OS's caches intact, so this proves the
// commit happened before the promise resolved, not the fsync (synchronous = FULL, checked by
// sqlite-store.test.ts, is what covers a power cut).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteSubmissionStore } from '@/lib/store/sqlite-store';

const root = path.resolve(__dirname, '../..');
const CHILD = path.join(__dirname, 'helpers/store-child.ts');

interface Child {
  process: ChildProcessWithoutNullStreams;
  /** Every complete line it printed so far. */
  lines: string[];
  /** Resolves once it has printed `n` lines; rejects if it ends first. */
  printed(n: number): Promise<void>;
  /** Resolves when it has ended and its output is all read. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let dir: string;
let file: string;
let children: Child[];

function start(...args: string[]): Child {
  // tsx as a loader of this Node (not `npx tsx`, which adds a process in between that a kill would
  // miss); the repository as cwd so that tsx finds tsconfig.json and its '@/' paths.
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, file, ...args], { cwd: root });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let waiting: { n: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  const settle = (ended: boolean) => {
    waiting = waiting.filter((w) => {
      if (lines.length >= w.n) w.resolve();
      else if (ended) w.reject(new Error(`child ended after ${lines.length} of ${w.n} lines: ${stderr}`));
      else return true;
      return false;
    });
  };
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    settle(false);
  });
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('close', (code, signal) => {
      settle(true);
      resolve({ code, signal });
    }),
  );
  const child: Child = {
    process: proc,
    lines,
    printed: (n) =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ n, resolve, reject });
        settle(proc.exitCode !== null || proc.signalCode !== null);
      }),
    closed,
  };
  children.push(child);
  return child;
}

async function kill(child: Child): Promise<void> {
  child.process.kill('SIGKILL');
  expect((await child.closed).signal).toBe('SIGKILL');
}

const seed = async (n: number): Promise<string[]> => {
  const tokens = Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  const store = SqliteSubmissionStore.open(file);
  await store.insert(tokens.map((token, i) => ({ token, client: 'parent', request: '{}', createdAt: 1000 + i })));
  await store.close();
  return tokens;
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-store-crash-'));
  file = path.join(dir, 'store.db');
  children = [];
});

afterEach(async () => {
  for (const child of children) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await child.closed;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SqliteSubmissionStore killed mid-work', () => {
  it('keeps every insert that resolved before the kill', { timeout: 30_000 }, async () => {
    const child = start('insert');
    await child.printed(50);
    await kill(child);
    // lines printed between reaching 50 and the kill count too: they were promised as well
    expect(child.lines.length).toBeGreaterThanOrEqual(50);
    const store = SqliteSubmissionStore.open(file);
    try {
      const stored = await store.getMany(child.lines);
      expect(stored.filter((s) => s === null)).toEqual([]);
      expect(stored.every((s) => s?.state === 'queued')).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('hands the claims of a killed worker out again after requeueOrphans', { timeout: 30_000 }, async () => {
    const tokens = await seed(10);
    const child = start('claim', '4');
    await child.printed(4);
    await kill(child);
    expect(child.lines).toEqual(tokens.slice(0, 4));
    const store = SqliteSubmissionStore.open(file);
    try {
      expect((await store.getMany(tokens.slice(0, 5))).map((s) => s?.state)).toEqual([
        'running',
        'running',
        'running',
        'running',
        'queued',
      ]);
      // the child's claims carry its runner id; the parent is a new instance that lives on
      expect((await store.get(tokens[0]))?.runner).toBe(`child-${child.process.pid}`);
      expect(await store.requeueOrphans(['parent'])).toBe(4);
      for (const token of tokens.slice(0, 4)) {
        expect(await store.claimNext(5000, 'parent')).toMatchObject({
          token,
          state: 'running',
          attempts: 2,
          startedAt: 5000,
          runner: 'parent',
        });
      }
      expect((await store.claimNext(5000, 'parent'))?.token).toBe(tokens[4]);
    } finally {
      await store.close();
    }
  });

  it('never gives one submission to two processes draining the same file', { timeout: 30_000 }, async () => {
    const tokens = await seed(400);
    const a = start('drain');
    const b = start('drain');
    // both open and waiting before either claims, so the two really compete
    await Promise.all([a.printed(1), b.printed(1)]);
    a.process.stdin.write('go\n');
    b.process.stdin.write('go\n');
    const [endA, endB] = await Promise.all([a.closed, b.closed]);
    expect([endA.code, endB.code]).toEqual([0, 0]);
    const claimedA = a.lines.slice(1);
    const claimedB = b.lines.slice(1);
    expect([...claimedA, ...claimedB].sort()).toEqual(tokens);
    expect(claimedA.length).toBeGreaterThan(0);
    expect(claimedB.length).toBeGreaterThan(0);
  });
});
