// One call to POST /api/compile, with every way it can end turned into a value the panel can show.
import type { RunResult } from '@/lib/contract/compile-response';
import type { Snapshot } from './share';

export type RunOutcome =
  | { kind: 'result'; result: RunResult }
  | { kind: 'http-error'; status: number; message: string; retryAfterS: number | null }
  | { kind: 'network-error'; message: string }
  | { kind: 'cancelled' };

export async function requestRun(s: Snapshot, signal: AbortSignal): Promise<RunOutcome> {
  let res: Response;
  try {
    res = await fetch('/api/compile', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: s.code, language: s.language, stdin: s.stdin }),
      signal,
    });
  } catch (e) {
    if (signal.aborted) return { kind: 'cancelled' };
    return { kind: 'network-error', message: e instanceof Error ? e.message : String(e) };
  }
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    if (signal.aborted) return { kind: 'cancelled' };
    // A proxy in front of us may answer with HTML; the status line still says what happened.
  }
  if (res.ok && body && typeof body === 'object' && 'Status' in body) {
    return { kind: 'result', result: body as RunResult };
  }
  const errorString = body && typeof body === 'object' ? (body as { ErrorString?: unknown }).ErrorString : undefined;
  const retryAfter = Number(res.headers.get('Retry-After'));
  return {
    kind: 'http-error',
    status: res.status,
    message: typeof errorString === 'string' && errorString ? errorString : `${res.status} ${res.statusText}`.trim(),
    retryAfterS: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  };
}

/** What the output panel shows: nothing yet, a run in flight, or how the last one ended. */
export type RunView = { kind: 'idle' } | { kind: 'running'; startedAt: number } | RunOutcome;
