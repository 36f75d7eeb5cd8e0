import { describe, expect, it } from 'vitest';
import { RateLimiter } from '@/lib/pool/rate-limit';

describe('RateLimiter', () => {
  it('allows the burst, then refuses with Retry-After', () => {
    const now = 0;
    const rl = new RateLimiter(3, () => now);
    expect([1, 2, 3].map(() => rl.take('a').allowed)).toEqual([true, true, true]);
    const refused = rl.take('a');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterS).toBe(20); // one token per 20 s at 3 a minute
  });

  it('refills over time', () => {
    let now = 0;
    const rl = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) rl.take('a');
    expect(rl.take('a').allowed).toBe(false);
    now += 1000;
    expect(rl.take('a').allowed).toBe(true);
  });

  it('keeps clients apart', () => {
    const rl = new RateLimiter(1, () => 0);
    expect(rl.take('a').allowed).toBe(true);
    expect(rl.take('b').allowed).toBe(true);
    expect(rl.take('a').allowed).toBe(false);
  });

  it('0 turns it off', () => {
    const rl = new RateLimiter(0);
    for (let i = 0; i < 1000; i++) expect(rl.take('a').allowed).toBe(true);
  });

  it('forgets the least recently seen client past its memory cap', () => {
    const rl = new RateLimiter(1, () => 0, 2);
    rl.take('a');
    rl.take('b');
    rl.take('c'); // evicts a
    expect(rl.take('a').allowed).toBe(true);
  });
});
