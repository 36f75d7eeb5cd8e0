// One compile request from start to answer. A client has at most WEBCOMPILE_CLIENT_MAX_IN_FLIGHT
// requests going at once (the rest wait their turn, within the acquire timeout). Where the language
// has a warm compiler, the source is compiled there (or found in the compile cache) and only the
// compiled program goes to a fresh sandbox; when no warm compiler is free soon, or one takes past its
// warm limit, the sandbox compiles, as it does for every other language, so slow compiles of one
// client never stall everyone's. The sandbox is destroyed afterwards whatever happened, and the pool
// starts a fresh one off the response path.

import { cacheKey } from '../compiler/compile-cache';
import type { CompileResponse } from '../compiler/protocol';
import { CompilerCrashedError } from '../compiler/warm-compiler';
import { ContainerGoneError, EngineUnavailableError } from '../engine/engine';
import { ApiError } from '../http/api-error';
import type { CompileRequest } from '../http/compile-request';
import {
  PoolAbortedError,
  PoolClosedError,
  PoolQueueFullError,
  PoolTimeoutError,
} from '../pool/errors';
import { errorMessage } from '../util/error-message';
import { warmCompileTimeoutFor } from '../config/config';
import type { SandboxPool } from '../pool/sandbox-pool';
import { imageInfo, type Runtime } from '../server/runtime';
import { AgentProtocolError } from './agent-protocol';
import { LANGUAGES, limitsFor, type Language } from './languages';
import type { RunResult } from '../contract/compile-response';
import { compileTimeoutNote, joinText, note, runInSandbox, type SandboxJob } from './run-in-sandbox';

/** Retry-After for a busy or recovering service, in seconds. */
const RETRY_AFTER_S = '2';

/** A sandbox found dead before the program ran is replaced, this many times. */
const GONE_RETRIES = 2;

interface Ctx {
  receivedAt: number;
  signal?: AbortSignal;
  client: string;
}

export async function compileAndRun(rt: Runtime, req: CompileRequest, ctx: Ctx): Promise<RunResult> {
  const pool = rt.pools.get(req.language);
  if (!pool) throw new ApiError(400, `language "${req.language}" is not enabled`);
  if (rt.shuttingDown) throw unavailable('shutting_down', 'the service is shutting down');
  // The wait for this client's turn and the wait for a sandbox share one acquire timeout (compiling
  // in between is not waiting).
  const t0 = performance.now();
  let leave;
  try {
    leave = await rt.clientGate.enter(ctx.client, { timeoutMs: rt.config.acquireTimeoutMs, signal: ctx.signal });
  } catch (e) {
    throw mapPoolError(e);
  }
  const waitLeft = Math.max(1, Math.round(rt.config.acquireTimeoutMs - (performance.now() - t0)));
  try {
    return await compileAndRunInTurn(rt, req, ctx, pool, waitLeft);
  } finally {
    leave();
  }
}

