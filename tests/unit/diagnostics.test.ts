import { describe, expect, it } from 'vitest';
import { parseMcsDiagnostics } from '@/lib/runner/diagnostics';

describe('parseMcsDiagnostics', () => {
  it('parses errors and warnings with positions', () => {
    const out = [
      "main.cs(7,13): error CS0029: Cannot implicitly convert type `string' to `int'",
      "main.cs(3,9): warning CS0168: The variable `y' is declared but never used",
      'Compilation failed: 1 error(s), 1 warnings',
    ].join('\n');
    expect(parseMcsDiagnostics(out)).toEqual([
      { line: 7, column: 13, severity: 'error', code: 'CS0029', message: "Cannot implicitly convert type `string' to `int'" },
      { line: 3, column: 9, severity: 'warning', code: 'CS0168', message: "The variable `y' is declared but never used" },
    ]);
  });

  it('keeps errors without a position at 1:1', () => {
    expect(parseMcsDiagnostics("error CS5001: Program `main.exe' does not contain a static `Main' method")).toEqual([
      { line: 1, column: 1, severity: 'error', code: 'CS5001', message: "Program `main.exe' does not contain a static `Main' method" },
    ]);
  });

  it('ignores unrelated lines and CRLF', () => {
    expect(parseMcsDiagnostics('hello\r\nmain.cs(1,2): error CS1002: ; expected\r\n')).toHaveLength(1);
  });
});
