// Compiler messages as structured diagnostics, so the editor can underline them.

export interface Diagnostic {
  line: number;
  column: number;
  severity: 'error' | 'warning';
  code: string;
  message: string;
}

// mcs: "main.cs(7,13): error CS0029: Cannot implicitly convert type `string' to `int'"
// Errors without a position ("error CS5001: ...") are kept at line 1, column 1.
const MCS_LINE = /^(?:(.+?)\((\d+),(\d+)\):\s+)?(error|warning)\s+(CS\d+):\s*(.*)$/;

export function parseMcsDiagnostics(output: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const m = MCS_LINE.exec(raw.trim());
    if (!m) continue;
    out.push({
      line: m[2] ? Number(m[2]) : 1,
      column: m[3] ? Number(m[3]) : 1,
      severity: m[4] as 'error' | 'warning',
      code: m[5],
      message: m[6],
    });
  }
  return out;
}
