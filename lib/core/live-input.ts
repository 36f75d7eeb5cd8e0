// The stdin of an interactive run: a front door writes what the user types as it comes, and the
// sandbox run connects it to the program once the sandbox's agent has the job. What is written before
// that (while the job waits for its turn or compiles, or a dead sandbox is replaced) is kept and
// arrives first. A cap on the bytes in all keeps one session from filling the server's memory.

export interface InputSink {
  write(chunk: Buffer): void;
  end(): void;
}

export class InputLimitError extends Error {}

export class LiveInput {
  private sink: InputSink | null = null;
  private pending: Buffer[] = [];
  private ended = false;
  private total = 0;
  /** Told of every chunk the program gets (the idle limit counts input as activity). */
  onActivity: (() => void) | null = null;

  constructor(private readonly maxBytes: number) {}

  /** Throws InputLimitError past the cap (nothing of that chunk is sent). */
  write(chunk: Buffer | string): void {
    if (this.ended) return;
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (b.length === 0) return;
    if (this.total + b.length > this.maxBytes) {
      throw new InputLimitError(`stdin passed the ${this.maxBytes}-byte limit of an interactive run`);
    }
    this.total += b.length;
    if (this.sink) {
      this.sink.write(b);
      this.onActivity?.();
    } else this.pending.push(b);
  }

  /**
   * Input that comes before everything written so far (a session's first input, known only once its
   * start was checked, while typing may have begun). Checked by the front door: counted, never refused.
   */
  unshift(chunk: Buffer | string): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (b.length === 0 || this.ended) return;
    if (this.sink) throw new Error('the program already reads its input');
    this.total += b.length;
    this.pending.unshift(b);
  }

  /** End of input: the program reads EOF after what was written. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.sink?.end();
  }

  /** The sandbox run's side: what was written so far (and not sent elsewhere) arrives at once. */
  connect(sink: InputSink): void {
    this.sink = sink;
    for (const b of this.pending.splice(0)) sink.write(b);
    if (this.ended) sink.end();
  }

  /** That sandbox is done with: what comes later waits for the next (a retry) or for nobody. */
  detach(): void {
    this.sink = null;
  }
}
