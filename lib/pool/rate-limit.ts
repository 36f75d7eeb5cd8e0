// Per-client token buckets: `perMinute` runs a minute, refilled continuously, burst up to the same
// number. 0 turns limiting off. Idle buckets are forgotten so memory stays bounded.

export interface RateDecision {
  allowed: boolean;
  /** Seconds until one token is back (when refused). */
  retryAfterS: number;
}

/** What the front doors take runs from: this process's buckets, or a limit a cluster shares. */
export interface RateLimit {
  /** Runs a minute per client; 0: no limit. */
  readonly perMinute: number;
  take(client: string, n?: number): RateDecision | Promise<RateDecision>;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter implements RateLimit {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxClients = 100_000,
  ) {}

  /**
   * Takes `n` tokens at once, or none. A request of more runs than a minute's budget needs a full
   * bucket (it could never be served otherwise).
   */
  take(client: string, n = 1): RateDecision {
    if (this.perMinute <= 0) return { allowed: true, retryAfterS: 0 };
    const want = Math.min(n, this.perMinute);
    const t = this.now();
    const ratePerMs = this.perMinute / 60_000;
    const b = this.buckets.get(client) ?? { tokens: this.perMinute, at: t };
    b.tokens = Math.min(this.perMinute, b.tokens + (t - b.at) * ratePerMs);
    b.at = t;
    // Re-insert so the Map's order is least recently used first.
    this.buckets.delete(client);
    this.buckets.set(client, b);
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= want) {
      b.tokens -= want;
      return { allowed: true, retryAfterS: 0 };
    }
    return { allowed: false, retryAfterS: Math.max(1, Math.ceil((want - b.tokens) / ratePerMs / 1000)) };
  }
}