async function compileAndRunInTurn(
  rt: Runtime,
  req: CompileRequest,
  ctx: Ctx,
  pool: SandboxPool,
  /** What is left of the acquire timeout for the sandbox. */
  waitLeft: number,
): Promise<RunResult> {
  const language = LANGUAGES[req.language];
  const limits = { ...limitsFor(rt.config, language), timeoutMs: req.timeoutMs };
  const finish = (partial: Omit<RunResult, 'LatencyInMS' | 'Language'>): RunResult => {
    const result: RunResult = {
      ...partial,
      LatencyInMS: Math.round(performance.now() - ctx.receivedAt),
      Language: req.language,
    };
    record(rt, req, ctx.client, result);
    return result;
  };

  // 1. Compile on a warm compiler (or take it from the cache), when the language has one.
  let job: SandboxJob = {
    files: { [language.sourceFile]: req.code },
    compile: language.compile,
    run: language.run,
    stdin: req.stdin,
    limits,
    signal: ctx.signal,
  };
  /** The warm compile, with its messages capped as the sandbox caps compiler output. */
  let warm: { messages: string; ms: number | null; cached: boolean } | null = null;
  /** Time a warm compiler spent before the sandbox took the compile over. */
  let warmSpentMs = 0;
  const compilers = rt.compilers.get(req.language);
  if (language.warm && compilers) {
    const compiled = await warmCompile(rt, language, req.code, ctx);
    if (compiled.kind === 'fallback') {
      // The sandbox compiles (job.compile stays), within what is left of the compile limit.
      warmSpentMs = compiled.spentMs;
      const rest = limits.compileTimeoutMs - warmSpentMs;
      if (rest <= 0) {
        return finish({ ...empty(), Status: 'compile_timeout', Timeout: true, CompileMS: limits.compileTimeoutMs,
          ErrorString: compileTimeoutNote('', limits.compileTimeoutMs) });
      }
      job = { ...job, limits: { ...limits, compileTimeoutMs: rest } };
    } else {
      const { response } = compiled;
      const capped = capText(response.messages, limits.outputLimitBytes);
      if (response.exitCode !== 0) {
        return finish({ ...empty(), Status: 'compile_error', ExitCode: response.exitCode, ErrorString: capped.text, Truncated: capped.truncated,
          Diagnostics: language.parseDiagnostics?.(response.messages) ?? [], CompileMS: compiled.ms, CompileCached: compiled.cached });
      }
      warm = { messages: capped.text, ms: compiled.ms, cached: compiled.cached };
      job = { ...job, files: { [language.warm.artifact]: response.assembly }, compile: undefined };
    }
  }

  // 2. Run (and compile, without a warm compile) in a fresh sandbox.
  let queueMs = 0;
  for (let attempt = 0; ; attempt++) {
    const t0 = performance.now();
    let sandbox;
    try {
      sandbox = await pool.acquire({ signal: ctx.signal, client: ctx.client, timeoutMs: waitLeft });
    } catch (e) {
      throw mapPoolError(e);
    }
    queueMs += performance.now() - t0;
    try {
      const { compilerOutput, ...out } = await runInSandbox(rt.engine, sandbox.id, job);
      const messages = warm ? warm.messages : compilerOutput;
      return finish({
        ...out,
        ErrorString: warm ? joinText(messages, out.ErrorString) : out.ErrorString,
        Diagnostics: language.parseDiagnostics?.(messages) ?? [],
        CompileMS: warm ? warm.ms : out.CompileMS === null ? null : out.CompileMS + warmSpentMs,
        CompileCached: warm?.cached ?? false,
        QueueMS: Math.round(queueMs),
      });
    } catch (e) {
      if (e instanceof ContainerGoneError && attempt < GONE_RETRIES) {
        rt.logger.warn({ event: 'container_gone', id: sandbox.id, attempt });
        continue; // removed or killed from outside before the program ran: use another
      }
      rt.metrics.engineError();
      if (e instanceof EngineUnavailableError || e instanceof ContainerGoneError) throw unavailable('engine', e.message);
      rt.logger.error({ event: e instanceof AgentProtocolError ? 'agent_protocol_error' : 'run_failed', error: errorMessage(e) });
      throw new ApiError(502, `the sandbox failed unexpectedly: ${errorMessage(e)}`);
    } finally {
      // Never reused, whatever happened: the next request gets a fresh container.
      void pool.destroy(sandbox);
    }
  }
}

type WarmOutcome =
  | { kind: 'compiled'; response: CompileResponse; ms: number | null; cached: boolean }
  /** Compile in the sandbox instead: no warm compiler was free soon, or the warm limit passed. */
  | { kind: 'fallback'; spentMs: number };

