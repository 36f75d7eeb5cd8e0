// Whether a test's output is its expected output. The rule (Judge0's, and the README's): trailing
// whitespace on each line and trailing blank lines do not count; everything else does, leading
// whitespace and blank lines between lines included. "\r\n" and "\n" end lines alike. Shared by the
// verdict (lib/core/test-cases.ts) and the page's diff (app/ui/line-diff.ts).

/** The lines that are compared: each without its trailing whitespace, no trailing blank lines. */
export function comparedLines(text: string): string[] {
  const lines = text.split('\n').map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function outputMatches(actual: string, expected: string): boolean {
  const a = comparedLines(actual);
  const e = comparedLines(expected);
  return a.length === e.length && a.every((line, i) => line === e[i]);
}
