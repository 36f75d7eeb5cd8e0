// WEBCOMPILE_AUTH_TOKEN: when set, every run endpoint needs one of its tokens in `X-Auth-Token`
// (Judge0's header; Judge0's front door also takes it as a parameter). Compared in constant time.

import { createHash, timingSafeEqual } from 'node:crypto';

export const AUTH_HEADER = 'X-Auth-Token';

/** Digests of equal length, so that the time taken says nothing of a token's length either. */
function equalSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether `given` is one of the space-separated `tokens`; no tokens configured: anything is. */
export function tokenAccepted(tokens: string, given: string | null): boolean {
  const list = tokens.split(/\s+/).filter(Boolean);
  if (list.length === 0) return true;
  return given !== null && list.some((t) => equalSecret(given, t));
}

/** Whether a request with these headers may run a program. */
export function authorized(headers: Headers, tokens: string): boolean {
  return tokenAccepted(tokens, headers.get(AUTH_HEADER));
}

export const UNAUTHORIZED_MESSAGE = `a valid ${AUTH_HEADER} header is needed (WEBCOMPILE_AUTH_TOKEN is set)`;
