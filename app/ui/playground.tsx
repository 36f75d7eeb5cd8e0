'use client';
// The page's one interactive piece: it owns the program (code, stdin, language), the run in flight
// (streamed, or interactive over a WebSocket), its output and the last result, and wires the editor,
// the toolbar and the output panel together.
import { useCallback, useEffect, useRef, useState } from 'react';
import { CATALOGUE, MAIN_LANGUAGE } from '@/lib/languages/catalogue';
import type { Diagnostic } from '@/lib/contract/diagnostic';
import { CodeEditor, type EditorHandle } from './code-editor';
import { openSession } from './interactive';
import { OutputPanel, type Live } from './output-panel';
import { streamRun, type OutputStream, type RunOutcome, type RunStage, type RunView } from './run';
import { decodeFragment, isShareFragment, shareUrl, type Snapshot } from './share';
import { SharePanel } from './share-panel';
import { LanguageBadge, StatusLine } from './status-line';
import { useLanguage, useLanguages } from './languages';
import { loadCodeFor, loadDraft, loadInteractive, saveCodeFor, saveDraft, saveInteractive } from './storage';
import { useTheme } from './theme';
import { ThemeToggle } from './theme-toggle';
import { append } from './transcript';

const DEFAULT: Snapshot = { code: CATALOGUE[MAIN_LANGUAGE].example, stdin: '', language: MAIN_LANGUAGE };
const NO_DIAGNOSTICS: Diagnostic[] = [];
const SAVE_DELAY_MS = 300;
const NO_OUTPUT: Live = { runId: 0, interactive: false, segments: [], input: 'over' };

/** The run in flight: cancel() is the user's Cancel, drop() stops it for good without a word (the page moved on). */
interface ActiveRun {
  cancel(): void;
  drop(): void;
  send?(text: string): void;
  eof?(): void;
}

