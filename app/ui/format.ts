// Words and numbers for the output panel, kept apart from the markup so they read plainly.
import { STATUS_TEXT, type RunResult } from '@/lib/contract/compile-response';

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
