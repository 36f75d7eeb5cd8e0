// The one WebCompile runtime of this server process: config, engine, pools, metrics, logger.
// Kept on globalThis because Next.js bundles each route separately and would otherwise make one
// pool per route.

import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { loadConfig, poolSizeFor, type Config } from '../config/config';
import { DockerEngine } from '../engine/docker-engine';
import type { Engine } from '../engine/engine';
import { LABEL_INSTANCE } from '../engine/sandbox-spec';
import { checkEngineVersion, readSeccompProfile, type SeccompChoice } from '../engine/seccomp';
import { createLogger, type Logger } from '../observability/logger';
import { Metrics } from '../observability/metrics';
import { Capacity } from '../pool/capacity';
import { ClientGate } from '../pool/client-gate';
import { errorMessage } from '../util/error-message';
import { SandboxPool } from '../pool/sandbox-pool';
import { sweepLeftovers } from '../pool/sweep';
import { startHousekeeping } from '../pool/housekeeping';
import { imageFor, LANGUAGES, limitsFor } from '../core/languages';
import { RateLimiter } from '../pool/rate-limit';
import { CompileCache } from '../compiler/compile-cache';
import { CompilerPool } from '../compiler/warm-compiler';
import type { PoolEvent } from '../pool/pool';

export interface Runtime {
  config: Config;
  engine: Engine;
  pools: Map<string, SandboxPool>;
  compilers: Map<string, CompilerPool>;
  compileCache: CompileCache;
  /** The seccomp profile every container gets. */
  seccomp: SeccompChoice;
  /** Each language's image id and version label, read once (see imageInfo). */
  images: Map<string, ImageInfo>;
  /** WEBCOMPILE_MAX_CONTAINERS, shared by the pools of every language. */
  capacity: Capacity;
  metrics: Metrics;
  logger: Logger;
  rateLimiter: RateLimiter;
  /** WEBCOMPILE_CLIENT_MAX_IN_FLIGHT: what one client may have going at once. */
  clientGate: ClientGate;
  instanceId: string;
  startedAt: number;
  /** Requests being served right now (for shutdown). */
  inFlight: number;
  shuttingDown: boolean;
  ready: Promise<void>;
  /** Stops the housekeeping loop (kept here, not in a module variable: route bundles get their own copies). */
  stopHousekeeping: () => void;
}

const KEY = Symbol.for('webcompile.runtime');

export interface ImageInfo {
  id: string;
  /** The toolchain version the image build wrote into its label (never typed in). */
  version: string | null;
}

/** A language's image id and version, read from the engine once and then kept. */
export async function imageInfo(rt: Runtime, language: string): Promise<ImageInfo | null> {
  const known = rt.images.get(language);
  if (known) return known;
  const image = await rt.engine.inspectImage(imageFor(rt.config.imagePrefix, language));
  if (!image) return null;
  const info = { id: image.id, version: image.labels['webcompile.version'] ?? null };
  rt.images.set(language, info);
  return info;
}
type Holder = { [KEY]?: Runtime };

export function getRuntime(): Runtime {
  const g = globalThis as Holder;
  return (g[KEY] ??= createRuntime());
}

