// One error type for every answer that is not a run result: it knows its HTTP status and turns
// itself into a JSON response, so no handler ever leaks a stack trace or answers 500 for bad input.
// It also carries the reason a refused request is counted under (the handler counts it, once).

import type { ExecutionError } from '../core/errors';
import { REASON_STATUS, RETRY_AFTER_S } from './reasons';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
    /** The rejection metric's label; client errors count as http_<status>, server errors not at all. */
    readonly reason: string | null = status < 500 ? `http_${status}` : null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** A refusal of the core, with the status and Retry-After of its reason and the reason in the body. */
  static fromExecution(e: ExecutionError): ApiError {
    const { status, retry } = REASON_STATUS[e.reason];
    const extra: Record<string, unknown> = { Reason: e.reason };
    if (Array.isArray(e.details.languages)) extra.Languages = e.details.languages;
    return new ApiError(status, e.message, retry ? { 'Retry-After': String(RETRY_AFTER_S) } : {}, extra, e.reason);
  }

  toResponse(extraHeaders: Record<string, string> = {}): Response {
    return Response.json(
      { ErrorString: this.message, ...this.extra },
      { status: this.status, headers: { ...extraHeaders, ...this.headers, 'Cache-Control': 'no-store' } },
    );
  }
}
