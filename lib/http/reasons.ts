// The one table from a core rejection's reason to what an HTTP client is told: the status, and for
// the refusals that pass by themselves, when to try again. Every front door answers from it.

import type { RejectionReason } from '../core/errors';

/** Retry-After for a busy or recovering service, in seconds. */
export const RETRY_AFTER_S = 2;

export const REASON_STATUS: Record<RejectionReason, { status: number; retry: boolean }> = {
  unknown_language: { status: 400, retry: false },
  invalid_request: { status: 400, retry: false },
  busy: { status: 503, retry: true },
  queue_full: { status: 503, retry: true },
  engine_unavailable: { status: 503, retry: true },
  compiler_unavailable: { status: 503, retry: true },
  shutting_down: { status: 503, retry: true },
  sandbox_failed: { status: 502, retry: false },
  // Nobody reads it; nginx's word for it, so that logs say what happened.
  client_gone: { status: 499, retry: false },
};