function createRuntime(): Runtime {
  const config = loadConfig();
  const engine: Engine = new DockerEngine(config.dockerSocket);
  const logger = createLogger(config.logDir, config.logMaxBytes);
  const instanceId = randomUUID();
  const owner = { instanceId, hostname: os.hostname(), pid: process.pid };
  const pools = new Map<string, SandboxPool>();
  const compilers = new Map<string, CompilerPool>();
  const capacity = new Capacity(config.maxContainers);
  const metrics = new Metrics(() => [...pools.values()].map((p) => p.stats()));
  // Read at every create: the engine version check may still drop the profile before the pools start.
  const seccomp = () => rt.seccomp.json;

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
    const language = Object.hasOwn(LANGUAGES, id) ? LANGUAGES[id] : undefined;
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
      // Only sandboxes run user programs: warm compilers keep the engine's default runtime.
      limits: { ...limitsFor(config, language), runtime: config.sandboxRuntime },
      seccomp,
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
        seccomp,
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
    seccomp: readSeccompProfile(config.seccompProfile),
    images: new Map(),
    capacity,
    metrics,
    logger,
    rateLimiter: new RateLimiter(config.rateLimitPerMinute),
    clientGate: new ClientGate({ perClient: config.clientMaxInFlight, maxWaiting: config.maxQueue }),
    instanceId,
    startedAt: Date.now(),
    inFlight: 0,
    shuttingDown: false,
    ready: Promise.resolve(),
    stopHousekeeping: () => {},
  };

  // Sweep leftovers first, so that they never count against the machine; then fill the pools.
  rt.ready = sweepLeftovers(engine, owner)
    .then((n) => logger.info({ event: 'startup_sweep', removed: n, instanceId }))
    .catch((e) => logger.warn({ event: 'startup_sweep_failed', error: errorMessage(e) }))
    .then(async () => {
      // The profile setup wrote holds the default rules of the engine it came from. An engine that
      // cannot be asked now counts as another one: its own default profile is the safe choice.
      const version = await rt.engine.version().catch((e) => `unknown (${errorMessage(e)})`);
      rt.seccomp = checkEngineVersion(rt.seccomp, version);
      if (rt.seccomp.problem) {
        logger.warn({ event: 'seccomp_profile', problem: rt.seccomp.problem }, "containers get the engine's default seccomp profile");
      }
      for (const p of pools.values()) p.start();
      for (const c of compilers.values()) c.start();
      // Read alongside the first creates, so that the first request does not wait for it (a failure
      // is retried on use); the pools need not wait for it either.
      for (const id of pools.keys()) void imageInfo(rt, id).catch(() => null);
      rt.stopHousekeeping = startHousekeeping({
        engine,
        instanceId,
        pools: [...pools.values()],
        held: () =>
          new Set([
            ...[...pools.values()].flatMap((p) => p.heldIds()),
            ...[...compilers.values()].flatMap((c) => c.heldIds()),
          ]),
        intervalMs: config.reconcileIntervalMs,
        onError: (error) => {
          metrics.engineError();
          logger.warn({ event: 'housekeeping_failed', error });
        },
        onOrphans: (count) => logger.warn({ event: 'orphans_removed', count }),
      });
      const sizes = Object.fromEntries([...pools].map(([id, p]) => [id, p.stats().size]));
      logger.info({ event: 'pools_started', sizes, maxContainers: config.maxContainers });
    });
  return rt;
}

/** What server.mjs needs from the typed config (where to listen, how to stop), or why it cannot start. */
export type ServerSettings =
  | { port: number; host: string; shutdownGraceMs: number; shutdown: (reason: string) => Promise<void> }
  | { error: string };

/** Starts the runtime (config, pools) for server.mjs; a malformed setting becomes its error. */
export function serverSettings(): ServerSettings {
  try {
    const { config } = getRuntime();
    return { port: config.port, host: config.host, shutdownGraceMs: config.shutdownGraceMs, shutdown: shutdownRuntime };
  } catch (e) {
    return { error: errorMessage(e) };
  }
}

/** Stops taking work, lets running requests finish up to the grace period, removes our containers. */
async function shutdownRuntime(reason: string): Promise<void> {
  const rt = (globalThis as Holder)[KEY];
  if (!rt || rt.shuttingDown) return;
  rt.shuttingDown = true;
  rt.logger.info({ event: 'shutdown', reason, inFlight: rt.inFlight });
  await rt.ready;
  rt.stopHousekeeping();
  await Promise.all([
    ...[...rt.pools.values()].map((p) => p.drain(rt.config.shutdownGraceMs)),
    ...[...rt.compilers.values()].map((c) => c.drain(rt.config.shutdownGraceMs)),
  ]);
  // Anything of ours still on the engine (a removal that failed) goes too.
  const left = await rt.engine.listManaged({ [LABEL_INSTANCE]: rt.instanceId }).catch(() => []);
  await Promise.all(left.map((c) => rt.engine.remove(c.id).catch(() => {})));
  rt.logger.info({ event: 'shutdown_done' });
}
