import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '@/lib/runner/run-in-sandbox';

describe('shellQuote', () => {
  it('leaves plain words alone', () => {
    expect(shellQuote(['mono', 'main.exe'])).toBe('mono main.exe');
  });

  it('round-trips awkward arguments through a real sh', () => {
    const args = ["it's", 'a b', '$HOME', '`id`', '"q"', '', 'back\\slash', '*'];
    const out = execFileSync('sh', ['-c', `for a in ${shellQuote(args)}; do printf '%s\\n' "[$a]"; done`]).toString();
    expect(out.trim().split('\n')).toEqual(args.map((a) => `[${a}]`));
  });
});
