// Piston's v2 HTTP API (README: "Piston's API"): GET /api/v2/runtimes and POST /api/v2/execute, so
// that Piston's clients work against us. Thin: lib/http/piston-init.ts checks the body as Piston does,
// the core runs it, and toPistonResponse below says how it went in Piston's stages. Errors are Piston's
// `{"message"}`.

import type { z } from 'zod';
import type { Config } from '../config/config';
import { ExecutionError } from '../core/errors';
import type { ExecutionEvent } from '../core/events';
import { LANGUAGES, limitsFor } from '../core/languages';
import type { ExecutionResult } from '../core/result';
import { getRuntime } from '../server/runtime';
import { errorMessage } from '../util/error-message';
import { ApiError } from './api-error';
import { authorized, UNAUTHORIZED_MESSAGE } from './auth-token';
import { requestClient, takeRuns } from './admission';
import { bodyLimit, memoryLimitUnavailable, readBody } from './compile-request';
import { corsHeaders } from './cors';
import { parsePistonExecute, PistonInitError, type ExecuteContext, type PistonJob } from './piston-init';
import { pistonAliases, pistonName, pistonRuntime, signalName, versionsOf } from './piston-names';
import type { pistonResponseSchema, pistonRuntimeSchema, pistonStageSchema } from './piston-schemas';
import { REASON_STATUS, RETRY_AFTER_S } from './reasons';

/** One stage (compile or run) as Piston reports it. */
export type PistonStage = z.output<typeof pistonStageSchema>;
export type PistonResponse = z.output<typeof pistonResponseSchema>;

const noStore = { 'Cache-Control': 'no-store' };

/** Each enabled language's version, x.y.z from its image's label. */
function versions(): Promise<Record<string, string>> {
  const rt = getRuntime();
  return versionsOf(rt.images, rt.executor.enabledLanguages());
}

export async function handlePistonRuntimes(): Promise<Response> {
  const rt = getRuntime();
  const v = await versions();
  const list = rt.executor.enabledLanguages().map((id): z.output<typeof pistonRuntimeSchema> => {
    const runtime = pistonRuntime(id);
    return {
      language: pistonName(id),
      version: v[id],
      aliases: pistonAliases(id, v[id]),
      ...(runtime ? { runtime } : {}),
    };
  });
  return Response.json(list, { headers: { ...corsHeaders(rt.config.corsOrigin), ...noStore } });
}

/** An answer of ours in Piston's error shape. */
function pistonError(status: number, message: string, headers: Record<string, string> = {}): Response {
  const cors = corsHeaders(getRuntime().config.corsOrigin);
  return Response.json({ message }, { status, headers: { ...cors, ...headers, ...noStore } });
}

/**
 * Piston's body: JSON, under Content-Type application/json (else 415, Piston's text). Unlike Piston
 * we take a body without a type or typed text/plain as JSON too: that is what `fetch` and the npm
 * client piston-client send (it names no type); a real Piston refuses those. An empty body is `{}`.
 */
async function readPistonBody(request: Request): Promise<Record<string, unknown>> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== '' && type !== 'application/json' && type !== 'text/plain') {
    throw new ApiError(415, 'requests must be of type application/json');
  }
  const body = await readBody(request, bodyLimit(getRuntime().config));
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError(400, 'request body is not valid JSON');
  }
  // Piston's JSON parser (strict) takes an object or an array, and an array has none of the fields.
  if (value === null || typeof value !== 'object') throw new ApiError(400, 'request body must be a JSON object');
  return Array.isArray(value) ? {} : (value as Record<string, unknown>);
}

/** What an execute body is checked against: the config's limits (also the OpenAPI document's maxima). */
export function executeContext(
  config: Config,
  enabled: readonly string[],
  versions: Record<string, string>,
): ExecuteContext {
  return {
    enabled,
    versions,
    limits: {
      runTimeoutMs: config.maxTimeoutMs,
      compileTimeoutMs: config.maxCompileTimeoutMs,
      memoryBytes: (id) => limitsFor(config, LANGUAGES[id]).memoryMb * 1024 * 1024,
      runMemoryBytes: memoryLimitUnavailable(config) ? null : config.maxMemoryMb * 1024 * 1024,
    },
    maxCodeBytes: config.maxCodeBytes,
    maxFiles: config.maxFiles,
    maxStdinBytes: config.maxStdinBytes,
    maxArgs: config.maxArgs,
    maxArgsBytes: config.maxArgsBytes,
  };
}

