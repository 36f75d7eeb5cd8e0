import { describe, expect, it } from 'vitest';
import { CompileCache, cacheKey } from '@/lib/compiler/compile-cache';
import { ResponseReader, encodeRequest, type CompileResponse } from '@/lib/compiler/protocol';

const resp = (n: number): CompileResponse => ({ exitCode: 0, messages: '', assembly: Buffer.alloc(n) });

describe('cacheKey', () => {
  it('changes with the source, the settings and the compiler image', () => {
    const base = cacheKey(['csharp', 'sha256:img', '-out:main.exe main.cs', 'class A {}']);
    expect(cacheKey(['csharp', 'sha256:img', '-out:main.exe main.cs', 'class A {}'])).toBe(base);
    expect(cacheKey(['csharp', 'sha256:img', '-out:main.exe main.cs', 'class A { }'])).not.toBe(base);
    expect(cacheKey(['csharp', 'sha256:img', '-optimize -out:main.exe main.cs', 'class A {}'])).not.toBe(base);
    expect(cacheKey(['csharp', 'sha256:other', '-out:main.exe main.cs', 'class A {}'])).not.toBe(base);
    // parts are delimited: moving a character between parts is a different key
    expect(cacheKey(['ab', 'c'])).not.toBe(cacheKey(['a', 'bc']));
  });
});

describe('CompileCache', () => {
  it('returns what was stored and counts hits and misses', () => {
    const c = new CompileCache(10_000);
    expect(c.get('k')).toBeUndefined();
    c.set('k', resp(10));
    expect(c.get('k')?.assembly.length).toBe(10);
    expect({ hits: c.hits, misses: c.misses }).toEqual({ hits: 1, misses: 1 });
  });

  it('evicts the least recently used past its byte budget', () => {
    const c = new CompileCache(3 * (100 + 64));
    c.set('a', resp(100));
    c.set('b', resp(100));
    c.set('c', resp(100));
    c.get('a'); // a is now the most recent
    c.set('d', resp(100)); // evicts b
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBeDefined();
    expect(c.usedBytes).toBeLessThanOrEqual(3 * 164);
  });

  it('a budget of 0 keeps nothing', () => {
    const c = new CompileCache(0);
    c.set('a', resp(1));
    expect(c.size).toBe(0);
  });
});

describe('compiler protocol', () => {
  it('encodes a request as length line and UTF-8 bytes', () => {
    expect(encodeRequest('é').toString('latin1')).toBe('2\n\xc3\xa9');
  });

  it('reads responses cut anywhere, several in one chunk', () => {
    const one = Buffer.concat([Buffer.from('1 5 0\n'), Buffer.from('error')]);
    const two = Buffer.concat([Buffer.from('0 0 3\n'), Buffer.from([1, 2, 3])]);
    const all = Buffer.concat([one, two]);
    for (let cut = 0; cut <= all.length; cut++) {
      const got: CompileResponse[] = [];
      const r = new ResponseReader((x) => got.push(x));
      r.push(all.subarray(0, cut));
      r.push(all.subarray(cut));
      expect(got.map((g) => [g.exitCode, g.messages, [...g.assembly]])).toEqual([
        [1, 'error', []],
        [0, '', [1, 2, 3]],
      ]);
    }
  });

  it('rejects a malformed header', () => {
    const r = new ResponseReader(() => {});
    expect(() => r.push(Buffer.from('hello world\n'))).toThrow(/malformed/);
  });
});
