// The comparison of a test's output with its expected output (Judge0's rule, README "Test cases").

import { describe, expect, it } from 'vitest';
import { outputMatches } from '@/lib/contract/expected-output';

describe('outputMatches', () => {
  it.each([
    ['the same text', '3\n', '3\n'],
    ['a missing final newline', '3\n', '3'],
    ['trailing spaces and tabs on a line', '1 2 \t\n3\n', '1 2\n3'],
    ['trailing blank lines', '3\n\n\n', '3'],
    ['CRLF line ends', '1\r\n2\r\n', '1\n2\n'],
    ['an empty output and an empty expectation', '', '\n'],
  ])('ignores %s', (_what, actual, expected) => {
    expect(outputMatches(actual, expected)).toBe(true);
  });

  it.each([
    ['another value', '4\n', '3\n'],
    ['leading whitespace', ' 3\n', '3\n'],
    ['a blank line between lines', '1\n\n2\n', '1\n2\n'],
    ['a missing line', '1\n', '1\n2\n'],
    ['case', 'Yes\n', 'yes\n'],
    ['space inside a line', '1  2\n', '1 2\n'],
  ])('counts %s', (_what, actual, expected) => {
    expect(outputMatches(actual, expected)).toBe(false);
  });
});
