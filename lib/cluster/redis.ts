// The connection to the cluster's Redis. Commands fail at once while it is down (no offline
// queue), so a caller falls back to what this process knows instead of waiting: a down Redis makes
// the cluster degraded, never the instance unable to run programs.
import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';
import { errorMessage } from '../util/error-message';

export interface RedisLink {
  readonly client: Redis;
  /** Why Redis cannot be used now, or null while it is connected. */
  problem(): string | null;
  close(): Promise<void>;
}

/** How long a command may take before it fails (the rate limit then falls back to this process's). */
const COMMAND_TIMEOUT_MS = 1000;

export function connectRedis(url: string, logger: Pick<Logger, 'info' | 'warn'>): RedisLink {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // Reconnects for ever, at most a second apart, so that a Redis back from a restart is used again.
    retryStrategy: (times) => Math.min(times * 100, 1000),
    lazyConnect: false,
  });
  let problem: string | null = 'not connected yet';
  client.on('ready', () => {
    if (problem) logger.info({ event: 'redis_connected' });
    problem = null;
  });
  client.on('error', (e) => {
    const text = `Redis does not answer: ${errorMessage(e)}`;
    if (problem !== text) logger.warn({ event: 'redis_unavailable', error: errorMessage(e) });
    problem = text;
  });
  client.on('end', () => (problem ??= 'Redis connection closed'));
  client.on('close', () => (problem ??= 'Redis connection closed'));
  return {
    client,
    problem: () => problem,
    async close() {
      client.disconnect(false);
    },
  };
}
