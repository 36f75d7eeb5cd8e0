// An interactive run over the WebSocket at /api/connect (Piston's connect protocol): `init` with the
// program, then the user's input as it is typed, `eof` to end it and a signal to kill the run. The
// server answers with the stage, the program's output, and a `result` (the RunResult POST
// /api/compile answers) just before it closes with 4999.
import { isRunResult, type OutputStream, type RunOutcome, type RunStage } from './run';

export interface SessionHandlers {
  onStage: (stage: RunStage) => void;
  onOutput: (stream: OutputStream, text: string) => void;
  /** Called once, when the run is over (not after close()). */
  onEnd: (outcome: RunOutcome) => void;
}

export interface Session {
  /** Raw text for the program's stdin (a line carries its own "\n"). */
  send(text: string): void;
  /** End of input: the program reads EOF after what was sent. */
  eof(): void;
  /** Kills the run; the server answers with a `cancelled` result and closes. */
  kill(): void;
  /** Drops the session without a word to onEnd (the page moves on); closing the socket kills the run. */
  close(): void;
}

/** After a kill, how long to wait for the server's answer before closing the socket ourselves. */
const KILL_GRACE_MS = 5000;
const NORMAL_CLOSURE = 1000;

export function connectUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/api/connect`;
}

/** `init`: the run's first message, the program (see connectInit). */
export function openSession(init: Record<string, unknown>, h: SessionHandlers): Session {
  const ws = new WebSocket(connectUrl(location));
  // Input typed before the socket opened; sent right after `init` (the server keeps what comes
  // before the run starts).
  const pending: object[] = [];
  let ended = false;
  let dropped = false;
  let killed = false;
  let result: RunOutcome | null = null;
  let error: string | null = null;
  let killTimer: ReturnType<typeof setTimeout> | undefined;

  const end = (outcome: RunOutcome) => {
    clearTimeout(killTimer);
    if (ended) return;
    ended = true;
    if (!dropped) h.onEnd(outcome);
  };
  const send = (message: object) => {
    if (ended) return;
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    else if (ws.readyState === WebSocket.CONNECTING) pending.push(message);
  };
  // Closing a socket that is still connecting makes the browser log an error; wait for it to open.
  const closeSocket = () => {
    if (ws.readyState === WebSocket.OPEN) ws.close(NORMAL_CLOSURE);
  };

  ws.onopen = () => {
    if (dropped || ended) return closeSocket();
    ws.send(JSON.stringify(init));
    for (const m of pending.splice(0)) ws.send(JSON.stringify(m));
  };
  ws.onmessage = (e: MessageEvent) => {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(String(e.data));
    } catch {
      return;
    }
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'stage':
        return h.onStage(m.stage === 'compile' ? 'compiling' : 'running');
      case 'data':
        if ((m.stream === 'stdout' || m.stream === 'stderr') && typeof m.data === 'string' && m.data) {
          h.onOutput(m.stream, m.data);
        }
        return;
      case 'result':
        if (isRunResult(m.result)) result = { kind: 'result', result: m.result };
        return;
      case 'error':
        error = typeof m.message === 'string' && m.message ? m.message : 'the server ended the run';
        return;
      default:
        return; // runtime, exit: the result says it all
    }
  };
  // An error is always followed by a close, which says how the run ended.
  ws.onclose = (e: CloseEvent) => {
    if (result) return end(result);
    if (killed) return end({ kind: 'cancelled' });
    if (error) return end({ kind: 'refused', message: error });
    const why = e.reason ? `${e.code}: ${e.reason}` : String(e.code);
    end({ kind: 'network-error', message: `The connection closed (${why}) before the run ended.` });
  };

  return {
    send: (text) => send({ type: 'data', stream: 'stdin', data: text }),
    eof: () => send({ type: 'eof' }),
    kill() {
      if (ended || killed) return;
      killed = true;
      if (ws.readyState !== WebSocket.OPEN) {
        // Not started yet: nothing runs; the socket closes once it opens.
        end({ kind: 'cancelled' });
        return;
      }
      ws.send(JSON.stringify({ type: 'signal', signal: 'SIGKILL' }));
      killTimer = setTimeout(closeSocket, KILL_GRACE_MS);
    },
    close() {
      dropped = true;
      clearTimeout(killTimer);
      closeSocket();
    },
  };
}
