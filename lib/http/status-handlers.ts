// GET /api/stats, /api/health, /api/metrics, /api/languages. The JSON bodies have the types of their
// schemas (status-schemas.ts), which the OpenAPI document shows.

import { poolTotals } from '../pool/pool';
import { LANGUAGES } from '../core/languages';
import { getRuntime } from '../server/runtime';
import { errorMessage } from '../util/error-message';
import type { ClusterBody, HealthBody, LanguageEntry, StatsBody } from './status-schemas';

const noStore = { 'Cache-Control': 'no-store' };

export function statsBody(): StatsBody {
  const rt = getRuntime();
  const pools = Object.fromEntries([...rt.pools].map(([id, p]) => [id, p.stats()]));
  const { waiting, ...pool } = poolTotals(Object.values(pools));
  const m = rt.metrics;
  return {
    uptimeS: Math.round((Date.now() - rt.startedAt) / 1000),
    instanceId: rt.instanceId,
    shuttingDown: rt.shuttingDown,
    pool,
    /** WEBCOMPILE_MAX_CONTAINERS and the containers of all languages that count against it now. */
    capacity: { max: rt.capacity.limit, inUse: rt.capacity.inUse },
    queueLength: waiting,
    pools,
    compilers: Object.fromEntries([...rt.compilers].map(([id, c]) => [id, c.stats()])),
    /** "native-abi": the profile setup wrote; "engine-default": the engine's own (see the logs for why). */
    seccomp: rt.seccompSource,
    compileCache: {
      entries: rt.compileCache.size,
      bytes: rt.compileCache.usedBytes,
      hits: rt.compileCache.hits,
      misses: rt.compileCache.misses,
      shared: rt.sharedCompileCache && {
        hits: rt.sharedCompileCache.hits,
        misses: rt.sharedCompileCache.misses,
        errors: rt.sharedCompileCache.errors,
      },
    },
    requests: { byStatus: m.byStatus, rejected: m.rejections, inFlight: rt.executor.inFlight },
    latencyMs: {
      queue: m.windows.queue.summary(),
      compile: m.windows.compile.summary(),
      run: m.windows.run.summary(),
      total: m.windows.total.summary(),
    },
    containers: m.containerEvents,
    engineErrors: m.engineErrors,
    warmCompileFallbacks: m.warmFallbackCounts,
    compiles: m.compiles,
    history: m.history,
  };
}

export function handleStats(): Response {
  return Response.json(statsBody(), { headers: noStore });
}

export async function handleHealth(): Promise<Response> {
  const rt = getRuntime();
  const pools = [...rt.pools.values()].map((p) => p.stats());
  const ready = poolTotals(pools).idle;
  // Cached: at most one ping a second, however many poll. The reason is ours; the engine's own words
  // are in the log (the check logs a change) and in each pool's lastError below.
  let reason = (await rt.engineHealth.check()) ? 'the Docker engine does not answer' : null;
  if (!reason && rt.shuttingDown) reason = 'shutting down';
  const accepting = reason === null;
  if (!reason && ready === 0) {
    const failing = pools.some((s) => !s.healthy);
    reason = failing ? 'no sandbox ready: sandboxes cannot be created now' : 'no sandbox ready yet';
  }
  const compilers = [...rt.compilers].map(([id, c]) => ({ id, ...c.stats() }));
  const noCompiler = compilers.find((c) => c.idle + c.busy === 0);
  if (!reason && noCompiler) {
    reason = `no ${noCompiler.id} compiler ready${noCompiler.healthy ? ' yet' : ': compilers cannot be created now'}`;
  }
  const shared = await rt.sharedServices();
  const missing = [
    shared.redis === 'down' && "Redis is down: rate limits are this instance's own and /api/cluster shows only it",
    shared.database === 'down' &&
      'the submissions database is down: the Judge0 API answers 503 and queued submissions wait for it',
  ].filter((m): m is string => typeof m === 'string');
  const body: HealthBody = {
    ok: reason === null,
    reason,
    accepting,
    degraded: missing.length ? missing.join('; ') : null,
    shared,
    ready,
    pool: pools,
    compilers,
  };
  return Response.json(body, { status: reason ? 503 : 200, headers: noStore });
}

/** The live instances of the cluster (heartbeats in Redis); only this one without Redis or while it is down. */
export async function handleCluster(): Promise<Response> {
  const rt = getRuntime();
  const self = { ...rt.report(), beatAt: Date.now() };
  const body: ClusterBody = { self: rt.instanceId, shared: rt.membership !== null, problem: null, instances: [self] };
  if (rt.membership) {
    try {
      const live = await rt.membership.live();
      // Listed even before its first heartbeat has landed: the instance answering is alive.
      body.instances = live.some((i) => i.id === rt.instanceId) ? live : [...live, self];
    } catch (e) {
      body.problem = `Redis does not answer: ${errorMessage(e)}`;
    }
  }
  return Response.json(body, { headers: noStore });
}

export async function handleMetrics(): Promise<Response> {
  const rt = getRuntime();
  const text = await rt.metrics.registry.metrics();
  return new Response(text, { headers: { ...noStore, 'Content-Type': rt.metrics.registry.contentType } });
}

export async function handleLanguages(): Promise<Response> {
  const rt = getRuntime();
  const list = await Promise.all(
    [...rt.pools.keys()].map(async (id): Promise<LanguageEntry> => {
      const l = LANGUAGES[id];
      const version = (await rt.images.info(id))?.version ?? null;
      return { id, name: l.name, monaco: l.monaco, compiled: l.compiled, version, example: l.example };
    }),
  );
  return Response.json(list, { headers: noStore });
}
