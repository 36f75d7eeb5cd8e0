'use client';
// The Monaco editor. Monaco's files are served by this app from /monaco/vs (copied there by
// scripts/copy-monaco.mjs), never from a CDN: the page must work offline and leak nothing.
import Editor, { loader } from '@monaco-editor/react';
import type { editor } from 'monaco-editor';
import { useEffect, useRef, useState } from 'react';
import type { Diagnostic } from '@/lib/contract/diagnostic';
import { MARKER_OWNER, toMarkers, type MonacoApi } from './markers';
import type { Theme } from './theme';

// Must happen before the first editor mounts; the loader's default is a CDN.
loader.config({ paths: { vs: '/monaco/vs' } });

export interface EditorHandle {
  getValue(): string;
  /** Replaces all text as one undoable edit, so Ctrl+Z brings the previous program back. */
  replaceAll(text: string): void;
  revealAndFocus(line: number, column: number): void;
}

interface Props {
  defaultValue: string;
  language: string;
  theme: Theme;
  diagnostics: Diagnostic[];
  onChange: (code: string) => void;
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
  ariaLabel: 'Program source code. Ctrl+Enter runs it. Ctrl+M switches Tab between indenting and moving focus.',
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

export function CodeEditor({ defaultValue, language, theme, diagnostics, onChange, onRun, onReady }: Props) {
  const [mounted, setMounted] = useState<{ editor: editor.IStandaloneCodeEditor; monaco: MonacoApi } | null>(null);
  // Monaco keeps the callbacks it was given at mount; these refs let it call the current ones.
  const onRunRef = useRef(onRun);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onRunRef.current = onRun;
    onChangeRef.current = onChange;
  });

  useEffect(() => {
    if (!mounted) return;
    const model = mounted.editor.getModel();
    if (model)
      mounted.monaco.editor.setModelMarkers(model, MARKER_OWNER, toMarkers(mounted.monaco, model, diagnostics));
  }, [mounted, diagnostics]);

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
    ed.onDidChangeModelContent(() => {
      // The squiggles describe the code as it was compiled; after an edit they would mislead.
      const model = ed.getModel();
      if (model) monaco.editor.setModelMarkers(model, MARKER_OWNER, []);
      onChangeRef.current(ed.getValue());
    });
    setMounted({ editor: ed, monaco });
    onReady({
      getValue: () => ed.getValue(),
      replaceAll(text) {
        const model = ed.getModel();
        if (!model) return;
        ed.pushUndoStop();
        ed.executeEdits('webcompile', [{ range: model.getFullModelRange(), text }]);
        ed.pushUndoStop();
        ed.setPosition({ lineNumber: 1, column: 1 });
        ed.revealLine(1);
      },
      revealAndFocus(lineNumber, column) {
        ed.setPosition({ lineNumber, column });
        ed.revealPositionInCenterIfOutsideViewport({ lineNumber, column });
        ed.focus();
      },
    });
  }

  return (
    <Editor
      height="100%"
      defaultValue={defaultValue}
      language={language}
      theme={MONACO_THEME[theme]}
      options={OPTIONS}
      beforeMount={defineThemes}
      onMount={handleMount}
      loading={<div className="editor-loading">Loading editor…</div>}
      wrapperProps={{ className: 'editor-host', 'data-testid': 'editor' }}
    />
  );
}
