'use client';
// Compile errors as buttons: each moves the editor's cursor to its place (in a program of several
// files, on its file's tab), so keyboard users get there without hunting for a squiggle.
import type { Diagnostic } from '@/lib/contract/diagnostic';
import { plural } from './format';

interface Props {
  diagnostics: Diagnostic[];
  onGoto: (d: Diagnostic) => void;
  /** The file to name for a diagnostic, or null (a program of one file). */
  fileLabel: (d: Diagnostic) => string | null;
}

export function DiagnosticsList({ diagnostics, onGoto, fileLabel }: Props) {
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
        {diagnostics.map((d, i) => {
          const file = fileLabel(d);
          return (
            <li key={i}>
              <button
                type="button"
                className={`diagnostic ${d.severity}`}
                onClick={() => onGoto(d)}
                aria-label={`Go to ${file ? `${file}, ` : ''}line ${d.line}, column ${d.column}: ${d.severity} ${d.code}: ${d.message}`}
              >
                <span className="where">
                  {file && (
                    <span className="file" data-testid="diagnostic-file">
                      {file}
                    </span>
                  )}
                  Line {d.line}, col {d.column}
                </span>
                <span className="sev">{d.severity}</span>
                <span className="code">{d.code}</span>
                <span className="msg">{d.message}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
