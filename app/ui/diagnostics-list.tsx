'use client';
// Compile errors as buttons: each moves the editor's cursor to its place, so keyboard users get
// there without hunting for a squiggle.
import type { Diagnostic } from '@/lib/contract/diagnostic';

interface Props {
  diagnostics: Diagnostic[];
  onGoto: (line: number, column: number) => void;
}

export function DiagnosticsList({ diagnostics, onGoto }: Props) {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return (
    <section className="block" aria-labelledby="problems-heading">
      <h3 id="problems-heading" className="block-title">
        Problems{' '}
        <span className="count">
          {plural(errors, 'error')}, {plural(warnings, 'warning')}
        </span>
      </h3>
      <ul className="diagnostics" data-testid="diagnostics">
        {diagnostics.map((d, i) => (
          <li key={i}>
            <button
              type="button"
              className={`diagnostic ${d.severity}`}
              onClick={() => onGoto(d.line, d.column)}
              aria-label={`Go to line ${d.line}, column ${d.column}: ${d.severity} ${d.code}: ${d.message}`}
            >
              <span className="where">
                Line {d.line}, col {d.column}
              </span>
              <span className="sev">{d.severity}</span>
              <span className="code">{d.code}</span>
              <span className="msg">{d.message}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
