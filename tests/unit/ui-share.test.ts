import { describe, expect, it } from 'vitest';
import { decodeFragment, encodeFragment, shareUrl } from '@/app/ui/share';
import { statusWords, timings } from '@/app/ui/format';
import type { RunResult } from '@/lib/contract/compile-response';

describe('share fragments', () => {
  const snap = {
    code: 'class P { static void Main() { System.Console.WriteLine("é ✓ #&?"); } }',
    stdin: 'a\nb',
    language: 'csharp',
  };

  it('round-trip code, stdin and language', () => {
    const hash = encodeFragment(snap);
    expect(hash).toMatch(/^#s=[A-Za-z0-9+\-$]+$/);
    expect(decodeFragment(hash)).toEqual(snap);
  });

  it('build a URL on the current page', () => {
    const url = shareUrl({ origin: 'https://x.test', pathname: '/', search: '' }, snap);
    expect(decodeFragment(new URL(url).hash)).toEqual(snap);
  });

  it('reject fragments that are not share links or not valid', () => {
    expect(decodeFragment('')).toBeNull();
    expect(decodeFragment('#section')).toBeNull();
    expect(decodeFragment('#s=garbage!!')).toBeNull();
    expect(decodeFragment(encodeFragment({ ...snap, code: 42 as unknown as string }))).toBeNull();
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
