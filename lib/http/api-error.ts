// One error type for every answer that is not a run result: it knows its HTTP status and turns
// itself into a JSON response, so no handler ever leaks a stack trace or answers 500 for bad input.
// It also carries the reason a refused request is counted under (the handler counts it, once).

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

  toResponse(extraHeaders: Record<string, string> = {}): Response {
    return Response.json(
      { ErrorString: this.message, ...this.extra },
      { status: this.status, headers: { ...extraHeaders, ...this.headers, 'Cache-Control': 'no-store' } },
    );
  }
}
