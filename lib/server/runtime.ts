// The one WebCompile runtime of this server process: config, engine, pools, metrics, logger.
// Kept on globalThis because Next.js bundles each route separately and would otherwise make one
// pool per route.

import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { config as loadConfig, poolSizeFor, type Config } from '../config/config';
import { Engine } from '../docker/engine';
import { LABEL_INSTANCE } from '../docker/sandbox-spec';
import { createLogger, type Logger } from '../observability/logger';
import { Metrics } from '../observability/metrics';
import { Capacity } from '../pool/capacity';
import { errorMessage } from '../pool/pool';
import { SandboxPool, sharedCalls } from '../pool/sandbox-pool';
import { sweepLeftovers } from '../pool/sweep';
import { findOrphans } from '../pool/orphans';
import { imageFor, LANGUAGES, limitsFor } from '../runner/languages';
import { RateLimiter } from '../http/rate-limit';
import { CompileCache } from '../compiler/compile-cache';
import { CompilerPool } from '../compiler/warm-compiler';
import type { PoolEvent } from '../pool/pool';

export interface Runtime {
  config: Config;
  engine: Engine;
  pools: Map<string, SandboxPool>;
  compilers: Map<string, CompilerPool>;
  compileCache: CompileCache;
  /** Image ids by language, part of the compile cache key (a rebuilt image invalidates it). */
  imageIds: Map<string, string>;
  /** WEBCOMPILE_MAX_CONTAINERS, shared by the pools of every language. */
  capacity: Capacity;
  metrics: Metrics;
  logger: Logger;
  rateLimiter: RateLimiter;
  instanceId: string;
  startedAt: number;
  /** Requests being served right now (for shutdown). */
  inFlight: number;
  shuttingDown: boolean;
  ready: Promise<void>;
}

const KEY = Symbol.for('webcompile.runtime');
type Holder = { [KEY]?: Runtime };

export function getRuntime(): Runtime {
  const g = globalThis as Holder;
  return (g[KEY] ??= createRuntime());
}

