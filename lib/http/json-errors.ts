// JSON answers for paths and methods the API does not have, so that an API client never gets
// Next's HTML error page or an empty 405.

import { ApiError } from './api-error';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type Method = (typeof METHODS)[number];

/** Handlers for every method a route does not serve: a JSON 405 naming those it does. */
export function methodNotAllowed(allowed: Method[]): Partial<Record<Method, () => Response>> {
  const allow = allowed.join(', ');
  const answer = () => new ApiError(405, `method not allowed; use ${allow}`, { Allow: allow }).toResponse();
  return Object.fromEntries(METHODS.filter((m) => !allowed.includes(m) && m !== 'HEAD').map((m) => [m, answer]));
}

export function notFound(request: Request): Response {
  return new ApiError(404, `no API endpoint at ${new URL(request.url).pathname}`).toResponse();
}
