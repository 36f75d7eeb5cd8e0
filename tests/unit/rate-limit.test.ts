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

  it('takes several tokens at once or none, and a request larger than the budget needs a full bucket', () => {
    let now = 0;
    const rl = new RateLimiter(6, () => now);
    expect(rl.take('a', 4).allowed).toBe(true);
    const refused = rl.take('a', 3);
    expect(refused).toEqual({ allowed: false, retryAfterS: 10 }); // one token short, at one per 10 s
    expect(rl.take('a', 2).allowed).toBe(true); // the refusal took nothing
    now += 60_000;
    expect(rl.take('a', 100).allowed).toBe(true);
    expect(rl.take('a').allowed).toBe(false);
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
