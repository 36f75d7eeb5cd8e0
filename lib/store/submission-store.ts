// Stored submissions (the Judge0 front door's async runs): what a store keeps and the small
// interface every store implements. SQLite (sqlite-store.ts) is the embedded default; PostgreSQL
// (postgres-store.ts) stands behind the same interface when several instances share one queue.
// Every method is async so that a networked store fits; a method that resolves has made its write
// durable (an answered POST's row survives a crash of the process).
import { brandedError } from '@/lib/util/branded-error';

/** An inserted token is already stored (or appears twice in one batch); nothing of the batch was stored. */
export class DuplicateTokenError extends brandedError('DuplicateTokenError') {
  constructor(readonly token: string) {
    super(`submission ${token} is already stored`);
  }
}

/** Where a submission is in its life: waiting for a worker, being run, or done. */
export type SubmissionState = 'queued' | 'running' | 'done';

export interface NewSubmission {
  /** A v4 UUID, the client's handle. */
  token: string;
  /** Who sent it (an address): the worker runs it as that client, so sharing stays fair. */
  client: string;
  /** The request as the front door checked it (JSON text; opaque to the store). */
  request: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Submissions posted in one batch share an id (null for a single one). */
  batchId?: string | null;
  /** `running`: taken at once by the request that stored it (Judge0's wait=true); `queued` by default. */
  state?: 'queued' | 'running';
  /** With `state: 'running'`: the instance that took it (see StoredSubmission.runner); ignored when queued. */
  runner?: string | null;
}

export interface StoredSubmission {
  token: string;
  client: string;
  request: string;
  batchId: string | null;
  state: SubmissionState;
  /** The outcome (JSON text; opaque to the store); null until done. */
  result: string | null;
  createdAt: number;
  /** When a worker last took it (null while it waits). */
  startedAt: number | null;
  finishedAt: number | null;
  /** How many times a worker took it: more than 1 after a crash mid-run. */
  attempts: number;
  /**
   * The instance that took it last (its runtime's id), kept when it is done; null while it waits, and
   * for rows taken before the store knew runners.
   */
  runner: string | null;
  /** How the callback went (JSON text; opaque to the store); null when none was made. */
  callback: string | null;
}

export interface SubmissionPage {
  /** Newest first. */
  rows: StoredSubmission[];
  total: number;
}

export interface SubmissionStore {
  /** Stores them all or none (one transaction), each `queued` unless it says `running`. */
  insert(submissions: NewSubmission[]): Promise<void>;
  get(token: string): Promise<StoredSubmission | null>;
  /** In the order of `tokens`; null where a token is unknown. */
  getMany(tokens: string[]): Promise<(StoredSubmission | null)[]>;
  /** Newest first (by createdAt, then insertion order). */
  list(offset: number, limit: number): Promise<SubmissionPage>;
  /**
   * The oldest queued submission of the clients with the fewest running, now `running` (startedAt
   * set, attempts + 1, taken by `runner`), or null when none waits. Two callers never get the same
   * one, even on different connections or in different processes.
   */
  claimNext(now: number, runner: string): Promise<StoredSubmission | null>;
  /**
   * That one submission, now `running` as claimNext would make it, if it is queued; null when it is
   * not (running, done, unknown). The job queue's way in: it names which row a worker runs.
   */
  claim(token: string, now: number, runner: string): Promise<StoredSubmission | null>;
  /** The oldest `limit` queued submissions (token and client), oldest first. */
  queued(limit: number): Promise<{ token: string; client: string }[]>;
  /** A running submission that could not be run now goes back to `queued` (its attempt uncounted, no runner). */
  release(token: string): Promise<boolean>;
  /** Marks a running submission `done` with its result; false when it is not running (deleted, queued again). */
  finish(token: string, result: string, finishedAt: number): Promise<boolean>;
  /** Records how its callback went. */
  recordCallback(token: string, callback: string): Promise<void>;
  /**
   * Every `running` submission whose runner is not among `liveRunners` (a null runner never is) goes
   * back to `queued` (no start, no runner, its attempts kept: the lost run counts); how many did. A
   * single instance at start passes only its own new id, so all that earlier processes left running
   * is queued again; in a cluster each instance passes the live instances' ids now and then.
   */
  requeueOrphans(liveRunners: string[]): Promise<number>;
  /** Submissions not yet done (queued and running), of every client or of one. */
  countPending(client?: string): Promise<number>;
  /** Deletes `done` submissions finished before `cutoff` (ms since the epoch); how many it deleted. */
  deleteFinishedBefore(cutoff: number): Promise<number>;
  /** Deletes one submission whatever its state; false when the token is unknown. */
  delete(token: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A new row's values in the order both stores' INSERT names its columns: token, client, request,
 * batch_id, created_at, state, started_at, attempts, runner. */
export function insertValues(
  n: NewSubmission,
): [string, string, string, string | null, number, SubmissionState, number | null, number, string | null] {
  const running = n.state === 'running';
  return [
    n.token,
    n.client,
    n.request,
    n.batchId ?? null,
    n.createdAt,
    running ? 'running' : 'queued',
    running ? n.createdAt : null,
    running ? 1 : 0,
    running ? (n.runner ?? null) : null,
  ];
}
