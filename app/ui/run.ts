// One call to POST /api/compile, told as it goes (Server-Sent Events: the stage, the program's output
// as it writes it), with every way it can end turned into a value the panel can show.
import type { RunResult } from '@/lib/contract/compile-response';
import type { CompileBody } from './request-body';
import { SseParser } from './sse';

export type RunOutcome =
  | { kind: 'result'; result: RunResult }
  | { kind: 'http-error'; status: number; message: string; retryAfterS: number | null }
  | { kind: 'network-error'; message: string }
  /** An interactive run the server turned down after the connection opened (its `error` message). */
  | { kind: 'refused'; message: string }
  /** The page did not send the run: what it holds cannot make a request (an argument's open quote). */
  | { kind: 'invalid'; message: string }
  | { kind: 'cancelled' };

/** Where a run in flight is: waiting for its turn, compiling, or running the program. */
export type RunStage = 'queued' | 'compiling' | 'running';

export type OutputStream = 'stdout' | 'stderr';

/** What happens during a run, before its outcome. */
export type LiveEvent = { type: 'stage'; stage: RunStage } | { type: 'output'; stream: OutputStream; text: string };

const EVENT_STREAM = 'text/event-stream';

export async function streamRun(
  body: CompileBody,
  signal: AbortSignal,
  onEvent: (e: LiveEvent) => void,
): Promise<RunOutcome> {
  const res = await post(body, EVENT_STREAM, signal);
  if (!(res instanceof Response)) return res;
  const type = res.headers.get('Content-Type') ?? '';
  if (res.ok && res.body && type.toLowerCase().startsWith(EVENT_STREAM)) return readEvents(res.body, signal, onEvent);
  // A refusal (400, 413, 429, 503) is JSON, as without the header; so is a server that does not stream.
  return fromJson(res, signal);
}

/** The same request answered once, in JSON: a test run, whose tests report nothing as they go. */
export async function jsonRun(body: CompileBody, signal: AbortSignal): Promise<RunOutcome> {
  const res = await post(body, 'application/json', signal);
  return res instanceof Response ? fromJson(res, signal) : res;
}

async function post(body: CompileBody, accept: string, signal: AbortSignal): Promise<Response | RunOutcome> {
  try {
    return await fetch('/api/compile', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: accept },
      body: JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (signal.aborted) return { kind: 'cancelled' };
    return { kind: 'network-error', message: errorText(e) };
  }
}

async function readEvents(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  onEvent: (e: LiveEvent) => void,
): Promise<RunOutcome> {
  let outcome: RunOutcome | null = null;
  const parser = new SseParser((event, data) => {
    if (outcome) return; // `result` is the last event; nothing after it counts
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    const p = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
    switch (event) {
      case 'queued':
        return onEvent({ type: 'stage', stage: 'queued' });
      case 'compile_started':
        return onEvent({ type: 'stage', stage: 'compiling' });
      case 'run_started':
        return onEvent({ type: 'stage', stage: 'running' });
      case 'stdout':
      case 'stderr':
        if (typeof p.chunk === 'string' && p.chunk) onEvent({ type: 'output', stream: event, text: p.chunk });
        return;
      case 'result':
        if (isRunResult(p)) outcome = { kind: 'result', result: p };
        return;
      case 'error':
        // A refusal after the stream began: the same as the HTTP error it would have been.
        outcome = {
          kind: 'http-error',
          status: typeof p.Status === 'number' ? p.Status : 0,
          message: typeof p.ErrorString === 'string' && p.ErrorString ? p.ErrorString : 'the server refused the run',
          retryAfterS: typeof p.RetryAfterS === 'number' && p.RetryAfterS > 0 ? p.RetryAfterS : null,
        };
        return;
    }
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    // Read to the end (the server closes right after `result`), so the connection is left clean.
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
  } catch (e) {
    if (signal.aborted) return { kind: 'cancelled' };
    if (!outcome) return { kind: 'network-error', message: errorText(e) };
  }
  if (signal.aborted) return { kind: 'cancelled' };
  return outcome ?? { kind: 'network-error', message: 'The connection ended before the run did.' };
}

/** The synchronous answer: a RunResult, or an error with the server's ErrorString and Retry-After. */
async function fromJson(res: Response, signal: AbortSignal): Promise<RunOutcome> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    if (signal.aborted) return { kind: 'cancelled' };
    // A proxy in front of us may answer with HTML; the status line still says what happened.
  }
  if (res.ok && isRunResult(body)) return { kind: 'result', result: body };
  const errorString = body && typeof body === 'object' ? (body as { ErrorString?: unknown }).ErrorString : undefined;
  const retryAfter = Number(res.headers.get('Retry-After'));
  return {
    kind: 'http-error',
    status: res.status,
    message: typeof errorString === 'string' && errorString ? errorString : `${res.status} ${res.statusText}`.trim(),
    retryAfterS: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
  };
}

export function isRunResult(v: unknown): v is RunResult {
  return Boolean(v) && typeof v === 'object' && 'Status' in (v as object);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** What the output panel shows: nothing yet, a run in flight, or how the last one ended. */
export type RunView =
  | { kind: 'idle' }
  /** tests: how many a test run sends (absent for a run of the program). */
  | { kind: 'running'; startedAt: number; stage: RunStage; stopping: boolean; tests?: number }
  | RunOutcome;
