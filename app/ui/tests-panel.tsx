'use client';
// Test cases: each a stdin, an expected output and, if it needs its own, arguments. Run tests sends
// them all in one request (the program compiled once, each test in its own sandbox); each test then
// shows its verdict, and a failed one the lines where its output and the expected one differ.
import type { TestResult } from '@/lib/contract/compile-response';
import { ArgsInput } from './args-input';
import { formatMs, plural, testVerdict } from './format';
import { diffLines } from './line-diff';
import type { TestCase } from './share';

/** The API takes at most this many tests in one request. */
export const MAX_TESTS = 32;

export interface TestDraft extends TestCase {
  /** Stable across removals, for React and for matching results to tests. */
  id: number;
}

/** One test's last result, with the test as it was sent (the result is shown only while the test still is). */
export interface TestOutcome {
  sent: TestCase;
  result: TestResult;
}

interface Props {
  tests: TestDraft[];
  outcomes: ReadonlyMap<number, TestOutcome>;
  /** A run (of the program or the tests) is in flight: one at a time. */
  busy: boolean;
  ready: boolean;
  onChange: (tests: TestDraft[]) => void;
  onAdd: () => void;
  onRun: () => void;
}

export function TestsPanel({ tests, outcomes, busy, ready, onChange, onAdd, onRun }: Props) {
  const update = (id: number, patch: Partial<TestCase>) =>
    onChange(tests.map((t) => (t.id === id ? { ...t, ...patch } : t)));
  return (
    <section className="panel tests-panel" aria-labelledby="tests-heading" data-testid="tests-panel">
      <div className="panel-head">
        <h2 id="tests-heading">
          Tests <span className="count">{tests.length}</span>
        </h2>
        <span className="panel-actions">
          <button
            type="button"
            className="btn small"
            data-testid="add-test"
            onClick={onAdd}
            disabled={tests.length >= MAX_TESTS}
          >
            Add test
          </button>
          <button
            type="button"
            className="btn small"
            data-testid="run-tests"
            onClick={onRun}
            disabled={!ready || busy || tests.length === 0}
            aria-describedby="tests-hint"
          >
            Run tests
          </button>
        </span>
      </div>
      <div className="panel-body tests-body">
        <p id="tests-hint" className="hint">
          {tests.length === 0
            ? 'Check the program against inputs and the output they should give.'
            : 'Compiled once, each test runs in its own sandbox. Trailing spaces and blank lines do not count; a test without an expected output is run, not judged.'}
        </p>
        {tests.map((t, i) => (
          <TestCaseEditor
            key={t.id}
            index={i}
            test={t}
            outcome={outcomes.get(t.id)}
            onChange={(patch) => update(t.id, patch)}
            onRemove={() => onChange(tests.filter((x) => x.id !== t.id))}
          />
        ))}
      </div>
    </section>
  );
}

interface CaseProps {
  index: number;
  test: TestDraft;
  outcome: TestOutcome | undefined;
  onChange: (patch: Partial<TestCase>) => void;
  onRemove: () => void;
}

