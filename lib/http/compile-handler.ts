// POST /api/compile (and the seed's /compile): throttle, parse, hand the request to the core, answer
// in the seed's format. Thin on purpose: the core decides, the tables in this folder translate.

import { ExecutionError } from '../core/errors';
import type { ExecutionRequest } from '../core/request';
import { getRuntime } from '../server/runtime';
import { errorMessage } from '../util/error-message';
import { ApiError } from './api-error';
import { authorized, UNAUTHORIZED_MESSAGE } from './auth-token';
import { requestClient, takeRuns } from './admission';
import { fileContent, parseCompileRequest, type CompileRequest } from './compile-request';
import { streamCompile, wantsEventStream } from './compile-stream';
import { corsHeaders } from './cors';
import { toSeedResponse } from './seed-response';

export async function handleCompile(request: Request): Promise<Response> {
  const receivedAt = performance.now();
  const rt = getRuntime();
  const cors = corsHeaders(rt.config.corsOrigin);
  try {
    if (!authorized(request.headers, rt.config.authToken)) {
      throw new ApiError(401, UNAUTHORIZED_MESSAGE, { 'WWW-Authenticate': 'X-Auth-Token' });
    }
    const client = requestClient(request.headers, rt.config);
    const limited = await takeRuns(client);
    // Counted as rate_limited by takeRuns: no reason of its own here.
    if (limited) throw new ApiError(429, limited.message, { 'Retry-After': String(limited.retryAfterS) }, {}, null);
    const req = await parseCompileRequest(request, rt.config);
    const job = toExecutionRequest(req, client);
    if (wantsEventStream(request)) {
      return await streamCompile(request, job, {
        executor: rt.executor,
        lateError: refusal,
        headers: cors,
        receivedAt,
      });
    }
    const result = await rt.executor.execute(job, { signal: request.signal, receivedAt });
    return Response.json(toSeedResponse(result), { headers: { ...cors, 'Cache-Control': 'no-store' } });
  } catch (e) {
    return refusal(e).toResponse(cors);
  }
}

/** Any failure as the error it is answered with: counted under its reason, logged when unexpected. */
export function refusal(e: unknown): ApiError {
  const error = e instanceof ExecutionError ? ApiError.fromExecution(e) : e;
  if (error instanceof ApiError) {
    if (error.reason) getRuntime().metrics.reject(error.reason);
    return error;
  }
  getRuntime().logger.error({ event: 'unexpected_error', error: errorMessage(e) });
  return new ApiError(500, 'internal error');
}

function toExecutionRequest(req: CompileRequest, client: string): ExecutionRequest {
  return {
    language: req.language,
    // `code` is the language's own source file; `files` are named, the entry point first.
    files: req.files
      ? req.files.map((f) => ({ name: f.name, content: fileContent(f) }))
      : [{ content: req.code ?? '' }],
    args: req.args,
    stdin: req.stdin,
    ...(req.tests ? { tests: req.tests } : {}),
    limits: {
      timeoutMs: req.limits?.timeoutMs ?? req.timeoutMs,
      ...(req.limits?.compileTimeoutMs ? { compileTimeoutMs: req.limits.compileTimeoutMs } : {}),
      ...(req.limits?.memoryMb ? { memoryMb: req.limits.memoryMb } : {}),
    },
    client,
  };
}

export function handlePreflight(): Response {
  return new Response(null, { status: 204, headers: corsHeaders(getRuntime().config.corsOrigin) });
}

export function handleWrongMethod(): Response {
  return new ApiError(405, 'use POST with a JSON body like {"code": "..."}', { Allow: 'POST, OPTIONS' }).toResponse(
    corsHeaders(getRuntime().config.corsOrigin),
  );
}
