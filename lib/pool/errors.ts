// Typed pool errors, so the HTTP layer can map each to its status without string matching.

import { brandedError } from '../util/branded-error';

/** No resource became free within the acquire timeout. */
export class PoolTimeoutError extends brandedError('PoolTimeoutError') {}

/** Too many requests are already waiting. */
export class PoolQueueFullError extends brandedError('PoolQueueFullError') {}

/** The caller gave up (its AbortSignal fired) while waiting. */
export class PoolAbortedError extends brandedError('PoolAbortedError') {}

/** Resources cannot be created right now (engine down, image missing, ...); `cause` says why. */
export class PoolUnavailableError extends brandedError('PoolUnavailableError') {}

/** The pool is draining for shutdown and takes no more work. */
export class PoolClosedError extends brandedError('PoolClosedError') {}
