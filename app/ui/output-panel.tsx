'use client';
// The run: its status in words, its output as it arrives (in interactive runs, a console that takes
// input), and once it ends the result: timings, stdout, stderr and compile problems.
import { useEffect, useState } from 'react';
import { STATUS_TEXT, type RunResult, type TestResult } from '@/lib/contract/compile-response';
import type { Diagnostic } from '@/lib/contract/diagnostic';
import { Console, type InputState } from './console';
import { DiagnosticsList } from './diagnostics-list';
import { statusTone, statusWords, testRunWords, testsSummary, testVerdict, timings } from './format';
import type { RunStage, RunView } from './run';
import { appendNote, endingNotes, type Segment } from './transcript';

/** The output of the run on show, as it arrived, and whether it was an interactive one. */
export interface Live {
  /** Tells one run's console from the next one's. */
  runId: number;
  interactive: boolean;
  segments: Segment[];
  input: InputState;
}

interface Props {
  view: RunView;
  live: Live;
  /** The mode the next run will use (for the hint before any run). */
  interactiveMode: boolean;
  runKeys: string;
  onGoto: (d: Diagnostic) => void;
  /** The file a diagnostic is in, when the program has several (the list names it); null otherwise. */
  fileLabel: (d: Diagnostic) => string | null;
  onLine: (line: string) => void;
  onEof: (rest: string) => void;
}

export function OutputPanel(props: Props) {
  const { view, live } = props;
  // The console fills the panel and scrolls itself, its input line staying in view.
  const consoleShown =
    view.kind === 'running' ||
    (view.kind !== 'idle' && (live.interactive || (view.kind !== 'result' && live.segments.length > 0)));
  return (
    <section className="panel output-panel" aria-labelledby="output-heading">
      <header className="panel-head">
        <h2 id="output-heading">{live.interactive && view.kind !== 'idle' ? 'Console' : 'Output'}</h2>
        <StatusBadge view={view} />
      </header>
      <div className={consoleShown ? 'panel-body with-console' : 'panel-body'} data-testid="output-panel">
        <OutputBody {...props} />
      </div>
    </section>
  );
}

const STAGE_TEXT: Record<RunStage, string> = {
  queued: 'Waiting for a sandbox…',
  compiling: 'Compiling…',
  running: 'Running…',
};

function StatusBadge({ view }: { view: RunView }) {
  let tone = 'idle';
  let text: React.ReactNode = 'Not run yet';
  if (view.kind === 'running') {
    tone = 'busy';
    const words = view.tests ? `Running ${view.tests} test${view.tests === 1 ? '' : 's'}…` : STAGE_TEXT[view.stage];
    text = view.stopping ? 'Stopping…' : <Elapsed since={view.startedAt} words={words} />;
  } else if (view.kind === 'result') {
    const r = view.result;
    tone = statusTone(r);
    text = hasTests(r) ? testRunWords(r) : statusWords(r);
  } else if (view.kind === 'invalid') {
    tone = 'bad';
    text = 'Not sent';
  } else if (view.kind === 'http-error') {
    tone = 'bad';
    text = `Request failed (HTTP ${view.status})`;
  } else if (view.kind === 'refused') {
    tone = 'bad';
    text = 'Run refused';
  } else if (view.kind === 'network-error') {
    tone = 'bad';
    text = 'Server unreachable';
  } else if (view.kind === 'cancelled') {
    tone = 'warn';
    text = STATUS_TEXT.cancelled;
  }
  return (
    <span className={`badge ${tone}`} data-testid="status" data-kind={view.kind} role="status">
      {text}
    </span>
  );
}

/** "Running… 1.2 s": a run can take seconds, and a ticking clock shows it is not stuck. */
function Elapsed({ since, words }: { since: number; words: string }) {
  const [now, setNow] = useState(since);
  useEffect(() => {
    const id = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(id);
  }, []);
  // The ticking seconds are hidden from screen readers, which would otherwise read every tick.
  return (
    <>
      {words}
      <span aria-hidden="true"> {((now - since) / 1000).toFixed(1)} s</span>
    </>
  );
}