export async function handlePistonExecute(request: Request): Promise<Response> {
  const receivedAt = performance.now();
  const rt = getRuntime();
  const config = rt.config;
  try {
    if (!authorized(request.headers, config.authToken)) return pistonError(401, UNAUTHORIZED_MESSAGE);
    const client = requestClient(request.headers, config);
    const limited = await takeRuns(client);
    if (limited) return pistonError(429, limited.message, { 'Retry-After': String(limited.retryAfterS) });
    const body = await readPistonBody(request);
    const job = parsePistonExecute(body, executeContext(config, rt.executor.enabledLanguages(), await versions()));
    // The run's output as it came, for `output` (stdout and stderr are separate in the result).
    const chunks: OutputChunk[] = [];
    let running = false;
    const onEvent = (e: ExecutionEvent) => {
      if (e.type === 'run_started') running = true;
      else if (running && (e.type === 'stdout' || e.type === 'stderr')) chunks.push({ stream: e.type, text: e.chunk });
    };
    const result = await rt.executor.execute(
      {
        language: job.language,
        files: job.files,
        args: job.args,
        stdin: job.stdin,
        limits: {
          timeoutMs: job.runTimeoutMs ?? config.timeoutMs,
          ...(job.compileTimeoutMs === null ? {} : { compileTimeoutMs: job.compileTimeoutMs }),
          ...(job.runMemoryMb === null ? {} : { memoryMb: job.runMemoryMb }),
        },
        client,
      },
      { signal: request.signal, onEvent, receivedAt },
    );
    return Response.json(toPistonResponse(job, result, chunks, config.outputLimitBytes), {
      headers: { ...corsHeaders(config.corsOrigin), ...noStore },
    });
  } catch (e) {
    return refusal(e);
  }
}

/**
 * A refusal in Piston's shape. Its checks' failures are 400; our own refusals keep their status
 * (429 throttled, 413 too large, 415, 503 + Retry-After busy or recovering, 502 a broken sandbox),
 * where Piston answers any failure of its own with an empty 500: the reason helps a client more.
 */
function refusal(e: unknown): Response {
  const rt = getRuntime();
  if (e instanceof PistonInitError) {
    rt.metrics.reject('http_400');
    return pistonError(400, e.message);
  }
  if (e instanceof ApiError) {
    if (e.reason) rt.metrics.reject(e.reason);
    return pistonError(e.status, e.message, e.headers);
  }
  if (e instanceof ExecutionError) {
    rt.metrics.reject(e.reason);
    const { status, retry } = REASON_STATUS[e.reason];
    return pistonError(status, e.message, retry ? { 'Retry-After': String(RETRY_AFTER_S) } : {});
  }
  rt.logger.error({ event: 'unexpected_error', error: errorMessage(e) });
  return pistonError(500, 'internal error');
}

export function handlePistonWrongMethod(allow: string) {
  return (): Response => pistonError(405, `method not allowed; use ${allow}`, { Allow: allow });
}

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** isolate's words for a time limit of the wall clock, as Piston passes them on. */
const TIME_LIMIT = 'Time limit exceeded (wall clock)';

/**
 * The core's result as Piston's answer. Piston's rules: `compile` only for a compiled language;
 * when the compile fails (or times out) there is no run, and `run` is a copy of `compile`; a stage a
 * limit stopped (TO, OL, EL) has `code` null and `signal` SIGKILL. Our statuses, as Piston's:
 *
 * | ours | Piston |
 * |---|---|
 * | ok | status null, message null |
 * | runtime_error | RE (exit code ≠ 0), SG (a signal ended it), XX (it never reported) |
 * | timeout, idle_timeout | TO, SIGKILL |
 * | output_limit | OL (stdout reached the cap) or EL (stderr did), SIGKILL |
 * | memory_limit, process_limit | SG (killed) or RE (it exited), our message |
 * | compile_error | compile: RE (or SG, SIGKILL: the OOM killer), run = compile |
 * | compile_timeout | compile: TO, SIGKILL, run = compile |
 * | cancelled | XX (nobody reads it: the client went away) |
 *
 * `output`: the run's stdout and stderr chunks in the order the sandbox read them (two pipes, so as
 * close to the program's order as Piston's is); where those chunks do not make up exactly the
 * result's streams (a byte-order mark dropped), stdout then stderr. The compile's messages come as
 * one text (stdout and stderr together): they are its `stderr` and `output`, `stdout` is empty.
 */
