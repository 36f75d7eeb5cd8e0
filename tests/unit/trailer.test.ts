import { describe, expect, it } from 'vitest';
import { splitTrailer } from '@/lib/runner/trailer';

describe('splitTrailer', () => {
  it('strips the stats line and parses it', () => {
    const r = splitTrailer('oops\n\n__wc_abc 0.05 0.02 0.01 16200 3 0 0\n', '__wc_abc');
    expect(r.stderr).toBe('oops\n');
    expect(r.stats).toEqual({ cpuTimeMs: 30, maxRssKb: 16200, exitCode: 3, oomKills: 0, pidsLimitHits: 0 });
  });

  it('leaves output without the nonce alone', () => {
    expect(splitTrailer('a\n__wc_other 1 1 1 1 1 1 1\n', '__wc_abc')).toEqual({
      stderr: 'a\n__wc_other 1 1 1 1 1 1 1\n',
      stats: null,
    });
  });

  it('reports OOM kills and pids-limit hits', () => {
    const r = splitTrailer('\n__wc_n 0.2 0.1 0 270000 137 1 4\n', '__wc_n');
    expect(r.stats).toMatchObject({ oomKills: 1, pidsLimitHits: 4, exitCode: 137 });
  });

  it('ignores a malformed stats line', () => {
    expect(splitTrailer('\n__wc_n x y\n', '__wc_n').stats).toBeNull();
  });
});
