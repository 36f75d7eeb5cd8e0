// The one way the core refuses a request: an ExecutionError with a reason. The front doors map each
// reason to their own status (lib/http/reasons.ts); the message is safe to show a client, while the
// cause (an engine's own words, a stack) is only ever logged.

import { brandedError } from '../util/branded-error';

export type RejectionReason =
  /** The request names a language this service does not run. */
  | 'unknown_language'
  /** The request is well formed but asks for something the core cannot do. */
  | 'invalid_request'
  /** No sandbox (or turn) became free within the acquire timeout. */
  | 'busy'
  /** Too many requests are waiting already. */
  | 'queue_full'
  /** The container engine cannot be reached, or cannot make containers now. */
  | 'engine_unavailable'
  /** The warm compilers failed this compile twice (crashed or were killed): our failure, not the program's. */
  | 'compiler_unavailable'
  /** The sandbox broke its protocol or failed in a way we did not expect. */
  | 'sandbox_failed'
  /** The service is stopping and takes no more work. */
  | 'shutting_down'
  /** The client went away before the answer. */
  | 'client_gone';

export class ExecutionError extends brandedError('ExecutionError') {
  /** Safe extras a front door may show (e.g. the languages there are). */
  readonly details: Record<string, unknown>;

  constructor(
    readonly reason: RejectionReason,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details ?? {};
  }
}
