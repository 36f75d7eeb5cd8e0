// Compiler diagnostics as Monaco markers: the squiggles in the editor and their hover messages.
import type { editor } from 'monaco-editor';
import type { Diagnostic } from '@/lib/contract/diagnostic';

export const MARKER_OWNER = 'webcompile';

/** @monaco-editor/react's own `Monaco` type does not resolve against monaco-editor 0.57 (it is `any`). */
export type MonacoApi = typeof import('monaco-editor');

/** The file a message belongs to among the program's `names`: the one it names, else the entry. */
export function fileOf(d: Diagnostic, names: readonly string[]): string {
  return d.file !== undefined && names.includes(d.file) ? d.file : names[0];
}

export function toMarkers(
  monaco: MonacoApi,
  model: editor.ITextModel,
  diagnostics: Diagnostic[],
): editor.IMarkerData[] {
  const lines = model.getLineCount();
  return diagnostics.map((d) => {
    // The compiler may point past the end (e.g. a missing brace at the end of the file).
    const line = Math.min(Math.max(d.line, 1), lines);
    const maxColumn = model.getLineMaxColumn(line);
    const column = Math.min(Math.max(d.column, 1), maxColumn);
    const end = tokenEnd(model, line, column);
    return {
      severity: d.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
      message: d.message,
      code: d.code,
      // Every language's compiler reports here, not only mcs.
      source: 'compiler',
      startLineNumber: line,
      startColumn: column,
      endLineNumber: line,
      endColumn: end,
    };
  });
}

// mcs gives only a start. Underline the word there, or the string/char literal ("a" in
// `int x = "a";`); otherwise leave the range empty and Monaco widens it to one character.
const LITERAL = /^(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/;

function tokenEnd(model: editor.ITextModel, line: number, column: number): number {
  const word = model.getWordAtPosition({ lineNumber: line, column });
  if (word) return word.endColumn;
  const literal = LITERAL.exec(model.getLineContent(line).slice(column - 1));
  return literal ? column + literal[0].length : column;
}
