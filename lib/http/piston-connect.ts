// Interactive runs over a WebSocket, in Piston's /api/v2/connect protocol (README: "Interactive
// runs"): the client sends `init` (the program), then `data` on stdin as the user types; we send
// `runtime`, each stage's `stage`, its output as `data` and its `exit`, then close 4999. Errors are an
// `error` message and close 4002; misuse has Piston's own close codes. Beyond Piston, and invisible to
// its clients: input sent before the run starts is kept, `{"type":"eof"}` ends stdin, a valid
// `signal` kills the run, a closed socket kills it, and at /api/connect a `result` message (the JSON
// POST /api/compile answers) comes before the close.

import type { WebSocket } from 'ws';
import { ExecutionError } from '../core/errors';
import type { ExecutionEvent } from '../core/events';
import { InputLimitError, LiveInput } from '../core/live-input';
import type { ExecutionResult } from '../core/result';
import { getRuntime } from '../server/runtime';
import { errorMessage } from '../util/error-message';
import { authorized, UNAUTHORIZED_MESSAGE } from './auth-token';
import { requestClient, takeRuns } from './admission';
import { executeContext } from './piston-execute';
import { parsePistonInit, PistonInitError, SIGNALS } from './piston-init';
import { signalName, versionsOf } from './piston-names';
import { toSeedResponse } from './seed-response';

export const CLOSE = {
  alreadyInitialized: [4000, 'Already Initialized'],
  initTimeout: [4001, 'Initialization Timeout'],
  notifiedError: [4002, 'Notified Error'],
  notInitialized: [4003, 'Not yet initialized'],
  onlyStdin: [4004, 'Can only write to stdin'],
  invalidSignal: [4005, 'Invalid signal'],
  completed: [4999, 'Job Completed'],
} as const satisfies Record<string, readonly [number, string]>;

export interface ConnectOptions {
  /** The socket's peer address (server.mjs knows it). */
  peer: string;
  headers: Headers;
  /** Send a `result` message before the close (WebCompile's own /api/connect). */
  withResult: boolean;
}