function TestCaseEditor({ index, test, outcome, onChange, onRemove }: CaseProps) {
  const n = index + 1;
  const key = `test-${test.id}`;
  // A result says what the test was when it ran; once the test is edited it says nothing about it.
  const current = outcome && sameCase(outcome.sent, test) ? outcome.result : undefined;
  return (
    <fieldset className="test-case" data-testid="test-case" aria-labelledby={`${key}-name`}>
      <legend>
        <span id={`${key}-name`}>
          Test {n}
          {current && <Verdict result={current} />}
        </span>
        {current && <span className="muted test-figures">{figures(current)}</span>}
        {outcome && !current && <span className="muted test-figures">edited since it ran</span>}
        <button
          type="button"
          className="btn small ghost"
          data-testid="remove-test"
          onClick={onRemove}
          aria-label={`Remove test ${n}`}
        >
          Remove
        </button>
      </legend>
      <div className="test-fields">
        <div className="field">
          <label htmlFor={`${key}-stdin`}>stdin</label>
          <textarea
            id={`${key}-stdin`}
            data-testid="test-stdin"
            value={test.stdin}
            onChange={(e) => onChange({ stdin: e.target.value })}
            rows={2}
            spellCheck={false}
          />
        </div>
        <div className="field">
          <label htmlFor={`${key}-expected`}>Expected output</label>
          <textarea
            id={`${key}-expected`}
            data-testid="test-expected"
            value={test.expectedOutput}
            onChange={(e) => onChange({ expectedOutput: e.target.value })}
            rows={2}
            spellCheck={false}
            placeholder="(not judged)"
          />
        </div>
      </div>
      <div className="field inline">
        <label htmlFor={`${key}-args`}>Arguments</label>
        <ArgsInput
          id={`${key}-args`}
          testId="test-args"
          value={test.args}
          onChange={(args) => onChange({ args })}
          placeholder="(the program's)"
        />
      </div>
      {current && <TestDetails result={current} expected={outcome!.sent.expectedOutput} />}
    </fieldset>
  );
}

function figures(t: TestResult): string {
  return [
    t.RunMS !== null ? formatMs(t.RunMS) : null,
    t.ExitCode !== null && t.ExitCode !== 0 ? `exit code ${t.ExitCode}` : null,
    t.Truncated ? 'output truncated' : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

function sameCase(a: TestCase, b: TestCase): boolean {
  return a.stdin === b.stdin && a.args === b.args && a.expectedOutput === b.expectedOutput;
}

function Verdict({ result }: { result: TestResult }) {
  const { tone, text } = testVerdict(result);
  return (
    <span className={`badge ${tone}`} data-testid="test-verdict">
      {text}
    </span>
  );
}

function TestDetails({ result, expected }: { result: TestResult; expected: string }) {
  const output = (
    <pre className="stream" data-testid="test-output" tabIndex={0} aria-label="Output">
      {result.Output || <span className="empty">(no output)</span>}
    </pre>
  );
  return (
    <div className="test-details">
      {result.Passed === false ? (
        <Diff expected={expected} actual={result.Output} />
      ) : result.Passed ? (
        // A passed test's output is its expected one: there if wanted, out of the way otherwise.
        <details>
          <summary>Output</summary>
          {output}
        </details>
      ) : (
        output
      )}
      {result.ErrorString && (
        <pre className="stream stderr" data-testid="test-stderr" tabIndex={0} aria-label="stderr">
          {result.ErrorString}
        </pre>
      )}
    </div>
  );
}

/** How many diff lines are drawn; the rest is counted (a runaway output would make thousands). */
const MAX_DIFF_LINES = 400;

function Diff({ expected, actual }: { expected: string; actual: string }) {
  const lines = diffLines(expected, actual);
  const missing = lines.filter((l) => l.kind === 'expected').length;
  const extra = lines.filter((l) => l.kind === 'actual').length;
  const shown = lines.slice(0, MAX_DIFF_LINES);
  return (
    <figure className="diff-figure">
      <figcaption className="muted">
        <span className="diff-key expected">− expected</span> <span className="diff-key actual">+ actual</span> ·{' '}
        {missing + extra === 0
          ? 'the lines compared are equal'
          : `${plural(missing, 'line')} only expected, ${plural(extra, 'line')} only in the output`}
      </figcaption>
      <pre className="stream diff" data-testid="test-diff" tabIndex={0}>
        {shown.map((l, i) =>
          l.kind === 'same' ? (
            <span key={i} className="diff-line same">
              {'  ' + l.text}
            </span>
          ) : l.kind === 'expected' ? (
            <del key={i} className="diff-line expected">
              {'− ' + l.text}
            </del>
          ) : (
            <ins key={i} className="diff-line actual">
              {'+ ' + l.text}
            </ins>
          ),
        )}
        {lines.length > shown.length && (
          <span className="diff-line more">… {plural(lines.length - shown.length, 'more line')}</span>
        )}
      </pre>
    </figure>
  );
}
