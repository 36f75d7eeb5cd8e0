'use client';
// The result of the last run: its status in words, timings, stdout, stderr and compile problems.
import { useEffect, useState } from 'react';
import { STATUS_TEXT, type RunResult } from '@/lib/contract/compile-response';
import { DiagnosticsList } from './diagnostics-list';
import { statusTone, statusWords, timings } from './format';
import type { RunView } from './run';

interface Props {
  view: RunView;
  runKeys: string;
  onGoto: (line: number, column: number) => void;
}

export function OutputPanel({ view, runKeys, onGoto }: Props) {
  return (
    <section className="panel output-panel" aria-labelledby="output-heading">
      <header className="panel-head">
        <h2 id="output-heading">Output</h2>
        <StatusBadge view={view} />
      </header>
      <div className="panel-body" data-testid="output-panel">
        <OutputBody view={view} runKeys={runKeys} onGoto={onGoto} />
      </div>
    </section>
  );
}

function StatusBadge({ view }: { view: RunView }) {
  let tone = 'idle';
  let text: React.ReactNode = 'Not run yet';
  if (view.kind === 'running') {
    tone = 'busy';
    text = <Elapsed since={view.startedAt} />;
  } else if (view.kind === 'result') {
    tone = statusTone(view.result);
    text = statusWords(view.result);
  } else if (view.kind === 'http-error') {
    tone = 'bad';
    text = `Request failed (HTTP ${view.status})`;
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
function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(since);
  useEffect(() => {
    const id = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(id);
  }, []);
  // The ticking seconds are hidden from screen readers, which would otherwise read every tick.
  return (
    <>
      Running…<span aria-hidden="true"> {((now - since) / 1000).toFixed(1)} s</span>
    </>
  );
}

function OutputBody({ view, runKeys, onGoto }: Props) {
  switch (view.kind) {
    case 'idle':
      return (
        <p className="hint">
          Press <strong>Run</strong> or <kbd>{runKeys}</kbd> to compile and run the program in a fresh sandbox.
        </p>
      );
    case 'running':
      return <p className="hint">Compiling and running…</p>;
    case 'cancelled':
      return <p className="hint">You stopped the run; its sandbox was thrown away.</p>;
    case 'network-error':
      return <ErrorText title="Could not reach WebCompile" text={view.message} />;
    case 'http-error':
      return (
        <ErrorText
          title="The server refused the run"
          text={view.message + (view.retryAfterS ? `\nTry again in ${view.retryAfterS} s.` : '')}
        />
      );
    case 'result':
      return <Result r={view.result} onGoto={onGoto} />;
  }
}

function Result({ r, onGoto }: { r: RunResult; onGoto: Props['onGoto'] }) {
  const compiled = r.Status !== 'compile_error' && r.Status !== 'compile_timeout';
  return (
    <>
      <dl className="timings" aria-label="Timings">
        {timings(r).map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {compiled && (
        <section className="block" aria-labelledby="stdout-heading">
          <h3 id="stdout-heading" className="block-title">
            stdout {r.Truncated && <span className="count">truncated</span>}
          </h3>
          <pre className="stream" data-testid="output" tabIndex={0}>
            {r.Output || <span className="empty">(no output)</span>}
          </pre>
        </section>
      )}
      {r.Diagnostics.length > 0 && <DiagnosticsList diagnostics={r.Diagnostics} onGoto={onGoto} />}
      {r.ErrorString && <ErrorText title={compiled ? 'stderr' : 'Compiler output'} text={r.ErrorString} />}
    </>
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
