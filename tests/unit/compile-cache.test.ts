import { describe, expect, it } from 'vitest';
import { CompileCache, cacheKey } from '@/lib/compiler/compile-cache';
import { ResponseReader, encodeRequest, type CompileResponse } from '@/lib/compiler/protocol';
import { encodeFields } from '@/lib/util/fields';

const resp = (n: number): CompileResponse => ({
  exitCode: 0,
  messages: '',
  artifacts: [{ path: 'main.exe', mode: 0o644, content: Buffer.alloc(n) }],
});

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
    expect(c.get('k')?.artifacts[0].content.length).toBe(10);
    expect({ hits: c.hits, misses: c.misses }).toEqual({ hits: 1, misses: 1 });
  });

  it('evicts the least recently used past its byte budget', () => {
    const c = new CompileCache(3 * (100 + 'main.exe'.length + 128));
    c.set('a', resp(100));
    c.set('b', resp(100));
    c.set('c', resp(100));
    c.get('a'); // a is now the most recent
    c.set('d', resp(100)); // evicts b
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBeDefined();
    expect(c.usedBytes).toBeLessThanOrEqual(3 * (100 + 'main.exe'.length + 128));
  });

  it('a budget of 0 keeps nothing', () => {
    const c = new CompileCache(0);
    c.set('a', resp(1));
    expect(c.size).toBe(0);
  });
});

describe('compiler protocol', () => {
  it('encodes a request as version, file count and (path, content) fields', () => {
    const r = encodeRequest([
      { path: 'main.cs', content: 'é' },
      { path: 'lib/a.cs', content: Buffer.from([0, 10]) },
    ]);
    expect(r.toString('latin1')).toBe('4\nwcc1' + '1\n2' + '7\nmain.cs' + '2\n\xc3\xa9' + '8\nlib/a.cs' + '2\n\x00\n');
  });

  const answer = (exit: string, messages: string, files: [string, string, Buffer][]) =>
    encodeFields([exit, messages, String(files.length), ...files.flat()]);

  it('reads answers cut anywhere, several in one chunk', () => {
    const one = answer('1', 'error', []);
    const two = answer('0', '', [
      ['main', '755', Buffer.from([1, 2, 3])],
      ['Main$A.class', '644', Buffer.from('\n12\n')],
    ]);
    const all = Buffer.concat([one, two]);
    for (let cut = 0; cut <= all.length; cut++) {
      const got: CompileResponse[] = [];
      const r = new ResponseReader((x) => got.push(x));
      r.push(all.subarray(0, cut));
      r.push(all.subarray(cut));
      expect(
        got.map((g) => [g.exitCode, g.messages, g.artifacts.map((a) => [a.path, a.mode, [...a.content]])]),
      ).toEqual([
        [1, 'error', []],
        [
          0,
          '',
          [
            ['main', 0o755, [1, 2, 3]],
            ['Main$A.class', 0o644, [10, 49, 50, 10]],
          ],
        ],
      ]);
    }
  });

  it('reads a large artifact that comes in many chunks', () => {
    const big = Buffer.alloc(3_000_000, 7);
    const bytes = answer('0', '', [['main', '755', big]]);
    const got: CompileResponse[] = [];
    const r = new ResponseReader((x) => got.push(x));
    for (let i = 0; i < bytes.length; i += 65536) r.push(bytes.subarray(i, i + 65536));
    expect(got).toHaveLength(1);
    expect(got[0].artifacts[0].content.equals(big)).toBe(true);
  });

  it('refuses an answer past 64 MiB in all, or with more files than a sandbox job takes', () => {
    const r = new ResponseReader(() => {});
    const head = encodeFields(['0', '', '2', 'a', '644']);
    const big = Buffer.concat([head, Buffer.from(`${40 * 1024 * 1024}\n`)]);
    r.push(big);
    r.push(Buffer.alloc(40 * 1024 * 1024));
    r.push(encodeFields(['b', '644']));
    r.push(Buffer.from(`${30 * 1024 * 1024}\n`));
    expect(() => r.push(Buffer.alloc(30 * 1024 * 1024))).toThrow(/past 67108864 bytes/);
    expect(() => new ResponseReader(() => {}).push(encodeFields(['0', '', '1001']))).toThrow(/malformed/);
  });

  it.each([
    ['a header that is not a length', Buffer.from('hello world\n')],
    ['an exit code that is not a number', answer('x', '', [])],
    ['a mode that is not octal', answer('0', '', [['main', '9', Buffer.alloc(1)]])],
    ['a set-id mode', answer('0', '', [['main', '4755', Buffer.alloc(1)]])],
    ['an absolute artifact path', answer('0', '', [['/etc/passwd', '644', Buffer.alloc(1)]])],
    ['an artifact path that leaves the directory', answer('0', '', [['a/../../x', '644', Buffer.alloc(1)]])],
    ['an empty artifact path', answer('0', '', [['', '644', Buffer.alloc(1)]])],
    ['a header without a newline', Buffer.from('123456789012345')],
  ])('rejects %s', (_what, bytes) => {
    const r = new ResponseReader(() => {});
    expect(() => r.push(bytes)).toThrow(/malformed|bad artifact (mode|path)/);
  });
});
