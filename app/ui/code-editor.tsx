'use client';
// The Monaco editor. Monaco's files are served by this app from /monaco/vs (copied there by
// scripts/copy-monaco.mjs), never from a CDN: the page must work offline and leak nothing.
import Editor, { loader } from '@monaco-editor/react';
import type { editor } from 'monaco-editor';
import { useEffect, useRef, useState } from 'react';
import type { Diagnostic } from '@/lib/contract/diagnostic';
import type { MonacoApi } from './markers';
import type { SourceFile } from './share';
import type { Theme } from './theme';
import { ariaLabel, Workspace } from './workspace';

// Must happen before the first editor mounts; the loader's default is a CDN.
loader.config({ paths: { vs: '/monaco/vs' } });

/** The editor as the page drives it: the program's files (see Workspace) and the cursor. */
export interface EditorHandle extends Pick<
  Workspace,
  'files' | 'names' | 'replace' | 'loadEntry' | 'add' | 'rename' | 'remove' | 'show'
> {
  revealAndFocus(line: number, column: number): void;
  focus(): void;
}

interface Props {
  /** The program at mount; later changes go through the handle. */
  initialFiles: SourceFile[];
  /** The program language's Monaco id, for the entry at mount. */
  language: string;
  theme: Theme;
  diagnostics: Diagnostic[];
  onEdit: (name: string, content: string) => void;
  onRun: () => void;
  onReady: (handle: EditorHandle) => void;
}

declare global {
  interface Window {
    // For the end-to-end tests (and curious users in devtools).
    __webcompileEditor?: editor.IStandaloneCodeEditor;
    monaco?: MonacoApi;
  }
}

const MONACO_THEME: Record<Theme, string> = { light: 'webcompile-light', dark: 'webcompile-dark' };

// Backgrounds match the page's panels (app/globals.css) so the editor does not look pasted in.
function defineThemes(monaco: MonacoApi) {
  monaco.editor.defineTheme('webcompile-dark', {
    base: 'vs-dark',
    inherit: true,
    rules: [],
    colors: {
      'editor.background': '#14171d',
      'editorGutter.background': '#14171d',
      'editor.lineHighlightBackground': '#1c2029',
    },
  });
  monaco.editor.defineTheme('webcompile-light', {
    base: 'vs',
    inherit: true,
    rules: [],
    colors: {
      'editor.background': '#ffffff',
      'editorGutter.background': '#ffffff',
      'editor.lineHighlightBackground': '#f3f5f8',
    },
  });
}

const OPTIONS: editor.IStandaloneEditorConstructionOptions = {
  automaticLayout: true,
  minimap: { enabled: false },
  fontSize: 14,
  lineHeight: 21,
  fontFamily: 'ui-monospace, "Cascadia Code", "JetBrains Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
  tabSize: 4,
  scrollBeyondLastLine: false,
  padding: { top: 12, bottom: 12 },
  fixedOverflowWidgets: true,
  stickyScroll: { enabled: false },
  renderLineHighlight: 'line',
};

export function CodeEditor({ initialFiles, language, theme, diagnostics, onEdit, onRun, onReady }: Props) {
  const [workspace, setWorkspace] = useState<Workspace | null>(null);
  // One object for good: the wrapper applies any new one, which would undo the label show() sets.
  const [options] = useState(() => ({ ...OPTIONS, ariaLabel: ariaLabel(initialFiles[0].name) }));
  // Monaco keeps the callbacks it was given at mount; these refs let it call the current ones.
  const onRunRef = useRef(onRun);
  const onEditRef = useRef(onEdit);
  useEffect(() => {
    onRunRef.current = onRun;
    onEditRef.current = onEdit;
  });

  useEffect(() => {
    workspace?.setMarkers(diagnostics);
  }, [workspace, diagnostics]);

  // The models are ours (keepCurrentModel below): they go when the editor does.
  useEffect(() => () => workspace?.dispose(), [workspace]);

  function handleMount(ed: editor.IStandaloneCodeEditor, monaco: MonacoApi) {
    window.__webcompileEditor = ed;
    window.monaco = monaco;
    ed.addAction({
      id: 'webcompile.run',
      label: 'Run program',
      // Replaces Monaco's own Ctrl+Enter ("insert line below") inside the editor.
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
      contextMenuGroupId: 'navigation',
      run: () => onRunRef.current(),
    });
    // The wrapper made a model of its own at mount; the program's files replace it.
    const placeholder = ed.getModel();
    const ws = new Workspace(monaco, ed, (name, content) => onEditRef.current(name, content));
    ws.replace(initialFiles, language);
    placeholder?.dispose();
    setWorkspace(ws);
    onReady({
      files: () => ws.files(),
      names: () => ws.names(),
      replace: (files, fallback) => ws.replace(files, fallback),
      loadEntry: (text) => ws.loadEntry(text),
      add: (name, content) => ws.add(name, content),
      rename: (from, to) => ws.rename(from, to),
      remove: (name) => ws.remove(name),
      show: (name) => ws.show(name),
      revealAndFocus(lineNumber, column) {
        ed.setPosition({ lineNumber, column });
        ed.revealPositionInCenterIfOutsideViewport({ lineNumber, column });
        ed.focus();
      },
      focus: () => ed.focus(),
    });
  }

  return (
    <Editor
      height="100%"
      theme={MONACO_THEME[theme]}
      options={options}
      beforeMount={defineThemes}
      onMount={handleMount}
      keepCurrentModel
      loading={<div className="editor-loading">Loading editor…</div>}
      wrapperProps={{ className: 'editor-host', 'data-testid': 'editor' }}
    />
  );
}
