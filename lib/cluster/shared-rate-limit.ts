// A client's rate limit shared by every instance of a cluster, kept in Redis by
// rate-limiter-flexible (one counter per client and minute, changed atomically by a script). While
// Redis is down, each instance counts on its own (the library's insurance limiter) until it is back.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateDecision, RateLimit } from '../pool/rate-limit';
import type { RedisLink } from './redis';

const KEY_PREFIX = 'webcompile:rate';
const WINDOW_S = 60;

export class SharedRateLimit implements RateLimit {
  private readonly limiter: RateLimiterRedis | null;

  constructor(
    readonly perMinute: number,
    redis: RedisLink,
  ) {
    const opts = { points: perMinute, duration: WINDOW_S, keyPrefix: KEY_PREFIX };
    this.limiter =
      perMinute > 0
        ? new RateLimiterRedis({
            ...opts,
            storeClient: redis.client,
            // A Redis that is not connected is not waited for: the insurance answers at once.
            rejectIfRedisNotReady: true,
            insuranceLimiter: new RateLimiterMemory(opts),
          })
        : null;
  }

  /**
   * Takes `n` runs (at most a minute's worth, as the in-process limiter does). A refusal changes
   * nothing: the runs a refused request asked for are given back.
   */
  async take(client: string, n = 1): Promise<RateDecision> {
    if (!this.limiter) return { allowed: true, retryAfterS: 0 };
    const want = Math.min(n, this.perMinute);
    try {
      await this.limiter.consume(client, want);
      return { allowed: true, retryAfterS: 0 };
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      // consume counts even what it refuses; a refused request must not use up the next one's runs.
      await this.limiter.reward(client, want).catch(() => {});
      return { allowed: false, retryAfterS: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
    }
  }
}