function createRuntime(): Runtime {
  const config = loadConfig();
  const engine = new Engine(config.dockerSocket);
  const logger = createLogger(config.logDir, config.logMaxBytes);
  const instanceId = randomUUID();
  const owner = { instanceId, hostname: os.hostname(), pid: process.pid };
  const pools = new Map<string, SandboxPool>();
  const compilers = new Map<string, CompilerPool>();
  const imageIds = new Map<string, string>();
  const capacity = new Capacity(config.maxContainers);
  // The pools reconcile on the same beat; one engine listing serves them all.
  const listOurs = sharedCalls(() => engine.listManaged({ [LABEL_INSTANCE]: instanceId }));
  const metrics = new Metrics(() => [...pools.values()].map((p) => p.pool.stats()));

  const poolEvents = (id: string, role: string) => (e: PoolEvent) => {
    if (e.type === 'created') {
      metrics.container('created');
      logger.info({ event: 'container_created', role, language: id, ms: e.ms });
    } else if (e.type === 'destroyed') {
      metrics.container('destroyed');
    } else if (e.type === 'create_failed') {
      metrics.container('failed');
      metrics.engineError();
      logger.error({ event: 'container_create_failed', role, language: id, error: errorMessage(e.error), retryInMs: e.retryInMs });
    } else if (e.type === 'destroy_failed') {
      metrics.engineError();
      logger.warn({ event: 'container_destroy_failed', role, language: id, error: errorMessage(e.error) });
    }
  };

  for (const id of config.languages) {
    const language = LANGUAGES[id];
    if (!language) {
      logger.warn({ event: 'unknown_language', language: id }, 'WEBCOMPILE_LANGUAGES names an unknown language');
      continue;
    }
    const pool = new SandboxPool(engine, {
      language: id,
      image: imageFor(config.imagePrefix, id),
      size: poolSizeFor(config, id),
      capacity,
      maxQueue: config.maxQueue,
      acquireTimeoutMs: config.acquireTimeoutMs,
      retryMaxMs: config.createRetryMaxMs,
      reconcileIntervalMs: config.reconcileIntervalMs,
      listOurs,
      limits: limitsFor(config, language),
      owner,
    });
    pool.onEvent(poolEvents(id, 'sandbox'));
    pools.set(id, pool);

    const warm = LANGUAGES[id].warm;
    if (warm && config.warmCompiler) {
      const compilerPool = new CompilerPool(engine, {
        language: id,
        image: imageFor(config.imagePrefix, id),
        cmd: warm.cmd,
        size: config.compilerPoolSize,
        maxTotal: config.compilerPoolSize,
        reusable: true,
        maxQueue: config.maxQueue,
        acquireTimeoutMs: config.acquireTimeoutMs,
        retryMaxMs: config.createRetryMaxMs,
        limits: { ...config, memoryMb: config.compilerMemoryMb },
        owner,
        recycleAfter: config.compilerRecycleAfter,
        warmupSource: LANGUAGES[id].example,
      });
      compilerPool.onEvent(poolEvents(id, 'compiler'));
      compilers.set(id, compilerPool);
    }
  }

  const rt: Runtime = {
    config,
    engine,
    pools,
    compilers,
    compileCache: new CompileCache(config.compileCacheMb * 1024 * 1024),
    imageIds,
    capacity,
    metrics,
    logger,
    rateLimiter: new RateLimiter(config.rateLimitPerMinute),
    instanceId,
    startedAt: Date.now(),
    inFlight: 0,
    shuttingDown: false,
    ready: Promise.resolve(),
  };

  // Sweep leftovers first, so that they never count against the machine; then fill the pools.
  rt.ready = sweepLeftovers(engine, owner)
    .then((n) => logger.info({ event: 'startup_sweep', removed: n, instanceId }))
    .catch((e) => logger.warn({ event: 'startup_sweep_failed', error: errorMessage(e) }))
    .then(async () => {
      for (const id of pools.keys()) {
        const info = await engine.docker.getImage(imageFor(config.imagePrefix, id)).inspect().catch(() => null);
        if (info) imageIds.set(id, info.Id);
      }
      for (const p of pools.values()) p.start();
      for (const c of compilers.values()) c.start();
      const orphanTimer = setInterval(async () => {
        const held = new Set<string>([
          ...[...pools.values()].flatMap((p) => p.pool.resources().map((r) => r.id)),
          ...[...compilers.values()].flatMap((c) => c.pool.resources().map((r) => r.id)),
        ]);
        try {
          const orphans = findOrphans(await listOurs(), held, Date.now());
          for (const id of orphans) await engine.remove(id);
          if (orphans.length) logger.warn({ event: 'orphans_removed', count: orphans.length });
        } catch (e) {
          metrics.engineError();
          logger.warn({ event: 'orphan_check_failed', error: errorMessage(e) });
        }
      }, 30_000);
      orphanTimer.unref?.();
      logger.info({ event: 'pools_started', languages: [...pools.keys()], size: config.poolSize });
      const sizes = Object.fromEntries([...pools].map(([id, p]) => [id, p.pool.stats().size]));
      logger.info({ event: 'pools_started', sizes, maxContainers: config.maxContainers });
    });
  return rt;
}

/** Stops taking work, lets running requests finish up to the grace period, removes our containers. */
export async function shutdownRuntime(reason: string): Promise<void> {
  const rt = (globalThis as Holder)[KEY];
  if (!rt || rt.shuttingDown) return;
  rt.shuttingDown = true;
  rt.logger.info({ event: 'shutdown', reason, inFlight: rt.inFlight });
  await rt.ready;
  await Promise.all([
    ...[...rt.pools.values()].map((p) => p.drain(rt.config.shutdownGraceMs)),
    ...[...rt.compilers.values()].map((c) => c.drain(rt.config.shutdownGraceMs)),
  ]);
  rt.logger.info({ event: 'shutdown_done' });
}
