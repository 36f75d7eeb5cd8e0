// Compiler messages as structured diagnostics, so the editor can underline them.
// Each parser reads the compiler's ordinary human output (what ErrorString shows too); lines it does
// not recognise are skipped. A message without a position is kept at line 1, column 1. The file a
// message names is kept too, so a program of several files gets each marker in its own file.

import type { Diagnostic } from '../contract/diagnostic';

export type { Diagnostic };

type Severity = Diagnostic['severity'];

function lines(output: string): string[] {
  return output.split(/\r?\n/);
}

function at(line: string | undefined, column: string | undefined): Pick<Diagnostic, 'line' | 'column'> {
  return { line: line ? Number(line) : 1, column: column ? Number(column) : 1 };
}

/** The file a message names, as the page's tabs name it: go and others print "./main.go". */
function inFile(name: string | undefined): Pick<Diagnostic, 'file'> {
  return name ? { file: name.replace(/^(?:\.\/)+/, '') } : {};
}

// mcs and tsc: "main.cs(7,13): error CS0029: Cannot implicitly convert type `string' to `int'",
// "main.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'."
// Errors without a position ("error CS5001: ...", "error TS5023: ...") are kept too.
const PAREN_LINE = /^(?:(.+?)\((\d+),(\d+)\):\s+)?(error|warning)\s+([A-Z]{2}\d+):\s*(.*)$/;

function parseParenDiagnostics(output: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const raw of lines(output)) {
    const m = PAREN_LINE.exec(raw.trim());
    if (!m) continue;
    out.push({ ...inFile(m[1]), ...at(m[2], m[3]), severity: m[4] as Severity, code: m[5], message: m[6] });
  }
  return out;
}

export const parseMcsDiagnostics = parseParenDiagnostics;
/** tsc --pretty false; the indented lines that explain a message further stay in ErrorString. */
export const parseTscDiagnostics = parseParenDiagnostics;

// gcc and g++: "main.c:6:22: error: expected ';' before 'return'",
// "main.c:4:9: warning: unused variable 'unused' [-Wunused-variable]" (the option is the code).
// Notes are context for the message before them and are skipped; a linker's "undefined reference"
// has no line in the source and is kept at 1:1.
const GCC_LINE = /^([^\s:][^:]*):(\d+):(\d+): (fatal error|error|warning): (.*?)(?: \[(-W[^\]]+)\])?$/;
const LD_UNDEFINED = /^([^\s:][^:]*):\(.*\): (undefined reference to .*)$/;

export function parseGccDiagnostics(output: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const raw of lines(output)) {
    const m = GCC_LINE.exec(raw);
    if (m) {
      const severity: Severity = m[4] === 'warning' ? 'warning' : 'error';
      out.push({ ...inFile(m[1]), ...at(m[2], m[3]), severity, code: m[6] ?? '', message: m[5] });
      continue;
    }
    const ld = LD_UNDEFINED.exec(raw);
    // The file is the source whose object made the call (main.c:(.text+0x9)), so the marker goes there.
    if (ld) out.push({ ...inFile(ld[1]), line: 1, column: 1, severity: 'error', code: 'ld', message: ld[2] });
  }
  return out;
}

// go build: "./main.go:10:14: undefined: y" (every line is an error; vet is not run).
const GO_LINE = /^([^\s:]+\.go):(\d+):(\d+): (.*)$/;

export function parseGoDiagnostics(output: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const raw of lines(output)) {
    const m = GO_LINE.exec(raw);
    if (m) out.push({ ...inFile(m[1]), ...at(m[2], m[3]), severity: 'error', code: '', message: m[4] });
  }
  return out;
}

// javac: "Main.java:7: error: incompatible types: String cannot be converted to int", then the
// source line and a caret line whose '^' marks the column (javac copies the source's tabs into it).
// Warnings carry their -Xlint category: "Main.java:5: warning: [rawtypes] found raw type: List".
const JAVAC_LINE = /^([^\s:][^:]*\.java):(\d+): (error|warning): (?:\[([\w-]+)\] )?(.*)$/;

export function parseJavacDiagnostics(output: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const all = lines(output);
  for (let i = 0; i < all.length; i++) {
    const m = JAVAC_LINE.exec(all[i]);
    if (!m) continue;
    const caret = all[i + 2] ?? '';
    const column = /^[ \t]*\^$/.test(caret) ? caret.indexOf('^') + 1 : 1;
    out.push({
      ...inFile(m[1]),
      line: Number(m[2]),
      column,
      severity: m[3] as Severity,
      code: m[4] ?? '',
      message: m[5],
    });
  }
  return out;
}

// rustc: a header "error[E0308]: mismatched types" (or "warning: unused variable: `x`"), then
// " --> main.rs:3:18". A warning's lint name comes from its "= note: `#[warn(unused_variables)]`".
// Headers without a location ("error: aborting due to 2 previous errors") are summaries: skipped.
const RUSTC_HEADER = /^(error|warning)(?:\[(E\d+)\])?: (.*)$/;
const RUSTC_LOCATION = /^\s*--> ([^:]+):(\d+):(\d+)$/;
const RUSTC_LINT = /^\s*= note: `#\[(?:warn|deny)\(([\w:]+)\)\]` on by default$/;

export function parseRustcDiagnostics(output: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const all = lines(output);
  let last: Diagnostic | undefined;
  for (let i = 0; i < all.length; i++) {
    const header = RUSTC_HEADER.exec(all[i]);
    if (header) {
      last = undefined;
      const loc = RUSTC_LOCATION.exec(all[i + 1] ?? '');
      if (!loc) continue;
      last = {
        ...inFile(loc[1]),
        ...at(loc[2], loc[3]),
        severity: header[1] as Severity,
        code: header[2] ?? '',
        message: header[3],
      };
      out.push(last);
      continue;
    }
    const lint = RUSTC_LINT.exec(all[i]);
    if (lint && last && !last.code) last.code = lint[1];
  }
  return out;
}
