// Stored submissions (the Judge0 front door's async runs): what a store keeps and the small
// interface every store implements. SQLite (sqlite-store.ts) is the embedded default; a server
// database can stand behind the same interface when several instances share one queue.
// Every method is async so that a networked store fits; a method that resolves has made its write
// durable (an answered POST's row survives a crash of the process).

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
   * set, attempts + 1), or null when none waits. Two callers never get the same one.
   */
  claimNext(now: number): Promise<StoredSubmission | null>;
  /** A running submission that could not be run now goes back to `queued` (its attempt uncounted). */
  release(token: string): Promise<boolean>;
  /** Marks a running submission `done` with its result; false when it is not running (deleted, queued again). */
  finish(token: string, result: string, finishedAt: number): Promise<boolean>;
  /** Records how its callback went. */
  recordCallback(token: string, callback: string): Promise<void>;
  /** At start: every `running` submission (a crash left it) goes back to `queued`; how many did. */
  requeueRunning(): Promise<number>;
  /** Submissions not yet done (queued and running). */
  countPending(): Promise<number>;
  /** Deletes `done` submissions finished before `cutoff` (ms since the epoch); how many it deleted. */
  deleteFinishedBefore(cutoff: number): Promise<number>;
  /** Deletes one submission whatever its state; false when the token is unknown. */
  delete(token: string): Promise<boolean>;
  close(): Promise<void>;
}
