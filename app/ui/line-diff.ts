// Expected against actual output, line by line, as a test's verdict compares them: trailing
// whitespace on a line and trailing blank lines do not count, so they are left out of the diff too.

import { comparedLines, outputMatches } from '@/lib/contract/expected-output';

export type DiffLine = { kind: 'same' | 'expected' | 'actual'; text: string };

/** Past this many cells the LCS table is not worth it: the differing middle is shown as removed, then added. */
const MAX_TABLE = 4_000_000;

export { comparedLines };

/** Expected and actual are the same output, by the verdict's rule. */
export function sameOutput(expected: string, actual: string): boolean {
  return outputMatches(actual, expected);
}

/** A shortest edit from expected to actual (longest common subsequence); in each change, expected lines first. */
export function diffLines(expected: string, actual: string): DiffLine[] {
  const a = comparedLines(expected);
  const b = comparedLines(actual);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const same = (lines: string[]): DiffLine[] => lines.map((text) => ({ kind: 'same', text }));
  return [...same(a.slice(0, start)), ...middle(a.slice(start, endA), b.slice(start, endB)), ...same(a.slice(endA))];
}

function middle(a: string[], b: string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_TABLE) {
    return [
      ...a.map((text): DiffLine => ({ kind: 'expected', text })),
      ...b.map((text): DiffLine => ({ kind: 'actual', text })),
    ];
  }
  // lcs[i * (m + 1) + j]: the longest common subsequence of a[i..] and b[j..].
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[i] === b[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i] });
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
      out.push({ kind: 'expected', text: a[i++] });
    } else {
      out.push({ kind: 'actual', text: b[j++] });
    }
  }
  while (i < n) out.push({ kind: 'expected', text: a[i++] });
  while (j < m) out.push({ kind: 'actual', text: b[j++] });
  return out;
}