function OutputBody({ view, live, interactiveMode, runKeys, onGoto, fileLabel, onLine, onEof }: Props) {
  if (view.kind === 'idle') {
    return interactiveMode ? (
      <p className="hint">
        Interactive mode: press <strong>Run</strong> or <kbd>{runKeys}</kbd> and the program runs in a console here;
        type its input as it asks for it.
      </p>
    ) : (
      <p className="hint">
        Press <strong>Run</strong> or <kbd>{runKeys}</kbd> to compile and run the program in a fresh sandbox.
      </p>
    );
  }
  // A normal run's result is shown as it always was, from the RunResult alone: the output that
  // streamed in while it ran is not shown a second time.
  if (view.kind === 'result' && !live.interactive)
    return <Result r={view.result} onGoto={onGoto} fileLabel={fileLabel} />;
  if (view.kind === 'invalid') return <ErrorText title="The run was not sent" text={view.message} />;
  // A test run reports nothing as it goes: no console, its verdicts come with the result.
  if (view.kind === 'running' && view.tests) {
    return (
      <p className="hint">
        Compiling the program once, then running {view.tests === 1 ? 'the test' : `the ${view.tests} tests`}, each in
        its own sandbox…
      </p>
    );
  }

  // Otherwise the console, in one place of the tree from the run's start to its end, so that its
  // input line (and the keyboard focus in it) survives the result's arrival.
  let before: React.ReactNode = null;
  let after: React.ReactNode = null;
  let segments = live.segments;
  let emptyText = '(no output)';
  let showConsole = live.interactive || segments.length > 0;
  switch (view.kind) {
    case 'running':
      showConsole = true;
      emptyText = view.stage === 'running' ? 'No output yet…' : STAGE_TEXT[view.stage];
      break;
    case 'result': {
      const r = view.result;
      const compiled = isCompiled(r);
      before = <Timings r={r} />;
      segments = endingNotes(r, segments).reduce(appendNote, segments);
      if (!compiled) emptyText = 'The program did not run.';
      after = (
        <>
          {r.Diagnostics.length > 0 && (
            <DiagnosticsList diagnostics={r.Diagnostics} onGoto={onGoto} fileLabel={fileLabel} />
          )}
          {!compiled && r.ErrorString && <ErrorText title="Compiler output" text={r.ErrorString} />}
        </>
      );
      break;
    }
    case 'cancelled':
      after = <p className="hint">You stopped the run; its sandbox was thrown away.</p>;
      break;
    case 'network-error':
      after = <ErrorText title="Could not reach WebCompile" text={view.message} />;
      break;
    case 'refused':
      after = <ErrorText title="The server refused the run" text={view.message} />;
      break;
    case 'http-error':
      after = (
        <ErrorText
          title="The server refused the run"
          text={view.message + (view.retryAfterS ? `\nTry again in ${view.retryAfterS} s.` : '')}
        />
      );
      break;
  }
  return (
    <>
      {before}
      {showConsole && (
        <Console
          key={live.runId}
          segments={segments}
          emptyText={emptyText}
          input={live.interactive ? { state: live.input, onLine, onEof } : undefined}
        />
      )}
      {after}
    </>
  );
}

function isCompiled(r: RunResult): boolean {
  return r.Status !== 'compile_error' && r.Status !== 'compile_timeout';
}

function Timings({ r }: { r: RunResult }) {
  return (
    <dl className="timings" aria-label="Timings">
      {timings(r).map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function hasTests(r: RunResult): r is RunResult & { Tests: TestResult[] } {
  return Array.isArray(r.Tests);
}

function Result({ r, onGoto, fileLabel }: { r: RunResult } & Pick<Props, 'onGoto' | 'fileLabel'>) {
  const compiled = isCompiled(r);
  const tests = hasTests(r);
  return (
    <>
      <Timings r={r} />
      {tests && compiled && <TestsOverview tests={r.Tests} />}
      {!tests && compiled && (
        <section className="block" aria-labelledby="stdout-heading">
          <h3 id="stdout-heading" className="block-title">
            stdout {r.Truncated && <span className="count">truncated</span>}
          </h3>
          <pre className="stream" data-testid="output" tabIndex={0}>
            {r.Output || <span className="empty">(no output)</span>}
          </pre>
        </section>
      )}
      {r.Diagnostics.length > 0 && (
        <DiagnosticsList diagnostics={r.Diagnostics} onGoto={onGoto} fileLabel={fileLabel} />
      )}
      {r.ErrorString && <ErrorText title={compiled && !tests ? 'stderr' : 'Compiler output'} text={r.ErrorString} />}
    </>
  );
}

/** The tests at a glance; each one's output and diff are in the Tests panel, beside the test. */
function TestsOverview({ tests }: { tests: TestResult[] }) {
  return (
    <section className="block" aria-labelledby="tests-result-heading">
      <h3 id="tests-result-heading" className="block-title">
        Tests <span className="count">{testsSummary(tests)}</span>
      </h3>
      <ol className="test-overview" data-testid="tests-overview">
        {tests.map((t, i) => {
          const { tone, text } = testVerdict(t);
          return (
            <li key={i}>
              Test {i + 1}: <span className={`badge ${tone}`}>{text}</span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function ErrorText({ title, text }: { title: string; text: string }) {
  return (
    <section className="block" aria-label={title}>
      <h3 className="block-title">{title}</h3>
      <pre className="stream stderr" data-testid="error-text" tabIndex={0}>
        {text}
      </pre>
    </section>
  );
}
