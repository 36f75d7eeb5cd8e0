// Typed pool errors, so the HTTP layer can map each to its status without string matching.

export class PoolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No resource became free within the acquire timeout. */
export class PoolTimeoutError extends PoolError {}

/** Too many requests are already waiting. */
export class PoolQueueFullError extends PoolError {}

/** The caller gave up (its AbortSignal fired) while waiting. */
export class PoolAbortedError extends PoolError {}

/** Resources cannot be created right now (engine down, image missing, ...); `cause` says why. */
export class PoolUnavailableError extends PoolError {}

/** The pool is draining for shutdown and takes no more work. */
export class PoolClosedError extends PoolError {}
