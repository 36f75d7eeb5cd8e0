// One compile request from start to answer: take a container from the language's pool, compile and
// run in it, hand it back for destruction (the pool starts a fresh one off the response path), and
// record what happened.

import { ContainerGoneError, EngineUnavailableError } from '../docker/engine';
import { ApiError } from '../http/api-error';
import type { CompileRequest } from '../http/compile-request';
import {
  PoolAbortedError,
  PoolClosedError,
  PoolQueueFullError,
  PoolTimeoutError,
  PoolUnavailableError,
} from '../pool/errors';
import { errorMessage } from '../pool/pool';
import type { Runtime } from '../server/runtime';
import { LANGUAGES, limitsFor } from './languages';
import type { RunResult } from './result';
import { runInSandbox } from './run-in-sandbox';

/** Retry-After for a busy or recovering service, in seconds. */
const RETRY_AFTER_S = '2';

/** A container that is found dead before the program ran is replaced, this many times. */
const GONE_RETRIES = 2;

export async function compileAndRun(
  rt: Runtime,
  req: CompileRequest,
  ctx: { receivedAt: number; signal?: AbortSignal; client: string },
): Promise<RunResult> {
  const pool = rt.pools.get(req.language);
  if (!pool) throw new ApiError(400, `language "${req.language}" is not enabled`);
  if (rt.shuttingDown) throw unavailable(rt, 'shutting_down', 'the service is shutting down');
  const language = LANGUAGES[req.language];
  const limits = { ...limitsFor(rt.config, language), timeoutMs: req.timeoutMs };
  let queueMs = 0;

  for (let attempt = 0; ; attempt++) {
    const t0 = performance.now();
    let sandbox;
    try {
      sandbox = await pool.pool.acquire({ signal: ctx.signal });
    } catch (e) {
      throw mapPoolError(rt, e);
    }
    queueMs += performance.now() - t0;
    try {
      const out = await runInSandbox(rt.engine, sandbox.id, {
        language,
        code: req.code,
        stdin: req.stdin,
        limits,
        signal: ctx.signal,
      });
      const { killed: _killed, ...rest } = out;
      const result: RunResult = {
        ...rest,
        QueueMS: Math.round(queueMs),
        LatencyInMS: Math.round(performance.now() - ctx.receivedAt),
        Language: req.language,
      };
      record(rt, req, ctx.client, result);
      return result;
    } catch (e) {
      if (e instanceof ContainerGoneError && attempt < GONE_RETRIES) {
        rt.logger.warn({ event: 'container_gone', id: sandbox.id, attempt });
        continue; // removed or killed from outside before the program ran: use another
      }
      if (e instanceof EngineUnavailableError || e instanceof ContainerGoneError) {
        rt.metrics.engineError();
        throw unavailable(rt, 'engine', e.message);
      }
      rt.metrics.engineError();
      rt.logger.error({ event: 'run_failed', error: errorMessage(e) });
      throw new ApiError(502, `the sandbox failed unexpectedly: ${errorMessage(e)}`);
    } finally {
      // Never reused, whatever happened: the next request gets a fresh container.
      void pool.pool.destroy(sandbox);
    }
  }
}

function unavailable(rt: Runtime, reason: string, message: string): ApiError {
  rt.metrics.reject(reason);
  return new ApiError(503, message, { 'Retry-After': RETRY_AFTER_S });
}

function mapPoolError(rt: Runtime, e: unknown): ApiError {
  if (e instanceof PoolTimeoutError) return unavailable(rt, 'acquire_timeout', e.message);
  if (e instanceof PoolQueueFullError) return unavailable(rt, 'queue_full', e.message);
  if (e instanceof PoolUnavailableError) return unavailable(rt, 'engine', e.message);
  if (e instanceof PoolClosedError) return unavailable(rt, 'shutting_down', e.message);
  if (e instanceof PoolAbortedError) {
    rt.metrics.reject('client_gone');
    return new ApiError(499, 'client closed the request');
  }
  return unavailable(rt, 'engine', errorMessage(e));
}

function record(rt: Runtime, req: CompileRequest, client: string, r: RunResult): void {
  const m = rt.metrics;
  m.answered(r.Status);
  m.observe('queue', r.QueueMS);
  m.observe('compile', r.CompileMS);
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
    runMs: r.RunMS,
    cpuMs: r.CpuTimeMS,
    memoryKb: r.MemoryKB,
    truncated: r.Truncated,
    codeBytes: Buffer.byteLength(req.code),
    ...(rt.config.logSource ? { code: req.code, stdin: req.stdin } : {}),
  });
}