/** Compiles on a warm compiler or takes the result from the cache, or says to compile in the sandbox. */
async function warmCompile(rt: Runtime, language: Language, code: string, ctx: Ctx): Promise<WarmOutcome> {
  // The image id is part of the key. It is read once per process, so a rebuilt image takes effect
  // at the next start, which also starts with an empty cache.
  const image = await imageInfo(rt, language.id).catch(() => null);
  const key = cacheKey([language.id, image?.id ?? '', language.warm!.settings, code]);
  const hit = rt.compileCache.get(key);
  if (hit) return { kind: 'compiled', response: hit, ms: 0, cached: true };
  const timeoutMs = Math.min(warmCompileTimeoutFor(rt.config, language.id), rt.config.compileTimeoutMs);
  let outcome;
  try {
    outcome = await rt.compilers.get(language.id)!.compile(code, {
      timeoutMs,
      waitMs: rt.config.compilerWaitMs,
      client: ctx.client,
      signal: ctx.signal,
    });
  } catch (e) {
    if (e instanceof CompilerCrashedError) {
      rt.logger.warn({ event: 'compiler_crashed', error: e.message });
      return { kind: 'compiled', response: { exitCode: 1, messages: note('', 'The compiler stopped unexpectedly while compiling this program.'), assembly: Buffer.alloc(0) }, ms: null, cached: false };
    }
    throw mapPoolError(e);
  }
  if (outcome.kind === 'aborted') throw clientGone();
  if (outcome.kind === 'busy' || outcome.kind === 'timeout') {
    rt.metrics.warmFallback(outcome.kind);
    rt.logger.info({ event: 'warm_compile_fallback', language: language.id, reason: outcome.kind === 'busy' ? outcome.reason : 'warm compile limit' });
    return { kind: 'fallback', spentMs: outcome.kind === 'timeout' ? timeoutMs : 0 };
  }
  rt.compileCache.set(key, outcome.response);
  return { kind: 'compiled', response: outcome.response, ms: outcome.ms, cached: false };
}

function capText(text: string, limitBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limitBytes) return { text, truncated: false };
  return { text: bytes.subarray(0, limitBytes).toString('utf8'), truncated: true };
}

function empty(): Omit<RunResult, 'LatencyInMS' | 'Language' | 'Status'> {
  return {
    Output: '',
    ErrorString: '',
    Timeout: false,
    ExitCode: null,
    Truncated: false,
    Diagnostics: [],
    QueueMS: 0,
    CompileMS: null,
    CompileCached: false,
    RunMS: null,
    CpuTimeMS: null,
    MemoryKB: null,
  };
}

function unavailable(reason: string, message: string): ApiError {
  return new ApiError(503, message, { 'Retry-After': RETRY_AFTER_S }, {}, reason);
}

function clientGone(): ApiError {
  return new ApiError(499, 'client closed the request', {}, {}, 'client_gone');
}

function mapPoolError(e: unknown): ApiError {
  if (e instanceof PoolTimeoutError) return unavailable('acquire_timeout', e.message);
  if (e instanceof PoolQueueFullError) return unavailable('queue_full', e.message);
  if (e instanceof PoolClosedError) return unavailable('shutting_down', e.message);
  if (e instanceof PoolAbortedError) return clientGone();
  // The engine is away (PoolUnavailableError, EngineUnavailableError) or failed otherwise.
  return unavailable('engine', errorMessage(e));
}

function record(rt: Runtime, req: CompileRequest, client: string, r: RunResult): void {
  const m = rt.metrics;
  m.answered(r.Status);
  m.observe('queue', r.QueueMS);
  m.observe('compile', r.CompileCached ? null : r.CompileMS);
  m.observe('run', r.RunMS);
  m.observe('total', r.LatencyInMS);
  rt.logger.info({
    event: 'request',
    client,
    language: req.language,
    status: r.Status,
    exitCode: r.ExitCode,
    latencyMs: r.LatencyInMS,
    queueMs: r.QueueMS,
    compileMs: r.CompileMS,
    compileCached: r.CompileCached,
    runMs: r.RunMS,
    cpuMs: r.CpuTimeMS,
    memoryKb: r.MemoryKB,
    truncated: r.Truncated,
    codeBytes: Buffer.byteLength(req.code),
    ...(rt.config.logSource ? { code: req.code, stdin: req.stdin } : {}),
  });
}
