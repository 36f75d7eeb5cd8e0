'use client';
// The page's one interactive piece: it owns the program (its files, stdin, arguments, tests,
// language), the run in flight (streamed, interactive over a WebSocket, or of the tests), its output
// and the last result, and wires the editor, its file tabs, the toolbar and the panels together.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CATALOGUE, catalogueEntry, MAIN_LANGUAGE } from '@/lib/languages/catalogue';
import type { Diagnostic } from '@/lib/contract/diagnostic';
import { ArgsInput } from './args-input';
import { CodeEditor, type EditorHandle } from './code-editor';
import { entryFileName } from './file-kinds';
import { FileTabs, tabId, type FileTab } from './file-tabs';
import { openSession } from './interactive';
import { fileOf } from './markers';
import { OutputPanel, type Live } from './output-panel';
import { connectInit, runBody, testsBody } from './request-body';
import { jsonRun, streamRun, type OutputStream, type RunOutcome, type RunStage, type RunView } from './run';
import { decodeFragment, isShareFragment, shareUrl, type Snapshot, type SourceFile, type TestCase } from './share';
import { TestsPanel, type TestDraft, type TestOutcome } from './tests-panel';
import { SharePanel } from './share-panel';
import { LanguageBadge, StatusLine } from './status-line';
import { useLanguage, useLanguages } from './languages';
import { loadCodeFor, loadDraft, loadInteractive, saveCodeFor, saveDraft, saveInteractive } from './storage';
import { useTheme } from './theme';
import { ThemeToggle } from './theme-toggle';
import { append } from './transcript';

const DEFAULT: Snapshot = {
  files: [{ name: entryFileName(CATALOGUE[MAIN_LANGUAGE].monaco), content: CATALOGUE[MAIN_LANGUAGE].example }],
  stdin: '',
  language: MAIN_LANGUAGE,
  args: '',
  tests: [],
};
const NO_DIAGNOSTICS: Diagnostic[] = [];
const NO_OUTCOMES: ReadonlyMap<number, TestOutcome> = new Map();
const EDITOR_PANEL = 'editor-tabpanel';

/** The Monaco language of a program's entry when its extension says nothing. */
const monacoOf = (language: string) => catalogueEntry(language)?.monaco ?? 'plaintext';

