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
        file: 'main.cs',
        line: 7,
        column: 13,
        severity: 'error',
        code: 'CS0029',
        message: "Cannot implicitly convert type `string' to `int'",
      },
      {
        file: 'main.cs',
        line: 3,
        column: 9,
        severity: 'warning',
        code: 'CS0168',
        message: "The variable `y' is declared but never used",
      },
    ]);
  });

  it('keeps errors without a position at 1:1, with no file', () => {
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
        file: 'main.ts',
        line: 1,
        column: 7,
        severity: 'error',
        code: 'TS2322',
        message: "Type 'string' is not assignable to type 'number'.",
      },
      {
        file: 'main.ts',
        line: 2,
        column: 13,
        severity: 'error',
        code: 'TS2552',
        message: "Cannot find name 'undefinedName'. Did you mean 'undefined'?",
      },
      {
        file: 'main.ts',
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
        file: 'main.ts',
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
        file: 'main.c',
        line: 5,
        column: 13,
        severity: 'warning',
        code: '-Wint-conversion',
        message: 'initialization of ‘int’ from ‘char *’ makes integer from pointer without a cast',
      },
      { file: 'main.c', line: 6, column: 22, severity: 'error', code: '', message: 'expected ‘;’ before ‘return’' },
      {
        file: 'main.c',
        line: 4,
        column: 9,
        severity: 'warning',
        code: '-Wunused-variable',
        message: 'unused variable ‘unused’',
      },
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
      {
        file: 'main.c',
        line: 1,
        column: 10,
        severity: 'error',
        code: '',
        message: 'nothere.h: No such file or directory',
      },
    ]);
  });

  it("keeps the linker's undefined reference at 1:1", () => {
    expect(parseGccDiagnostics(captured('gcc-link.txt'))).toEqual([
      { file: 'main.c', line: 1, column: 1, severity: 'error', code: 'ld', message: "undefined reference to `helper'" },
    ]);
  });
});

describe('parseGoDiagnostics', () => {
  it('parses go build errors and skips the package header', () => {
    expect(parseGoDiagnostics(captured('go.txt'))).toEqual([
      { file: 'main.go', line: 5, column: 2, severity: 'error', code: '', message: 'imported and not used: "os"' },
      {
        file: 'main.go',
        line: 9,
        column: 14,
        severity: 'error',
        code: '',
        message: 'cannot use "text" (untyped string constant) as int value in variable declaration',
      },
      { file: 'main.go', line: 10, column: 14, severity: 'error', code: '', message: 'undefined: y' },
    ]);
  });

  it('parses a syntax error', () => {
    expect(parseGoDiagnostics(captured('go-syntax.txt'))).toEqual([
      {
        file: 'main.go',
        line: 5,
        column: 1,
        severity: 'error',
        code: '',
        message: 'syntax error: unexpected }, expecting expression',
      },
    ]);
  });
});

describe('parseJavacDiagnostics', () => {
  it('takes the column from the caret line', () => {
    expect(parseJavacDiagnostics(captured('javac.txt'))).toEqual([
      {
        file: 'Main.java',
        line: 7,
        column: 17,
        severity: 'error',
        code: '',
        message: 'incompatible types: String cannot be converted to int',
      },
      { file: 'Main.java', line: 8, column: 28, severity: 'error', code: '', message: 'cannot find symbol' },
    ]);
  });

  it('counts a tab as one column, as the editor does', () => {
    // The source line is "\tSystem.out.println(y)": the missing ';' is after the 22nd character.
    expect(parseJavacDiagnostics(captured('javac-syntax.txt'))).toEqual([
      { file: 'Main.java', line: 4, column: 23, severity: 'error', code: '', message: "';' expected" },
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
      {
        file: 'main.rs',
        line: 4,
        column: 20,
        severity: 'error',
        code: 'E0425',
        message: 'cannot find value `y` in this scope',
      },
      { file: 'main.rs', line: 3, column: 18, severity: 'error', code: 'E0308', message: 'mismatched types' },
    ]);
  });

  it("takes a warning's lint name from its note", () => {
    expect(parseRustcDiagnostics(captured('rustc-warnings.txt'))).toEqual([
      {
        file: 'main.rs',
        line: 2,
        column: 9,
        severity: 'warning',
        code: 'unused_variables',
        message: 'unused variable: `unused`',
      },
      {
        file: 'main.rs',
        line: 3,
        column: 9,
        severity: 'warning',
        code: 'unused_mut',
        message: 'variable does not need to be mutable',
      },
    ]);
  });
});

describe('the file a message names', () => {
  // Programs of several files: each parser keeps the path as the compiler printed it, without "./".
  const files = (d: { file?: string; line: number }[]) => d.map((x) => [x.file, x.line]);

  it('mcs and tsc: the path before the parenthesis', () => {
    expect(files(parseMcsDiagnostics('lib/helper.cs(3,20): error CS0029: Cannot convert'))).toEqual([
      ['lib/helper.cs', 3],
    ]);
    expect(files(parseTscDiagnostics('./util/a.ts(2,1): error TS1005: ; expected'))).toEqual([['util/a.ts', 2]]);
  });

  it('gcc and g++: a header in a folder, and the linker naming the calling source', () => {
    const out = [
      'In file included from main.c:2:',
      'include/helper.h:3:5: error: unknown type name ‘nope’',
      './util.c:7:1: warning: control reaches end of non-void function [-Wreturn-type]',
      'util.c:(.text+0x9): undefined reference to `missing`',
    ].join('\n');
    expect(files(parseGccDiagnostics(out))).toEqual([
      ['include/helper.h', 3],
      ['util.c', 7],
      ['util.c', 1],
    ]);
  });

  it('go: "./" is dropped, a package folder kept', () => {
    expect(files(parseGoDiagnostics('./main.go:10:14: undefined: y\npkg/util/util.go:3:2: undefined: z'))).toEqual([
      ['main.go', 10],
      ['pkg/util/util.go', 3],
    ]);
  });

  it('javac: a class in a package folder', () => {
    const out = ['app/util/Helper.java:7: error: cannot find symbol', '        x();', '        ^'].join('\n');
    expect(parseJavacDiagnostics(out)).toEqual([
      { file: 'app/util/Helper.java', line: 7, column: 9, severity: 'error', code: '', message: 'cannot find symbol' },
    ]);
  });

  it('rustc: the path after the arrow, a module in a folder too', () => {
    const out = ['error[E0425]: cannot find value `y` in this scope', '  --> src/net/mod.rs:3:18'].join('\n');
    expect(files(parseRustcDiagnostics(out))).toEqual([['src/net/mod.rs', 3]]);
  });
});
