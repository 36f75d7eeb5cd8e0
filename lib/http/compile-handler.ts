// POST /api/compile (and the seed's /compile): throttle, parse, run, answer. Thin on purpose.

import { getRuntime } from '../server/runtime';
import { errorMessage } from '../util/error-message';
import { compileAndRun } from '../core/compile-service';
import { ApiError } from './api-error';
import { clientAddress } from './client-address';
import { parseCompileRequest } from './compile-request';
import { corsHeaders } from './cors';

export async function handleCompile(request: Request): Promise<Response> {
  const receivedAt = performance.now();
  const rt = getRuntime();
  const cors = corsHeaders(rt.config.corsOrigin);
  rt.inFlight++;
  try {
    const client = clientAddress(request.headers, rt.config.trustProxy, request.headers.get('x-webcompile-peer') ?? undefined);
    const decision = rt.rateLimiter.take(client);
    if (!decision.allowed) {
      const retry = { 'Retry-After': String(decision.retryAfterS) };
      throw new ApiError(429, `too many runs from ${client}; limit is ${rt.config.rateLimitPerMinute} a minute`, retry, {}, 'rate_limited');
    }
    const req = await parseCompileRequest(request, rt.config);
    const result = await compileAndRun(rt, req, { receivedAt, signal: request.signal, client });
    return Response.json(result, { headers: { ...cors, 'Cache-Control': 'no-store' } });
  } catch (e) {
    if (e instanceof ApiError) {
      if (e.reason) rt.metrics.reject(e.reason);
      return e.toResponse(cors);
    }
    rt.logger.error({ event: 'unexpected_error', error: errorMessage(e) });
    return new ApiError(500, 'internal error').toResponse(cors);
  } finally {
    rt.inFlight--;
  }
}

export function handlePreflight(): Response {
  return new Response(null, { status: 204, headers: corsHeaders(getRuntime().config.corsOrigin) });
}

export function handleWrongMethod(): Response {
  return new ApiError(405, 'use POST with a JSON body like {"code": "..."}', { Allow: 'POST, OPTIONS' }).toResponse(
    corsHeaders(getRuntime().config.corsOrigin),
  );
}
