import { describe, expect, it } from 'vitest';
import { FairQueue } from '@/lib/pool/fair-queue';

describe('FairQueue', () => {
  it('lets clients take turns, each in its own order', () => {
    const q = new FairQueue<string>();
    for (let i = 1; i <= 4; i++) q.push('flood', `f${i}`);
    q.push('victim', 'v1');
    q.push('other', 'o1');
    q.push('victim', 'v2');
    expect(q.size).toBe(7);
    expect(q.drain()).toEqual(['f1', 'v1', 'o1', 'f2', 'v2', 'f3', 'f4']);
    expect(q.size).toBe(0);
  });

  it('puts a client that was just served behind the others', () => {
    const q = new FairQueue<string>();
    q.push('a', 'a1');
    q.push('a', 'a2');
    expect(q.shift()).toBe('a1');
    q.push('b', 'b1');
    expect(q.shift()).toBe('a2'); // a's turn came before b arrived
    q.push('a', 'a3');
    expect(q.shift()).toBe('b1');
    expect(q.shift()).toBe('a3');
    expect(q.shift()).toBeUndefined();
  });

  it('removes a waiter that gave up, and pops the newest of the last client in turn', () => {
    const q = new FairQueue<string>();
    q.push('a', 'a1');
    q.push('b', 'b1');
    q.push('b', 'b2');
    expect(q.remove('a', 'a1')).toBe(true);
    expect(q.remove('a', 'a1')).toBe(false);
    expect(q.sizeOf('b')).toBe(2);
    expect(q.pop()).toBe('b2');
    expect(q.drain()).toEqual(['b1']);
  });
});
