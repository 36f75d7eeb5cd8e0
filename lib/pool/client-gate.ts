// A cap on what one client may have going at once (runs and compiles), so that a client who sends
// many slow programs holds a few sandboxes, never all of them. Requests over the cap wait their turn
// (first come, first served within the client) rather than being refused: a grader that sends 12 at
// once still gets 12 answers, as long as each turn comes within the caller's timeout.

import { PoolAbortedError, PoolQueueFullError, PoolTimeoutError } from './errors';

export interface GateOptions {
  /** How many one client may have going at once. */
  perClient: number;
  /** How many of one client's requests may wait; the next is turned away at once. */
  maxWaiting: number;
}

export interface EnterOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

interface Entry {
  running: number;
  waiting: (() => void)[];
}

/** Gives a turn back; calling it more than once has no further effect. */
export type Leave = () => void;

export class ClientGate {
  private readonly clients = new Map<string, Entry>();

  constructor(private readonly opts: GateOptions) {}

  /** Runs going now for a client (for stats and tests). */
  running(client: string): number {
    return this.clients.get(client)?.running ?? 0;
  }

  waiting(client: string): number {
    return this.clients.get(client)?.waiting.length ?? 0;
  }

  enter(client: string, options: EnterOptions): Promise<Leave> {
    if (options.signal?.aborted) return Promise.reject(new PoolAbortedError('request aborted'));
    const e = this.clients.get(client) ?? { running: 0, waiting: [] };
    this.clients.set(client, e);
    if (e.running < this.opts.perClient && e.waiting.length === 0) {
      e.running++;
      return Promise.resolve(this.leaver(client, e));
    }
    if (e.waiting.length >= this.opts.maxWaiting) {
      return Promise.reject(
        new PoolQueueFullError(`too many requests of this client waiting (${e.waiting.length}); try again shortly`),
      );
    }
    return new Promise<Leave>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const turn = () => {
        done();
        e.running++;
        resolve(this.leaver(client, e));
      };
      const giveUp = (err: Error) => {
        done();
        const i = e.waiting.indexOf(turn);
        if (i >= 0) e.waiting.splice(i, 1);
        this.forget(client, e);
        reject(err);
      };
      const timer = setTimeout(
        () =>
          giveUp(
            new PoolTimeoutError(
              `no turn for this client within ${options.timeoutMs} ms (${this.opts.perClient} of its runs at once)`,
            ),
          ),
        options.timeoutMs,
      );
      const onAbort = () => giveUp(new PoolAbortedError('request aborted'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      e.waiting.push(turn);
    });
  }

  private leaver(client: string, e: Entry): Leave {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      e.running--;
      const next = e.waiting.shift();
      if (next) next();
      else this.forget(client, e);
    };
  }

  private forget(client: string, e: Entry): void {
    if (e.running === 0 && e.waiting.length === 0 && this.clients.get(client) === e) this.clients.delete(client);
  }
}
