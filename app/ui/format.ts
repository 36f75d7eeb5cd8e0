// Words and numbers for the output panel, kept apart from the markup so they read plainly.
import { STATUS_TEXT, type RunResult } from '@/lib/runner/result';

export function statusWords(r: RunResult): string {
  const words = STATUS_TEXT[r.Status] ?? r.Status;
  if (r.Status === 'runtime_error' && r.ExitCode !== null) return `${words} (exit code ${r.ExitCode})`;
  return words;
}

/** ok → good, compile/runtime errors → bad, limits and cancellation → warn: drives the badge colour. */
export function statusTone(r: RunResult): 'good' | 'bad' | 'warn' {
  if (r.Status === 'ok') return 'good';
  if (r.Status === 'compile_error' || r.Status === 'runtime_error') return 'bad';
  return 'warn';
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatKB(kb: number): string {
  return kb >= 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${kb} KB`;
}

/** Only the figures the server measured: a run that never compiled has no compile time. */
export function timings(r: RunResult): Array<[label: string, value: string]> {
  const rows: Array<[string, number | null, (n: number) => string]> = [
    ['Total', r.LatencyInMS, formatMs],
    ['Queue', r.QueueMS, formatMs],
    ['Compile', r.CompileCached ? null : r.CompileMS, formatMs],
    ['Run', r.RunMS, formatMs],
    ['CPU', r.CpuTimeMS, formatMs],
    ['Memory', r.MemoryKB, formatKB],
  ];
  const out = rows.filter(([, v]) => typeof v === 'number').map(([label, v, f]): [string, string] => [label, f(v as number)]);
  // A cached compile took no time: say where the program came from instead.
  if (r.CompileCached) out.splice(2, 0, ['Compile', 'cached']);
  return out;
}