/** The tests of the last test run, as sent, in order: its results are matched to them by position. */
interface TestRun {
  runId: number;
  ids: number[];
  sent: TestCase[];
}
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
  const [args, setArgs] = useState('');
  const [files, setFiles] = useState<FileTab[]>([]);
  const [active, setActive] = useState('');
  const [tests, setTests] = useState<TestDraft[]>([]);
  const [testRun, setTestRun] = useState<TestRun | null>(null);
  const testsRef = useRef<TestDraft[]>([]);
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
  // Ids for tabs and tests, so React (and the focus) keep track of them through renames and removals.
  const nextId = useRef(1);
  const tabsFor = useCallback((names: string[]) => names.map((name) => ({ id: nextId.current++, name })), []);
  const draftsFor = useCallback((cases: TestCase[]) => cases.map((t) => ({ ...t, id: nextId.current++ })), []);

  const running = view.kind === 'running';
  const diagnostics = view.kind === 'result' ? view.result.Diagnostics : NO_DIAGNOSTICS;
  const names = useMemo(() => files.map((f) => f.name), [files]);
  const activeTab = files.find((f) => f.name === active);

  // The last test run's results, by test, while its result is the one on show.
  const outcomes = useMemo(() => {
    const results = view.kind === 'result' ? view.result.Tests : undefined;
    if (!results || !testRun || testRun.runId !== live.runId) return NO_OUTCOMES;
    const map = new Map<number, TestOutcome>();
    testRun.ids.forEach((id, i) => {
      if (results[i]) map.set(id, { sent: testRun.sent[i], result: results[i] });
    });
    return map;
  }, [view, testRun, live.runId]);

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

  /** The page's state from a snapshot (the tabs; the editor's models are the caller's). */
  const showSnapshot = useCallback(
    (s: Snapshot) => {
      snapshotRef.current = s;
      setFiles(tabsFor(s.files.map((f) => f.name)));
      setActive(s.files[0].name);
      setStdin(s.stdin);
      setArgs(s.args);
      testsRef.current = draftsFor(s.tests);
      setTests(testsRef.current);
      setLanguage(s.language);
    },
    [tabsFor, draftsFor],
  );

  useEffect(() => {
    const start = decodeFragment(location.hash) ?? loadDraft() ?? DEFAULT;
    // The fragment and the saved draft exist only in the browser, after hydration: the server renders
    // the default, and this first effect swaps in what the browser holds, once.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setInitial(start);
    showSnapshot(start);
    interactiveRef.current = loadInteractive();
    setInteractive(interactiveRef.current);
    if (/Mac|iPhone|iPad/.test(navigator.platform)) setRunKeys('⌘+Enter');

    // A share link pasted into this tab changes only the fragment: load it like a fresh page would.
    const onHashChange = () => {
      const s = decodeFragment(location.hash);
      if (!s || !editorRef.current) return;
      applyingShare.current = true;
      editorRef.current.replace(s.files, monacoOf(s.language));
      applyingShare.current = false;
      showSnapshot(s);
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
  }, [flushDraft, showIdle, showSnapshot]);

  /** A run the page cannot send: said in the output panel, as a refusal would be. */
  const refuse = useCallback((message: string) => {
    runIdRef.current++;
    setLive(NO_OUTPUT);
    setView({ kind: 'invalid', message });
  }, []);

  /** A request in flight that Cancel stops: aborting it makes the server kill the container. */
  const cancellable = useCallback((): AbortController => {
    const controller = new AbortController();
    const stop = () => {
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
    return controller;
  }, []);

  const run = useCallback(() => {
    const editor = editorRef.current;
    if (!editor || activeRef.current) return; // one run at a time
    const snapshot = { ...snapshotRef.current, files: editor.files() };
    const isInteractive = interactiveRef.current;
    const built = runBody(snapshot);
    if (built.problem !== null) return refuse(built.problem);
    const runId = ++runIdRef.current;
    const mine = () => runIdRef.current === runId;
    setTestRun(null);
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
      const session = openSession(connectInit(built.body), { onStage, onOutput, onEnd: finish });
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
    const controller = cancellable();
    void streamRun(built.body, controller.signal, (e) =>
      e.type === 'stage' ? onStage(e.stage) : onOutput(e.stream, e.text),
    ).then(finish);
  }, [refuse, cancellable]);

  /** Run tests: one JSON request with every test (never the WebSocket: a test has no one typing). */
  const runTests = useCallback(() => {
    const editor = editorRef.current;
    if (!editor || activeRef.current) return;
    const snapshot = { ...snapshotRef.current, files: editor.files() };
    if (snapshot.tests.length === 0) return;
    const built = testsBody(snapshot);
    if (built.problem !== null) return refuse(built.problem);
    const runId = ++runIdRef.current;
    const mine = () => runIdRef.current === runId;
    setTestRun({ runId, ids: testsRef.current.map((t) => t.id), sent: snapshot.tests });
    setLive({ runId, interactive: false, segments: [], input: 'over' });
    setView({
      kind: 'running',
      startedAt: performance.now(),
      stage: 'queued',
      stopping: false,
      tests: snapshot.tests.length,
    });
    const controller = cancellable();
    void jsonRun(built.body, controller.signal).then((outcome) => {
      if (!mine()) return;
      activeRef.current = null;
      setView(outcome);
    });
  }, [refuse, cancellable]);

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

  function changeArgs(value: string) {
    setArgs(value);
    noteEdit({ args: value });
  }

  function changeTests(next: TestDraft[]) {
    testsRef.current = next;
    setTests(next);
    noteEdit({ tests: next.map(({ stdin, args, expectedOutput }) => ({ stdin, args, expectedOutput })) });
  }

  /** Records a change to the files (the editor holds them) and shows `shown`'s tab. */
  function filesChanged(tabs: (old: FileTab[]) => FileTab[], shown: string) {
    const editor = editorRef.current;
    if (!editor) return;
    setFiles(tabs);
    setActive(shown);
    noteEdit({ files: editor.files() });
  }

  function selectFile(name: string) {
    editorRef.current?.show(name);
    setActive(name);
  }

  function addFile(name: string) {
    const editor = editorRef.current;
    if (!editor) return;
    editor.add(name, '');
    const id = nextId.current++;
    filesChanged((old) => [...old, { id, name }], name);
    editor.focus();
  }

  function renameFile(from: string, to: string) {
    const editor = editorRef.current;
    if (!editor) return;
    editor.rename(from, to);
    filesChanged((old) => old.map((t) => (t.name === from ? { ...t, name: to } : t)), active === from ? to : active);
  }

  function deleteFile(name: string) {
    const editor = editorRef.current;
    if (!editor) return;
    const i = names.indexOf(name);
    editor.remove(name);
    filesChanged((old) => old.filter((t) => t.name !== name), active === name ? names[i - 1] : active);
  }

  /** A diagnostic's place: its file's tab first (the entry for one naming no file of the program). */
  function gotoDiagnostic(d: Diagnostic) {
    const name = fileOf(d, names);
    selectFile(name);
    editorRef.current?.revealAndFocus(d.line, d.column);
  }

  /** An example is a program of one file: the entry gets its text (one undoable edit), the others go. */
  function loadExample(id: string) {
    const ex = examples.find((e) => e.id === id);
    const editor = editorRef.current;
    if (!ex || !editor) return;
    editor.loadEntry(ex.code);
    filesChanged((old) => old.slice(0, 1), names[0]);
    if (ex.stdin !== undefined) changeStdin(ex.stdin);
    showIdle();
  }

  /**
   * Keeps the entry's code of the language left behind, and brings back what was last written in the
   * new one: a program of one file (arguments and tests stay, they may suit the new language too).
   */
  function changeLanguage(id: string) {
    const editor = editorRef.current;
    const next = languages?.find((l) => l.id === id);
    if (!editor || !next || id === language) return;
    saveCodeFor(language, editor.files()[0].content);
    const program: SourceFile[] = [{ name: entryFileName(next.monaco), content: loadCodeFor(id) ?? next.example }];
    editor.replace(program, next.monaco);
    setLanguage(id);
    noteEdit({ language: id });
    filesChanged(() => tabsFor([program[0].name]), program[0].name);
    showIdle();
  }

  async function share() {
    const editor = editorRef.current;
    if (!editor) return;
    const url = shareUrl(location, { ...snapshotRef.current, files: editor.files() });
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

  function addTest() {
    changeTests([...testsRef.current, { id: nextId.current++, stdin: '', args: '', expectedOutput: '' }]);
  }

  /** An edit in one file's model: kept in the snapshot, saved soon. */
  function editFile(name: string, content: string) {
    const files = snapshotRef.current.files.map((f) => (f.name === name ? { ...f, content } : f));
    noteEdit({ files });
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
          <FileTabs
            files={files}
            active={active}
            disabled={!editorReady}
            panelId={EDITOR_PANEL}
            onSelect={selectFile}
            onAdd={addFile}
            onRename={renameFile}
            onDelete={deleteFile}
          />
          <div
            className="editor-tabpanel"
            id={EDITOR_PANEL}
            role="tabpanel"
            aria-labelledby={activeTab ? tabId(activeTab) : undefined}
          >
            {initial ? (
              <CodeEditor
                initialFiles={initial.files}
                language={monacoOf(initial.language)}
                theme={theme}
                diagnostics={diagnostics}
                onEdit={editFile}
                onRun={run}
                onReady={(handle) => {
                  editorRef.current = handle;
                  setEditorReady(true);
                }}
              />
            ) : (
              <div className="editor-loading">Loading editor…</div>
            )}
          </div>
        </section>

        <div className="side">
          <section className="panel args-panel">
            <div className="panel-head">
              <h2>
                <label htmlFor="args">Arguments</label>
              </h2>
              <span className="muted" id="args-hint">
                split as a shell would: &quot;a b&quot; is one argument
              </span>
            </div>
            <ArgsInput
              id="args"
              testId="args"
              value={args}
              onChange={changeArgs}
              placeholder={`e.g. input.txt "two words" 'single quoted'`}
              describedBy="args-hint"
              emptyText="No arguments."
            />
          </section>
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
          <TestsPanel
            tests={tests}
            outcomes={outcomes}
            busy={running}
            ready={editorReady}
            onChange={changeTests}
            onAdd={addTest}
            onRun={runTests}
          />
          <OutputPanel
            view={view}
            live={live}
            interactiveMode={interactive}
            runKeys={runKeys}
            onGoto={gotoDiagnostic}
            fileLabel={(d) => (names.length > 1 ? fileOf(d, names) : null)}
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
