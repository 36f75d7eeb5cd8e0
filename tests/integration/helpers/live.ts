// Clients of the live front doors for the tests: Server-Sent Events read off POST /api/compile as
// they arrive, and a WebSocket session of /api/connect or /api/v2/connect that waits for messages.
import WebSocket from 'ws';
import { sandboxesOf, statsOf, type TestServer } from './server';

/**
 * Sandboxes of `language` that runs hold now: the pool's own count, whatever the runtime (under
 * gVisor the engine's process list shows runsc, not the program).
 */
export async function busySandboxes(server: TestServer, language: string): Promise<number> {
  return (await statsOf(server)).pools[language].busy;
}

/**
 * Nothing of a run is left: no sandbox of `language` busy or being removed, and the engine holds
 * only the pool's idle (or starting) ones.
 */
export async function noRunLeft(server: TestServer, instance: string, language: string): Promise<boolean> {
  const p = (await statsOf(server)).pools[language];
  const held = (await sandboxesOf(instance)).filter((c) => c.Labels['webcompile.language'] === language);
  return p.busy === 0 && p.destroying === 0 && held.length === p.idle + p.starting;
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/**
 * POSTs with Accept: text/event-stream and hands each event to `onEvent` as it arrives (awaited
 * before the next is read). Resolves with every event once the stream ends.
 */
export async function streamCompile(
  server: TestServer,
  body: Record<string, unknown>,
  onEvent: (e: SseEvent) => unknown = () => {},
  signal?: AbortSignal,
): Promise<{ status: number; headers: Headers; events: SseEvent[] }> {
  const res = await fetch(`${server.url}/api/compile`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
    signal,
  });
  const events: SseEvent[] = [];
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    events.push({ event: 'http', data: await res.json() });
    return { status: res.status, headers: res.headers, events };
  }
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
      const e = { event, data };
      events.push(e);
      await onEvent(e);
    }
  }
  return { status: res.status, headers: res.headers, events };
}

/** The program's stdout as the events told it. */
export function stdoutOf(events: SseEvent[]): string {
  return events
    .filter((e) => e.event === 'stdout')
    .map((e) => e.data.chunk)
    .join('');
}

export type Message = Record<string, unknown> & { type: string };

/** One WebSocket connection: what arrived, in order, and ways to wait for more. */
export class Session {
  readonly messages: Message[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;
  private readonly ws: WebSocket;
  private waiters: (() => void)[] = [];

  constructor(
    server: TestServer,
    path = '/api/connect',
    opts: { localAddress?: string; headers?: Record<string, string> } = {},
  ) {
    this.ws = new WebSocket(server.url.replace(/^http/, 'ws') + path, opts);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      });
    });
    this.ws.on('message', (d) => {
      this.messages.push(JSON.parse(String(d)));
      this.wake();
    });
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  async send(message: unknown): Promise<void> {
    await this.opened;
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  init(language: string, code: string, extra: Record<string, unknown> = {}): Promise<void> {
    return this.send({ type: 'init', language, version: '*', files: [{ content: code }], ...extra });
  }

  stdin(data: string): Promise<void> {
    return this.send({ type: 'data', stream: 'stdin', data });
  }

  /** The program's stdout so far. */
  stdout(): string {
    return this.messages
      .filter((m) => m.type === 'data' && m.stream === 'stdout')
      .map((m) => m.data)
      .join('');
  }

  /** Waits until `check` holds of what arrived (or the socket closed, then throws). */
  async until(check: (s: Session) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let isClosed = false;
    void this.closed.then(() => (isClosed = true));
    while (!check(this)) {
      if (isClosed) throw new Error(`closed before ${what}: ${JSON.stringify(this.messages)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(this.messages)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, Math.max(1, deadline - Date.now())).unref();
      });
    }
  }

  /** Waits until the program's stdout contains `text`. */
  untilStdout(text: string): Promise<void> {
    return this.until((s) => s.stdout().includes(text), `stdout ${JSON.stringify(text)}`);
  }

  close(): void {
    this.ws.close();
  }
}
