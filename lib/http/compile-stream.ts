// POST /api/compile with `Accept: text/event-stream`: the same run, told as Server-Sent Events while
// it happens (the core's events, lib/core/events.ts), ending with one `result` event that holds exactly
// the JSON the synchronous call answers. The HTTP status is held back until the job has its turn (its
// first event after `queued`): a refusal before that (unknown language, queue full, no sandbox in time)
// is the same HTTP error as without the header. A refusal after it (a sandbox that never came after a
// warm compile) can only be an `error` event: { Status, ErrorString, Reason, RetryAfterS }.

import type { ExecutionEvent } from '../core/events';
import type { ExecutionRequest } from '../core/request';
import type { Executor } from '../core/executor';
import type { ApiError } from './api-error';
import { toSeedResponse, toTestResult } from './seed-response';

export const EVENT_STREAM = 'text/event-stream';

/** Whether the client asked for events (an Accept header naming text/event-stream). */
export function wantsEventStream(request: Request): boolean {
  return (request.headers.get('accept') ?? '').toLowerCase().includes(EVENT_STREAM);
}

/** One SSE message; data is JSON, so newlines in program output never break the framing. */
export function sseMessage(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** What an event says on the wire (its type is the SSE event name). */
function payload(e: ExecutionEvent): unknown {
  switch (e.type) {
    case 'queued':
    case 'compile_started':
      return {};
    case 'compile_finished': {
      const { exitCode, ms, cached, diagnostics, output } = e;
      return { exitCode, ms, cached, diagnostics, output };
    }
    case 'run_started':
      return { queueMs: e.queueMs };
    case 'stdout':
    case 'stderr':
      return { chunk: e.chunk };
    case 'test_finished':
      return { Index: e.index, ...toTestResult(e.outcome) };
    case 'exited':
      return toSeedResponse(e.result);
  }
}

interface StreamDeps {
  executor: Executor;
  /** A failure after the stream began: counted and logged as the synchronous call's, and worded so. */
  lateError: (e: unknown) => ApiError;
  headers: Record<string, string>;
  receivedAt: number;
}

export async function streamCompile(request: Request, req: ExecutionRequest, d: StreamDeps): Promise<Response> {
  const encoder = new TextEncoder();
  const abort = new AbortController();
  const onClientGone = () => abort.abort();
  request.signal.addEventListener('abort', onClientGone, { once: true });
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let closed = false;
  const backlog: string[] = [];
  const send = (text: string) => {
    if (closed) return;
    if (controller) controller.enqueue(encoder.encode(text));
    else backlog.push(text);
  };
  const close = () => {
    if (closed) return;
    closed = true;
    request.signal.removeEventListener('abort', onClientGone);
    controller?.close();
  };

  // Resolves at the job's first event past `queued` (the response may begin), or with the refusal.
  let begin!: (refusal: { error: unknown } | null) => void;
  const begun = new Promise<{ error: unknown } | null>((r) => (begin = r));
  let started = false;
  const run = d.executor
    .execute(req, {
      signal: abort.signal,
      receivedAt: d.receivedAt,
      live: true,
      onEvent: (e) => {
        if (e.type !== 'queued' && !started) {
          started = true;
          begin(null);
        }
        send(sseMessage(e.type === 'exited' ? 'result' : e.type, payload(e)));
      },
    })
    .then(
      () => {
        begin(null);
        close();
      },
      (e: unknown) => {
        if (!started) return begin({ error: e });
        const error = d.lateError(e);
        send(
          sseMessage('error', {
            Status: error.status,
            ErrorString: error.message,
            ...error.extra,
            RetryAfterS: error.headers['Retry-After'] ? Number(error.headers['Retry-After']) : null,
          }),
        );
        close();
      },
    );

  const refused = await begun;
  if (refused) {
    await run;
    request.signal.removeEventListener('abort', onClientGone);
    throw refused.error; // answered as without the header
  }
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      for (const text of backlog.splice(0)) c.enqueue(encoder.encode(text));
      if (closed) c.close();
    },
    // The client went away: the run is killed as an abort of the synchronous call is.
    cancel() {
      closed = true;
      abort.abort();
    },
  });
  return new Response(body, {
    headers: {
      ...d.headers,
      'Content-Type': `${EVENT_STREAM}; charset=utf-8`,
      // no-transform: nothing on the way (compression, a proxy) may hold events back to batch them.
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
    },
  });
}
