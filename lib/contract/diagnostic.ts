// One compiler message with its place in the source, as the editor underlines it.

export interface Diagnostic {
  /**
   * The file the compiler named, as it named it (folders kept, a leading "./" dropped): the page
   * puts the marker on that file's tab. Absent when the message names no file.
   */
  file?: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
  code: string;
  message: string;
}