export function Playground() {
  // Null until mounted: the fragment and localStorage exist only in the browser.
  const [initial, setInitial] = useState<Snapshot | null>(null);
  const [stdin, setStdin] = useState('');
  const [language, setLanguage] = useState(DEFAULT.language);
  const [view, setView] = useState<RunView>({ kind: 'idle' });
  const [live, setLive] = useState<Live>(NO_OUTPUT);
  const [interactive, setInteractive] = useState(false);
  const [shared, setShared] = useState<{ url: string; copied: boolean } | null>(null);
  const [runKeys, setRunKeys] = useState('Ctrl+Enter');
  const [editorReady, setEditorReady] = useState(false);
  const [theme, toggleTheme] = useTheme();
  const languages = useLanguages();
  // Known from the catalogue before /api/languages answers; undefined only for an id it does not know.
  const languageInfo = useLanguage(language);
  const examples = languageInfo?.examples ?? [];

  const editorRef = useRef<EditorHandle | null>(null);
  const activeRef = useRef<ActiveRun | null>(null);
  const runIdRef = useRef(0);
  const interactiveRef = useRef(false);
  const snapshotRef = useRef<Snapshot>(DEFAULT);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const applyingShare = useRef(false);
  const shareButton = useRef<HTMLButtonElement>(null);

  const running = view.kind === 'running';
  const diagnostics = view.kind === 'result' ? view.result.Diagnostics : NO_DIAGNOSTICS;

  const flushDraft = useCallback(() => {
    clearTimeout(saveTimer.current);
    saveDraft(snapshotRef.current);
  }, []);

  /** Records an edit: saves it soon, and drops a share fragment that no longer matches the page. */
  const noteEdit = useCallback(
    (patch: Partial<Snapshot>) => {
      snapshotRef.current = { ...snapshotRef.current, ...patch };
      clearTimeout(saveTimer.current);
      saveTimer.current = setTimeout(flushDraft, SAVE_DELAY_MS);
      // Otherwise a reload would bring the shared program back over the user's edits.
      if (!applyingShare.current && isShareFragment(location.hash)) {
        history.replaceState(history.state, '', location.pathname + location.search);
      }
    },
    [flushDraft],
  );

  /** Back to "not run yet" (another program was loaded): a run still going is stopped first. */
  const showIdle = useCallback(() => {
    activeRef.current?.drop();
    activeRef.current = null;
    runIdRef.current++;
    setLive(NO_OUTPUT);
    setView({ kind: 'idle' });
  }, []);

  useEffect(() => {
    const start = decodeFragment(location.hash) ?? loadDraft() ?? DEFAULT;
    snapshotRef.current = start;
    // The fragment and the saved draft exist only in the browser, after hydration: the server renders
    // the default, and this first effect swaps in what the browser holds, once.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setInitial(start);
    setStdin(start.stdin);
    setLanguage(start.language);
    interactiveRef.current = loadInteractive();
    setInteractive(interactiveRef.current);
    if (/Mac|iPhone|iPad/.test(navigator.platform)) setRunKeys('⌘+Enter');

    // A share link pasted into this tab changes only the fragment: load it like a fresh page would.
    const onHashChange = () => {
      const s = decodeFragment(location.hash);
      if (!s || !editorRef.current) return;
      applyingShare.current = true;
      editorRef.current.replaceAll(s.code);
      applyingShare.current = false;
      snapshotRef.current = s;
      setStdin(s.stdin);
      setLanguage(s.language);
      showIdle();
    };
    window.addEventListener('hashchange', onHashChange);
    window.addEventListener('pagehide', flushDraft);
    return () => {
      window.removeEventListener('hashchange', onHashChange);
      window.removeEventListener('pagehide', flushDraft);
      flushDraft();
      activeRef.current?.drop();
      activeRef.current = null;
    };
  }, [flushDraft, showIdle]);

  const run = useCallback(() => {
    const editor = editorRef.current;
    if (!editor || activeRef.current) return; // one run at a time
    const snapshot = { ...snapshotRef.current, code: editor.getValue() };
    const runId = ++runIdRef.current;
    const mine = () => runIdRef.current === runId;
    const isInteractive = interactiveRef.current;
    setLive({ runId, interactive: isInteractive, segments: [], input: 'open' });
    setView({ kind: 'running', startedAt: performance.now(), stage: 'queued', stopping: false });

    const onOutput = (stream: OutputStream, text: string) => {
      if (mine()) setLive((l) => ({ ...l, segments: append(l.segments, stream, text) }));
    };
    const onStage = (stage: RunStage) => {
      if (mine()) setView((v) => (v.kind === 'running' ? { ...v, stage } : v));
    };
    const finish = (outcome: RunOutcome) => {
      if (!mine()) return; // cancelled or dropped: already said so
      activeRef.current = null;
      setLive((l) => ({ ...l, input: 'over' }));
      setView(outcome);
    };

    if (isInteractive) {
      const session = openSession(snapshot, { onStage, onOutput, onEnd: finish });
      activeRef.current = {
        // SIGKILL: the server answers with a cancelled result, which ends the run as any result does.
        cancel() {
          session.kill();
          setLive((l) => ({ ...l, input: 'over' }));
          setView((v) => (v.kind === 'running' ? { ...v, stopping: true } : v));
        },
        drop: () => session.close(),
        send: (text) => session.send(text),
        eof: () => session.eof(),
      };
      return;
    }
    const controller = new AbortController();
    const stop = () => {
      // Aborting the request makes the server kill the container.
      controller.abort();
      runIdRef.current++;
      activeRef.current = null;
    };
    activeRef.current = {
      cancel() {
        stop();
        setView({ kind: 'cancelled' });
      },
      drop: stop,
    };
    void streamRun(snapshot, controller.signal, (e) =>
      e.type === 'stage' ? onStage(e.stage) : onOutput(e.stream, e.text),
    ).then(finish);
  }, []);

  const cancel = useCallback(() => activeRef.current?.cancel(), []);

  /** A line typed into the console: to the program with its newline, and into the transcript as input. */
  const sendLine = useCallback((line: string) => {
    const active = activeRef.current;
    if (!active?.send) return;
    active.send(line + '\n');
    setLive((l) => ({ ...l, segments: append(l.segments, 'stdin', line + '\n') }));
  }, []);

  const endInput = useCallback((rest: string) => {
    const active = activeRef.current;
    if (!active?.eof) return;
    if (rest) {
      active.send?.(rest);
      setLive((l) => ({ ...l, segments: append(l.segments, 'stdin', rest) }));
    }
    active.eof();
    setLive((l) => ({ ...l, input: l.input === 'open' ? 'eof' : l.input }));
  }, []);

  function toggleInteractive(on: boolean) {
    interactiveRef.current = on;
    setInteractive(on);
    saveInteractive(on);
  }

  // Ctrl/Cmd+Enter anywhere on the page; inside the editor Monaco's own keybinding handles it.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.defaultPrevented) return;
      e.preventDefault();
      void run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [run]);

  function changeStdin(value: string) {
    setStdin(value);
    noteEdit({ stdin: value });
  }

  function loadExample(id: string) {
    const ex = examples.find((e) => e.id === id);
    if (!ex || !editorRef.current) return;
    editorRef.current.replaceAll(ex.code);
    if (ex.stdin !== undefined) changeStdin(ex.stdin);
    showIdle();
  }

  /** Keeps the code of the language left behind, and brings back what was last written in the new one. */
  function changeLanguage(id: string) {
    const editor = editorRef.current;
    const next = languages?.find((l) => l.id === id);
    if (!editor || !next || id === language) return;
    saveCodeFor(language, editor.getValue());
    setLanguage(id);
    noteEdit({ language: id });
    editor.replaceAll(loadCodeFor(id) ?? next.example);
    showIdle();
  }

  async function share() {
    const editor = editorRef.current;
    if (!editor) return;
    const url = shareUrl(location, { ...snapshotRef.current, code: editor.getValue() });
    history.replaceState(history.state, '', url);
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      // No clipboard access (insecure context, permission): the panel shows the link to copy.
    }
    setShared({ url, copied });
  }

  function closeShare() {
    setShared(null);
    shareButton.current?.focus();
  }

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <h1>
            Web<span>Compile</span>
          </h1>
          <LanguageBadge language={language} />
        </div>
        <div className="toolbar">
          <label className="visually-hidden" htmlFor="language-select">
            Language
          </label>
          <select
            id="language-select"
            data-testid="language-select"
            className="select"
            value={language}
            onChange={(e) => changeLanguage(e.target.value)}
            disabled={!editorReady || !languages}
          >
            {(languages ?? [languageInfo ?? { id: language, name: language }]).map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
          <label className="visually-hidden" htmlFor="example-select">
            Load an example
          </label>
          <select
            id="example-select"
            data-testid="example-select"
            className="select"
            value=""
            onChange={(e) => loadExample(e.target.value)}
            disabled={!editorReady}
          >
            <option value="" disabled>
              Examples…
            </option>
            {examples.map((ex) => (
              <option key={ex.id} value={ex.id}>
                {ex.title}
              </option>
            ))}
          </select>
          <button
            ref={shareButton}
            type="button"
            className="btn"
            data-testid="share-button"
            onClick={share}
            disabled={!editorReady}
          >
            Share
          </button>
          <ThemeToggle theme={theme} onToggle={toggleTheme} />
          <button
            type="button"
            className={running ? 'btn run cancel' : 'btn run'}
            data-testid="run-button"
            onClick={running ? cancel : run}
            disabled={!editorReady || (running && view.stopping)}
            aria-keyshortcuts="Control+Enter Meta+Enter"
          >
            {running ? (view.stopping ? 'Stopping…' : 'Cancel') : 'Run'}
            {!running && <kbd aria-hidden="true">{runKeys}</kbd>}
          </button>
          <label
            className="switch"
            title="Run the program in a console that takes its input as it runs"
            data-disabled={running || undefined}
          >
            <input
              type="checkbox"
              role="switch"
              data-testid="interactive-toggle"
              checked={interactive}
              onChange={(e) => toggleInteractive(e.target.checked)}
              disabled={running}
              aria-describedby="interactive-desc"
            />
            Interactive
            <span id="interactive-desc" className="visually-hidden">
              Run opens a console: the program&apos;s output as it comes, and a line to type its input.
            </span>
          </label>
        </div>
        {shared && <SharePanel url={shared.url} copied={shared.copied} onClose={closeShare} />}
      </header>

      <main className="workspace">
        <section className="panel editor-panel" aria-label="Code editor">
          {initial ? (
            <CodeEditor
              defaultValue={initial.code}
              language={languageInfo?.monaco ?? 'plaintext'}
              theme={theme}
              diagnostics={diagnostics}
              onChange={(code) => noteEdit({ code })}
              onRun={run}
              onReady={(handle) => {
                editorRef.current = handle;
                setEditorReady(true);
              }}
            />
          ) : (
            <div className="editor-loading">Loading editor…</div>
          )}
        </section>

        <div className="side">
          <section className="panel stdin-panel">
            <div className="panel-head">
              <h2>
                <label htmlFor="stdin">stdin</label>
              </h2>
              <span className="muted" id="stdin-hint">
                {interactive
                  ? 'not used in interactive mode: type the input into the console'
                  : (languageInfo?.stdinHint ?? "the program's standard input")}
              </span>
            </div>
            <textarea
              id="stdin"
              data-testid="stdin"
              value={stdin}
              onChange={(e) => changeStdin(e.target.value)}
              rows={4}
              spellCheck={false}
              placeholder="Input for the program (optional)"
              disabled={interactive}
              aria-describedby="stdin-hint"
            />
          </section>
          <OutputPanel
            view={view}
            live={live}
            interactiveMode={interactive}
            runKeys={runKeys}
            onGoto={(l, c) => editorRef.current?.revealAndFocus(l, c)}
            onLine={sendLine}
            onEof={endInput}
          />
        </div>
      </main>

      <footer className="statusbar">
        <StatusLine />
        <span className="muted hints">
          <kbd>{runKeys}</kbd> run · <kbd>Ctrl+M</kbd> Tab leaves the editor · each run gets a fresh sandbox
        </span>
      </footer>
    </div>
  );
}
