// Words and numbers for the output panel, kept apart from the markup so they read plainly.
import { STATUS_TEXT, type RunResult, type TestResult } from '@/lib/contract/compile-response';

export type Tone = 'good' | 'bad' | 'warn';

export function statusWords(r: Pick<RunResult, 'Status' | 'ExitCode'>): string {
  const words = STATUS_TEXT[r.Status] ?? r.Status;
  if (r.Status === 'runtime_error' && r.ExitCode !== null) return `${words} (exit code ${r.ExitCode})`;
  return words;
}

/** ok → good, compile/runtime errors and wrong answers → bad, limits and cancellation → warn: drives the badge colour. */
export function statusTone(r: Pick<RunResult, 'Status'>): Tone {
  if (r.Status === 'ok') return 'good';
  if (r.Status === 'compile_error' || r.Status === 'runtime_error' || r.Status === 'wrong_answer') return 'bad';
  return 'warn';
}

/** The badge of a run with tests: every test passed, or the status of the first that did not. */
export function testRunWords(r: RunResult & { Tests: TestResult[] }): string {
  if (r.Status !== 'ok' || r.Tests.length === 0) return statusWords(r);
  const judged = r.Tests.filter((t) => t.Passed !== null).length;
  if (judged === 0) return `Ran ${plural(r.Tests.length, 'test')}`;
  return judged === r.Tests.length ? `All ${plural(judged, 'test')} passed` : `${plural(judged, 'test')} passed`;
}

/** "2 of 3 tests passed", counting only tests with an expected output. */
export function testsSummary(tests: TestResult[]): string {
  const judged = tests.filter((t) => t.Passed !== null);
  const passed = judged.filter((t) => t.Passed).length;
  const unjudged = tests.length - judged.length;
  const parts = judged.length ? [`${passed} of ${plural(judged.length, 'test')} passed`] : [];
  if (unjudged) parts.push(`${plural(unjudged, 'test')} without an expected output`);
  return parts.join(', ');
}

/** One test's verdict: passed, failed (and how), or, without an expected output, how it ran. */
export function testVerdict(t: TestResult): { tone: Tone; text: string } {
  if (t.Passed === true) return { tone: 'good', text: 'Passed' };
  // A test that ran fine but printed something else is a wrong answer, whatever the status says.
  const words = t.Status === 'ok' ? STATUS_TEXT.wrong_answer : statusWords(t);
  if (t.Passed === false) return { tone: 'bad', text: `Failed: ${words}` };
  return t.Status === 'ok' ? { tone: 'good', text: 'Ran' } : { tone: statusTone(t), text: statusWords(t) };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatKB(kb: number): string {
  return kb >= 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${kb} KB`;
}

/** Only the figures the server measured: a run that never compiled has no compile time. */
export function timings(r: RunResult): Array<[label: string, value: string]> {
  const show = (v: number | null, f: (n: number) => string) => (typeof v === 'number' ? f(v) : null);
  const rows: Array<[string, string | null]> = [
    ['Total', show(r.LatencyInMS, formatMs)],
    ['Queue', show(r.QueueMS, formatMs)],
    // A cached compile took no time: say where the program came from instead.
    ['Compile', r.CompileCached ? 'cached' : show(r.CompileMS, formatMs)],
    ['Run', show(r.RunMS, formatMs)],
    ['CPU', show(r.CpuTimeMS, formatMs)],
    ['Memory', show(r.MemoryKB, formatKB)],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== null);
}
