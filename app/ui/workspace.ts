// The program's files as Monaco models, one per file and in the program's order, so each keeps its
// own undo history, cursor and scroll while the editor shows one of them. A model's path is its file's
// name (file:///lib/util.ts), which also lets Monaco's TypeScript service resolve imports between them.
import type { editor, IDisposable } from 'monaco-editor';
import type { Diagnostic } from '@/lib/contract/diagnostic';
import { monacoLanguageOf } from './file-kinds';
import { fileOf, MARKER_OWNER, toMarkers, type MonacoApi } from './markers';
import type { SourceFile } from './share';

interface Entry {
  name: string;
  model: editor.ITextModel;
  listener: IDisposable;
  view: editor.ICodeEditorViewState | null;
}

export class Workspace {
  private entries: Entry[] = [];
  /** The program language's Monaco id: the entry's highlighting when its extension says nothing. */
  private fallback = 'plaintext';

  constructor(
    private readonly monaco: MonacoApi,
    private readonly editor: editor.IStandaloneCodeEditor,
    private readonly onEdit: (name: string, content: string) => void,
  ) {}

  names(): string[] {
    return this.entries.map((e) => e.name);
  }

  files(): SourceFile[] {
    return this.entries.map((e) => ({ name: e.name, content: e.model.getValue() }));
  }

  /** The file on show. */
  shown(): string | undefined {
    const model = this.editor.getModel();
    return this.entries.find((e) => e.model === model)?.name;
  }

  /** A new program (another language, a share link): fresh models, the entry on show. */
  replace(files: SourceFile[], fallback: string): void {
    this.editor.setModel(null);
    for (const e of this.entries) this.drop(e);
    this.fallback = fallback;
    this.entries = files.map((f, i) => this.create(f.name, f.content, i === 0));
    this.show(files[0].name);
  }

  /** An example: the entry's text replaced as one undoable edit, the other files dropped. */
  loadEntry(text: string): void {
    const [entry, ...rest] = this.entries;
    this.show(entry.name);
    for (const e of rest) this.drop(e);
    this.entries = [entry];
    const ed = this.editor;
    ed.pushUndoStop();
    ed.executeEdits('webcompile', [{ range: entry.model.getFullModelRange(), text }]);
    ed.pushUndoStop();
    ed.setPosition({ lineNumber: 1, column: 1 });
    ed.revealLine(1);
  }

  add(name: string, content = ''): void {
    this.entries.push(this.create(name, content, false));
    this.show(name);
  }

  /** A model's path cannot change: the renamed file is a new model with the text (its undo history restarts). */
  rename(from: string, to: string): void {
    const i = this.entries.findIndex((e) => e.name === from);
    if (i < 0) return;
    const old = this.entries[i];
    const wasShown = this.shown() === from;
    const renamed = this.create(to, old.model.getValue(), i === 0);
    renamed.view = wasShown ? this.editor.saveViewState() : old.view;
    this.entries[i] = renamed;
    if (wasShown) this.show(to);
    this.drop(old);
  }

  remove(name: string): void {
    const i = this.entries.findIndex((e) => e.name === name);
    if (i <= 0) return; // the entry stays
    if (this.shown() === name) this.show(this.entries[i - 1].name);
    this.drop(this.entries[i]);
    this.entries.splice(i, 1);
  }

  show(name: string): void {
    const next = this.entries.find((e) => e.name === name);
    const current = this.entries.find((e) => e.model === this.editor.getModel());
    if (!next || next === current) return;
    if (current) current.view = this.editor.saveViewState();
    this.editor.setModel(next.model);
    if (next.view) this.editor.restoreViewState(next.view);
    this.editor.updateOptions({ ariaLabel: ariaLabel(name) });
  }

  /** Each compiler message on the model of the file it names; one naming no file, or a file not here, on the entry. */
  setMarkers(diagnostics: Diagnostic[]): void {
    const names = this.names();
    for (const e of this.entries) {
      const mine = diagnostics.filter((d) => fileOf(d, names) === e.name);
      this.monaco.editor.setModelMarkers(e.model, MARKER_OWNER, toMarkers(this.monaco, e.model, mine));
    }
  }

  dispose(): void {
    for (const e of this.entries) this.drop(e);
    this.entries = [];
  }

  private create(name: string, content: string, isEntry: boolean): Entry {
    const uri = this.monaco.Uri.from({ scheme: 'file', path: `/${name}` });
    // A model left behind under this path (not ours) would make createModel throw.
    this.monaco.editor.getModel(uri)?.dispose();
    const model = this.monaco.editor.createModel(
      content,
      monacoLanguageOf(name, this.monaco.languages.getLanguages(), isEntry ? this.fallback : 'plaintext'),
      uri,
    );
    const entry: Entry = { name, model, view: null, listener: { dispose() {} } };
    entry.listener = model.onDidChangeContent(() => {
      // The squiggles describe the code as it was compiled; after an edit they would mislead.
      this.monaco.editor.setModelMarkers(model, MARKER_OWNER, []);
      this.onEdit(entry.name, model.getValue());
    });
    return entry;
  }

  private drop(e: Entry): void {
    e.listener.dispose();
    e.model.dispose();
  }
}

export function ariaLabel(name: string): string {
  return `Source of ${name}. Ctrl+Enter runs the program. Ctrl+M switches Tab between indenting and moving focus.`;
}
