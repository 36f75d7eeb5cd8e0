import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseGccDiagnostics,
  parseGoDiagnostics,
  parseJavacDiagnostics,
  parseMcsDiagnostics,
  parseRustcDiagnostics,
  parseTscDiagnostics,
} from '@/lib/core/diagnostics';

/** Output captured from the real compilers in the sandbox images, with the commands of languages.ts. */
const captured = (name: string) => readFileSync(path.join(__dirname, '../fixtures/compilers', name), 'utf8');

describe('parseMcsDiagnostics', () => {
  it('parses errors and warnings with positions', () => {
    const out = [
      "main.cs(7,13): error CS0029: Cannot implicitly convert type `string' to `int'",
      "main.cs(3,9): warning CS0168: The variable `y' is declared but never used",
      'Compilation failed: 1 error(s), 1 warnings',
    ].join('\n');
    expect(parseMcsDiagnostics(out)).toEqual([
      {
        line: 7,
        column: 13,
        severity: 'error',
        code: 'CS0029',
        message: "Cannot implicitly convert type `string' to `int'",
      },
      {
        line: 3,
        column: 9,
        severity: 'warning',
        code: 'CS0168',
        message: "The variable `y' is declared but never used",
      },
    ]);
  });

  it('keeps errors without a position at 1:1', () => {
    expect(parseMcsDiagnostics("error CS5001: Program `main.exe' does not contain a static `Main' method")).toEqual([
      {
        line: 1,
        column: 1,
        severity: 'error',
        code: 'CS5001',
        message: "Program `main.exe' does not contain a static `Main' method",
      },
    ]);
  });

  it('ignores unrelated lines and CRLF', () => {
    expect(parseMcsDiagnostics('hello\r\nmain.cs(1,2): error CS1002: ; expected\r\n')).toHaveLength(1);
  });
});

describe('parseTscDiagnostics', () => {
  it('parses tsc --pretty false errors with their TS codes', () => {
    expect(parseTscDiagnostics(captured('tsc.txt'))).toEqual([
      {
        line: 1,
        column: 7,
        severity: 'error',
        code: 'TS2322',
        message: "Type 'string' is not assignable to type 'number'.",
      },
      {
        line: 2,
        column: 13,
        severity: 'error',
        code: 'TS2552',
        message: "Cannot find name 'undefinedName'. Did you mean 'undefined'?",
      },
      {
        line: 3,
        column: 12,
        severity: 'error',
        code: 'TS7006',
        message: "Parameter 'a' implicitly has an 'any' type.",
      },
    ]);
  });

  it('keeps the first line of a message that tsc explains further on indented lines', () => {
    expect(parseTscDiagnostics(captured('tsc-elaboration.txt'))).toEqual([
      {
        line: 1,
        column: 7,
        severity: 'error',
        code: 'TS2322',
        message: "Type '(a: string) => void' is not assignable to type '(a: number) => void'.",
      },
    ]);
  });
});

describe('parseGccDiagnostics', () => {
  it('parses gcc errors and warnings, with the warning option as the code, and skips the source excerpts', () => {
    expect(parseGccDiagnostics(captured('gcc.txt'))).toEqual([
      {
        line: 5,
        column: 13,
        severity: 'warning',
        code: '-Wint-conversion',
        message: 'initialization of ‘int’ from ‘char *’ makes integer from pointer without a cast',
      },
      { line: 6, column: 22, severity: 'error', code: '', message: 'expected ‘;’ before ‘return’' },
      { line: 4, column: 9, severity: 'warning', code: '-Wunused-variable', message: 'unused variable ‘unused’' },
    ]);
  });

  it('parses g++ output the same way', () => {
    const d = parseGccDiagnostics(captured('gpp.txt'));
    expect(d.map((x) => [x.line, x.column, x.severity, x.code])).toEqual([
      [6, 21, 'error', ''],
      [7, 32, 'error', ''],
      [5, 9, 'warning', '-Wunused-variable'],
    ]);
    expect(d[0].message).toMatch(/^conversion from ‘int’ to non-scalar type ‘std::string’/);
  });

  it('treats a fatal error as an error', () => {
    expect(parseGccDiagnostics(captured('gcc-fatal.txt'))).toEqual([
      { line: 1, column: 10, severity: 'error', code: '', message: 'nothere.h: No such file or directory' },
    ]);
  });

  it("keeps the linker's undefined reference at 1:1", () => {
    expect(parseGccDiagnostics(captured('gcc-link.txt'))).toEqual([
      { line: 1, column: 1, severity: 'error', code: 'ld', message: "undefined reference to `helper'" },
    ]);
  });
});

describe('parseGoDiagnostics', () => {
  it('parses go build errors and skips the package header', () => {
    expect(parseGoDiagnostics(captured('go.txt'))).toEqual([
      { line: 5, column: 2, severity: 'error', code: '', message: 'imported and not used: "os"' },
      {
        line: 9,
        column: 14,
        severity: 'error',
        code: '',
        message: 'cannot use "text" (untyped string constant) as int value in variable declaration',
      },
      { line: 10, column: 14, severity: 'error', code: '', message: 'undefined: y' },
    ]);
  });

  it('parses a syntax error', () => {
    expect(parseGoDiagnostics(captured('go-syntax.txt'))).toEqual([
      { line: 5, column: 1, severity: 'error', code: '', message: 'syntax error: unexpected }, expecting expression' },
    ]);
  });
});

describe('parseJavacDiagnostics', () => {
  it('takes the column from the caret line', () => {
    expect(parseJavacDiagnostics(captured('javac.txt'))).toEqual([
      {
        line: 7,
        column: 17,
        severity: 'error',
        code: '',
        message: 'incompatible types: String cannot be converted to int',
      },
      { line: 8, column: 28, severity: 'error', code: '', message: 'cannot find symbol' },
    ]);
  });

  it('counts a tab as one column, as the editor does', () => {
    // The source line is "\tSystem.out.println(y)": the missing ';' is after the 22nd character.
    expect(parseJavacDiagnostics(captured('javac-syntax.txt'))).toEqual([
      { line: 4, column: 23, severity: 'error', code: '', message: "';' expected" },
    ]);
  });

  it('keeps the lint category of a warning as its code', () => {
    const d = parseJavacDiagnostics(captured('javac-lint.txt'));
    expect(d.map((x) => [x.line, x.column, x.severity, x.code])).toEqual([
      [5, 9, 'warning', 'rawtypes'],
      [5, 24, 'warning', 'rawtypes'],
      [6, 16, 'warning', 'unchecked'],
      [7, 17, 'error', ''],
      [8, 28, 'error', ''],
    ]);
    expect(d[0].message).toBe('found raw type: List');
  });
});

describe('parseRustcDiagnostics', () => {
  it('joins each header to the location on the next line and skips the summary', () => {
    expect(parseRustcDiagnostics(captured('rustc.txt'))).toEqual([
      { line: 4, column: 20, severity: 'error', code: 'E0425', message: 'cannot find value `y` in this scope' },
      { line: 3, column: 18, severity: 'error', code: 'E0308', message: 'mismatched types' },
    ]);
  });

  it("takes a warning's lint name from its note", () => {
    expect(parseRustcDiagnostics(captured('rustc-warnings.txt'))).toEqual([
      { line: 2, column: 9, severity: 'warning', code: 'unused_variables', message: 'unused variable: `unused`' },
      { line: 3, column: 9, severity: 'warning', code: 'unused_mut', message: 'variable does not need to be mutable' },
    ]);
  });
});