export function toPistonResponse(
  job: Pick<PistonJob, 'pistonLanguage' | 'version'>,
  r: ExecutionResult,
  chunks: readonly OutputChunk[],
  outputLimitBytes: number,
): PistonResponse {
  const compile = r.compile ? compileStage(r) : undefined;
  const failedCompile = r.status === 'compile_error' || r.status === 'compile_timeout';
  const run = failedCompile && compile ? { ...compile } : runStage(r, chunks, outputLimitBytes);
  return {
    language: job.pistonLanguage,
    version: job.version,
    run,
    ...(compile ? { compile } : {}),
  };
}

function compileStage(r: ExecutionResult): PistonStage {
  const c = r.compile!;
  const stage: PistonStage = {
    stdout: '',
    stderr: c.output,
    output: c.output,
    code: c.exitCode,
    signal: null,
    message: null,
    status: null,
    cpu_time: null,
    wall_time: c.ms,
    memory: null,
  };
  if (r.status === 'compile_timeout') {
    return { ...stage, code: null, signal: 'SIGKILL', status: 'TO', message: TIME_LIMIT };
  }
  if (r.status === 'compile_error') {
    if (c.exitCode === null) return { ...stage, signal: 'SIGKILL', status: 'SG', message: r.message || null };
    return { ...stage, status: 'RE', message: r.message || `Exited with error status ${c.exitCode}` };
  }
  return stage;
}

function runStage(r: ExecutionResult, chunks: readonly OutputChunk[], outputLimitBytes: number): PistonStage {
  const run = r.run;
  const stdout = run?.stdout ?? '';
  const stderr = run?.stderr ?? '';
  const joined = (stream: OutputChunk['stream']) =>
    chunks
      .filter((c) => c.stream === stream)
      .map((c) => c.text)
      .join('');
  const inOrder = joined('stdout') === stdout && joined('stderr') === stderr;
  const output = inOrder ? chunks.map((c) => c.text).join('') : stdout + stderr;
  // How the program ended: its exit code, the signal that ended it, or stopped by us (SIGKILL).
  const signal = run?.signal != null ? run.signal : null;
  const code = signal === null ? (run?.exitCode ?? null) : null;
  const ended = {
    code,
    signal: signal !== null ? signalName(signal) : code === null ? 'SIGKILL' : null,
  };
  const stage: PistonStage = {
    stdout,
    stderr,
    output,
    ...ended,
    message: null,
    status: null,
    cpu_time: run?.cpuTimeMs ?? null,
    wall_time: run?.ms ?? null,
    memory: run?.memoryKb == null ? null : run.memoryKb * 1024,
  };
  const killed = { code: null, signal: 'SIGKILL' };
  switch (r.status) {
    case 'ok':
      return stage;
    case 'timeout':
    case 'idle_timeout':
      return { ...stage, ...killed, status: 'TO', message: TIME_LIMIT };
    case 'output_limit': {
      const stdoutFull = Buffer.byteLength(stdout) >= outputLimitBytes;
      const stderrFull = Buffer.byteLength(stderr) >= outputLimitBytes;
      return stderrFull && !stdoutFull
        ? { ...stage, ...killed, status: 'EL', message: 'stderr length exceeded' }
        : { ...stage, ...killed, status: 'OL', message: 'stdout length exceeded' };
    }
    case 'memory_limit':
    case 'process_limit':
      return { ...stage, status: ended.code === null ? 'SG' : 'RE', message: r.message || null };
    case 'runtime_error':
      if (signal !== null) return { ...stage, status: 'SG', message: `Caught fatal signal ${signal}` };
      if (code !== null) return { ...stage, status: 'RE', message: `Exited with error status ${code}` };
      return { ...stage, status: 'XX', message: r.message || 'the program did not report how it ended' };
    default:
      return { ...stage, ...killed, status: 'XX', message: r.message || r.status };
  }
}
