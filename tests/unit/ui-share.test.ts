import { describe, expect, it } from 'vitest';
import { compressToEncodedURIComponent } from 'lz-string';
import { asSnapshot, decodeFragment, encodeFragment, shareUrl, type Snapshot } from '@/app/ui/share';
import { statusWords, timings } from '@/app/ui/format';
import type { RunResult } from '@/lib/contract/compile-response';

describe('share fragments', () => {
  const snap: Snapshot = {
    files: [
      { name: 'main.cs', content: 'class P { static void Main() { System.Console.WriteLine(H.Say("é ✓ #&?")); } }' },
      { name: 'lib/h.cs', content: 'static class H { public static string Say(string s) => s; }' },
    ],
    stdin: 'a\nb',
    language: 'csharp',
    args: `one "two words" 'it''s'`,
    tests: [{ stdin: '1\n', args: '', expectedOutput: '2\n' }],
  };

  it('round-trip every file, stdin, arguments, tests and the language', () => {
    const hash = encodeFragment(snap);
    expect(hash).toMatch(/^#s=[A-Za-z0-9+\-$]+$/);
    expect(decodeFragment(hash)).toEqual(snap);
  });

  it('build a URL on the current page', () => {
    const url = shareUrl({ origin: 'https://x.test', pathname: '/', search: '' }, snap);
    expect(decodeFragment(new URL(url).hash)).toEqual(snap);
  });

  it('still load the links of before several files: their code is the entry, alone', () => {
    const old = (v: object) => '#s=' + compressToEncodedURIComponent(JSON.stringify(v));
    expect(decodeFragment(old({ code: 'print(1)', stdin: 'x', language: 'python' }))).toEqual({
      files: [{ name: 'main.py', content: 'print(1)' }],
      stdin: 'x',
      language: 'python',
      args: '',
      tests: [],
    });
    // The oldest had no language: the main one.
    expect(decodeFragment(old({ code: 'class P {}' }))?.files).toEqual([{ name: 'main.cs', content: 'class P {}' }]);
    expect(asSnapshot({ code: 'class Main {}', language: 'java' })?.files[0].name).toBe('Main.java');
  });

  it('reject fragments that are not share links or not valid', () => {
    expect(decodeFragment('')).toBeNull();
    expect(decodeFragment('#section')).toBeNull();
    expect(decodeFragment('#s=garbage!!')).toBeNull();
    expect(asSnapshot({ code: 42 })).toBeNull();
    expect(asSnapshot({ ...snap, files: [] })).toBeNull();
    expect(asSnapshot({ ...snap, files: [{ name: 'a.py' }] })).toBeNull();
    expect(asSnapshot({ ...snap, tests: [{ stdin: 1 }] })).toBeNull();
    expect(asSnapshot({ ...snap, args: ['a'] })).toBeNull();
  });

  it('reject a program whose names the API would refuse, or that repeats one', () => {
    const named = (...names: string[]) => asSnapshot({ ...snap, files: names.map((name) => ({ name, content: '' })) });
    expect(named('main.py', '../etc/passwd')).toBeNull();
    expect(named('main.py', 'main.py')).toBeNull();
    expect(named('main.py', 'lib', 'lib/x.py')).toBeNull();
    expect(named('main.py', 'lib/x.py')).not.toBeNull();
  });
});

describe('output wording', () => {
  const base: RunResult = {
    Output: '',
    LatencyInMS: 812,
    ErrorString: '',
    Timeout: false,
    Status: 'ok',
    ExitCode: 0,
    Truncated: false,
    Diagnostics: [],
    QueueMS: 3,
    CompileMS: null,
    CompileCached: false,
    RunMS: 60,
    CpuTimeMS: null,
    MemoryKB: 2048,
    Language: 'csharp',
  };

  it('names a runtime error with its exit code', () => {
    expect(statusWords({ ...base, Status: 'runtime_error', ExitCode: 1 })).toBe('Runtime error (exit code 1)');
    expect(statusWords({ ...base, Status: 'timeout', ExitCode: null })).toBe('Timed out');
  });

  it('lists only the timings that were measured', () => {
    expect(timings(base)).toEqual([
      ['Total', '812 ms'],
      ['Queue', '3 ms'],
      ['Run', '60 ms'],
      ['Memory', '2.0 MB'],
    ]);
  });
});

describe('timings', () => {
  it('says a compile came from the cache instead of showing 0 ms', async () => {
    const { timings } = await import('@/app/ui/format');
    const r = {
      Output: '',
      LatencyInMS: 30,
      ErrorString: '',
      Timeout: false,
      Status: 'ok' as const,
      ExitCode: 0,
      Truncated: false,
      Diagnostics: [],
      QueueMS: 0,
      CompileMS: 0,
      CompileCached: true,
      RunMS: 25,
      CpuTimeMS: 10,
      MemoryKB: 16000,
      Language: 'csharp',
    };
    expect(timings(r).find(([label]) => label === 'Compile')).toEqual(['Compile', 'cached']);
    expect(timings({ ...r, CompileCached: false, CompileMS: 31 }).find(([label]) => label === 'Compile')).toEqual([
      'Compile',
      '31 ms',
    ]);
  });
});