/** One connection: at most one run. */
export function handleConnect(ws: WebSocket, opts: ConnectOptions): void {
  const rt = getRuntime();
  const config = rt.config;
  // A page of another origin may not open runs where the config names one (as CORS does for fetch).
  const origin = opts.headers.get('origin');
  if (config.corsOrigin !== '*' && origin && origin !== config.corsOrigin) {
    ws.close(1008, 'origin not allowed');
    return;
  }
  let state: 'waiting' | 'starting' | 'running' | 'done' = 'waiting';
  let stage: 'compile' | 'run' | null = null;
  let stageExited = false;
  /** The client asked for the kill (a signal): the run's end is then a normal one. */
  let killed = false;
  const abort = new AbortController();
  const input = new LiveInput(config.interactiveMaxStdinBytes);

  const send = (message: Record<string, unknown>) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const close = ([code, reason]: readonly [number, string]) => {
    state = 'done';
    clearTimeout(initTimer);
    abort.abort();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
  };
  const fail = (message: string) => {
    send({ type: 'error', message });
    close(CLOSE.notifiedError);
  };

  const initTimer = setTimeout(() => {
    if (state === 'waiting') close(CLOSE.initTimeout);
  }, config.interactiveInitTimeoutMs);

  const onEvent = (e: ExecutionEvent) => {
    switch (e.type) {
      case 'compile_started':
        stage = 'compile';
        stageExited = false;
        return send({ type: 'stage', stage: 'compile' });
      case 'compile_finished':
        // The compiler's messages (its stdout and stderr come as one), as Piston's compile stage prints them.
        if (e.output) send({ type: 'data', stream: 'stderr', data: e.output });
        stageExited = true;
        return send({
          type: 'exit',
          stage: 'compile',
          code: e.exitCode,
          signal: e.exitCode === null ? 'SIGKILL' : null,
        });
      case 'run_started':
        stage = 'run';
        stageExited = false;
        return send({ type: 'stage', stage: 'run' });
      case 'stdout':
      case 'stderr':
        return send({ type: 'data', stream: e.type, data: e.chunk });
      default:
        return;
    }
  };

  /** A stage that began and was ended by a kill or a limit before it reported. */
  const endStage = () => {
    if (stage && !stageExited) send({ type: 'exit', stage, code: null, signal: 'SIGKILL' });
    stageExited = true;
  };
  const finish = (result: ExecutionResult) => {
    if (stage === 'run' && !stageExited) {
      send({ type: 'exit', stage: 'run', ...runExit(result) });
      stageExited = true;
    }
    endStage();
    if (opts.withResult) send({ type: 'result', result: toSeedResponse(result) });
    close(CLOSE.completed);
  };

  const start = async (raw: Record<string, unknown>) => {
    state = 'starting';
    const enabled = rt.executor.enabledLanguages();
    const versions = await versionsOf(rt.images, enabled);
    if (state !== 'starting') return; // the socket closed meanwhile
    const context = executeContext(config, enabled, versions);
    const init = parsePistonInit(raw, {
      ...context,
      limits: { ...context.limits, runTimeoutMs: config.interactiveTimeoutMs },
      maxStdinBytes: config.interactiveMaxStdinBytes,
    });
    if (!authorized(opts.headers, config.authToken)) return fail(UNAUTHORIZED_MESSAGE);
    const client = requestClient(opts.headers, config, opts.peer);
    const limited = await takeRuns(client);
    if (state !== 'starting') return; // the socket closed meanwhile
    if (limited) return fail(limited.message);
    state = 'running';
    clearTimeout(initTimer);
    send({ type: 'runtime', language: init.pistonLanguage, version: init.version });
    // The init's stdin comes first, before anything typed (which the input keeps until the run starts).
    if (init.stdin) input.unshift(init.stdin);
    rt.executor
      .execute(
        {
          language: init.language,
          files: init.files,
          args: init.args,
          stdin: '',
          limits: {
            timeoutMs: init.runTimeoutMs ?? config.interactiveTimeoutMs,
            idleMs: config.interactiveIdleMs,
            ...(init.compileTimeoutMs === null ? {} : { compileTimeoutMs: init.compileTimeoutMs }),
            ...(init.runMemoryMb === null ? {} : { memoryMb: init.runMemoryMb }),
          },
          client,
        },
        { signal: abort.signal, input, onEvent, live: true },
      )
      .then(finish, (e: unknown) => {
        if (killed && e instanceof ExecutionError && e.reason === 'client_gone') {
          // Killed before its sandbox ran it (while it queued or compiled on a warm compiler).
          endStage();
          return close(CLOSE.completed);
        }
        if (e instanceof ExecutionError) {
          rt.metrics.reject(e.reason);
          return fail(e.message);
        }
        rt.logger.error({ event: 'unexpected_error', error: errorMessage(e) });
        fail('internal error');
      });
  };

  const failed = (e: unknown) => {
    if (e instanceof PistonInitError || e instanceof InputLimitError) return fail(e.message);
    rt.logger.error({ event: 'unexpected_error', error: errorMessage(e) });
    fail('internal error');
  };

  ws.on('message', (data, isBinary) => {
    if (state === 'done') return;
    let message: unknown;
    try {
      message = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data));
    } catch (e) {
      return fail(errorMessage(e));
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      return fail('a message must be a JSON object with a "type"');
    }
    const m = message as Record<string, unknown>;
    try {
      switch (m.type) {
        case 'init':
          if (state !== 'waiting') return close(CLOSE.alreadyInitialized);
          return void start(m).catch(failed);
        case 'data':
          if (state === 'waiting') return close(CLOSE.notInitialized);
          if (m.stream !== 'stdin') return close(CLOSE.onlyStdin);
          if (typeof m.data !== 'string') return fail('data must be a string');
          return input.write(m.data);
        case 'eof':
          if (state === 'waiting') return close(CLOSE.notInitialized);
          return input.end();
        case 'signal':
          if (state === 'waiting') return close(CLOSE.notInitialized);
          if (typeof m.signal !== 'string' || !SIGNALS.has(m.signal)) return close(CLOSE.invalidSignal);
          // Every signal ends the run: its sandbox is killed (exit: signal SIGKILL).
          killed = true;
          return abort.abort();
        default:
          return; // Piston ignores other types
      }
    } catch (e) {
      failed(e);
    }
  });
  // The client went away: the run is killed as an abort of POST /api/compile is.
  ws.on('close', () => {
    state = 'done';
    clearTimeout(initTimer);
    abort.abort();
  });
  ws.on('error', () => abort.abort());
}

/** The run stage's `exit`: the program's code, or the signal that ended it (ours are SIGKILL). */
function runExit(r: ExecutionResult): { code: number | null; signal: string | null } {
  const run = r.run;
  if (!run || run.exitCode === null) return { code: null, signal: 'SIGKILL' };
  if (run.signal !== null) return { code: null, signal: signalName(run.signal) };
  return { code: run.exitCode, signal: null };
}
