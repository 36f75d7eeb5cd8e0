// Whether the engine answers, asked at most once per interval however many poll /api/health: a
// load balancer polling every 100 ms (or a crowd of them) costs the engine one ping a second.
// Callers that arrive while a ping is on its way share it.

import { errorMessage } from '../util/error-message';
import type { Engine } from './engine';

export class EngineHealth {
  private last: { at: number; problem: string | null } | null = null;
  private pending: Promise<string | null> | null = null;

  constructor(
    private readonly engine: Pick<Engine, 'ping'>,
    private readonly intervalMs = 1000,
    private readonly now: () => number = () => performance.now(),
    /** Told when the answer changes (the engine went away or came back), for the log. */
    private readonly onChange: (problem: string | null) => void = () => {},
  ) {}

  /** Null when the engine answered, else why not (the engine's own words: for operators). */
  check(): Promise<string | null> {
    if (this.last && this.now() - this.last.at < this.intervalMs) return Promise.resolve(this.last.problem);
    this.pending ??= this.engine.ping().then(
      () => this.settle(null),
      (e) => this.settle(`Docker engine does not answer: ${errorMessage(e)}`),
    );
    return this.pending;
  }

  private settle(problem: string | null): string | null {
    if ((this.last?.problem ?? null) !== problem) this.onChange(problem);
    this.last = { at: this.now(), problem };
    this.pending = null;
    return problem;
  }
}
