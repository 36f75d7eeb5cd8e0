// What every run front door (ours, Piston's HTTP and WebSocket, Judge0's) does before a run: find
// who asks, and take their runs from the rate limit. Each door answers a refusal in its own format.

import type { Config } from '../config/config';
import { getRuntime } from '../server/runtime';
import { clientAddress } from './client-address';

/** The header server.mjs sets to the socket's peer address (Next.js does not pass the socket on). */
const PEER_HEADER = 'x-webcompile-peer';

/** Who sent a request: the socket's address, or X-Forwarded-For's behind a trusted proxy. */
export function requestClient(
  headers: Headers,
  config: Pick<Config, 'trustProxy'>,
  peer: string | undefined = headers.get(PEER_HEADER) ?? undefined,
): string {
  return clientAddress(headers, config.trustProxy, peer);
}

export interface RateRefusal {
  message: string;
  retryAfterS: number;
}

/** Takes `runs` runs from the client's rate limit: null when taken, else the refusal (counted as rate_limited). */
export async function takeRuns(client: string, runs = 1): Promise<RateRefusal | null> {
  const rt = getRuntime();
  const decision = await rt.rateLimiter.take(client, runs);
  if (decision.allowed) return null;
  rt.metrics.reject('rate_limited');
  return {
    message: `too many runs from ${client}; limit is ${rt.config.rateLimitPerMinute} a minute`,
    retryAfterS: decision.retryAfterS,
  };
}
