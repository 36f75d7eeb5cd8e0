// The pools' and the engine's failures in the core's words (a reason and a message safe to show).
// The engine's own text stays in the cause, for the log.

import { ContainerGoneError, EngineUnavailableError } from '../engine/engine';
import { PoolAbortedError, PoolClosedError, PoolQueueFullError, PoolTimeoutError } from '../pool/errors';
import { ExecutionError } from './errors';

export const ENGINE_UNAVAILABLE = 'the container engine is unavailable; try again shortly';

export function fromPoolError(e: unknown): ExecutionError {
  if (e instanceof ExecutionError) return e;
  // Our own words, safe to show as they are.
  if (e instanceof PoolTimeoutError) return new ExecutionError('busy', e.message, { cause: e });
  if (e instanceof PoolQueueFullError) return new ExecutionError('queue_full', e.message, { cause: e });
  if (e instanceof PoolClosedError) return new ExecutionError('shutting_down', e.message, { cause: e });
  if (e instanceof PoolAbortedError)
    return new ExecutionError('client_gone', 'client closed the request', { cause: e });
  // The engine is away (PoolUnavailableError, EngineUnavailableError, a gone container) or failed otherwise.
  return new ExecutionError('engine_unavailable', ENGINE_UNAVAILABLE, { cause: e });
}

export function isEngineFailure(e: unknown): boolean {
  return e instanceof EngineUnavailableError || e instanceof ContainerGoneError;
}
