import { describe, expect, it } from 'vitest';
import { comparedLines, diffLines, sameOutput } from '@/app/ui/line-diff';

describe('comparedLines and sameOutput', () => {
  it('drop trailing whitespace on each line and trailing blank lines, as the test verdict does', () => {
    expect(comparedLines('a  \r\nb\t\n\n \n')).toEqual(['a', 'b']);
    expect(sameOutput('4\n', '4')).toBe(true);
    expect(sameOutput('a\nb\n', 'a   \nb\n\n\n')).toBe(true);
  });

  it('count leading whitespace and inner blank lines', () => {
    expect(sameOutput(' 4', '4')).toBe(false);
    expect(sameOutput('a\n\nb', 'a\nb')).toBe(false);
    expect(sameOutput('', '\n')).toBe(true);
  });
});

describe('diffLines', () => {
  const text = (d: ReturnType<typeof diffLines>) =>
    d.map((l) => `${{ same: ' ', expected: '-', actual: '+' }[l.kind]}${l.text}`);

  it('shows equal outputs as equal lines only', () => {
    expect(text(diffLines('a\nb\n', 'a\nb   \n\n'))).toEqual([' a', ' b']);
  });

  it('marks a changed line as expected then actual, between the lines that agree', () => {
    expect(text(diffLines('Sum: 3\nbye\n', 'Sum: 4\nbye\n'))).toEqual(['-Sum: 3', '+Sum: 4', ' bye']);
  });

  it('finds lines inserted and removed in the middle (a longest common subsequence)', () => {
    expect(text(diffLines('1\n2\n3\n4\n5', '1\n3\nx\n4\n5\n6'))).toEqual([' 1', '-2', ' 3', '+x', ' 4', ' 5', '+6']);
  });

  it('diffs against an empty side', () => {
    expect(text(diffLines('', 'a\nb'))).toEqual(['+a', '+b']);
    expect(text(diffLines('a', ''))).toEqual(['-a']);
    expect(diffLines('', '')).toEqual([]);
  });

  it('falls back to removed-then-added for a middle too big to compare line by line', () => {
    const many = (p: string) => Array.from({ length: 2500 }, (_, i) => `${p}${i}`).join('\n');
    const d = diffLines(`head\n${many('a')}\ntail`, `head\n${many('b')}\ntail`);
    expect(d).toHaveLength(2 + 5000);
    expect(d[0]).toEqual({ kind: 'same', text: 'head' });
    expect(d[1]).toEqual({ kind: 'expected', text: 'a0' });
    expect(d[2501]).toEqual({ kind: 'actual', text: 'b0' });
    expect(d.at(-1)).toEqual({ kind: 'same', text: 'tail' });
  });
});
