// One compiler message with its place in the source, as the editor underlines it.

export interface Diagnostic {
  line: number;
  column: number;
  severity: 'error' | 'warning';
  code: string;
  message: string;
}
