// The one WebCompile runtime of this server process, built whole from the config: engine, pools,
// warm compilers, the execution core, metrics, logger. This is where the parts are put together; the
// front doors (lib/http) reach the core through it. Kept on globalThis because Next.js bundles each
// route separately and would otherwise make one pool per route.

import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { BullJobQueue } from '../cluster/job-queue';
import { Membership, type InstanceReport } from '../cluster/membership';
import { connectRedis, type RedisLink } from '../cluster/redis';
import { RedisCompileCache } from '../cluster/shared-compile-cache';
import { SharedRateLimit } from '../cluster/shared-rate-limit';
import { CompileCache } from '../compiler/compile-cache';
import { CompilerPool } from '../compiler/warm-compiler';
import { loadConfig, poolSizeFor, warmCompilerFor, type Config } from '../config/config';
import { Executor } from '../core/executor';
import { Images } from '../core/images';
import { imageFor, LANGUAGES, limitsFor } from '../core/languages';
import { DockerEngine } from '../engine/docker-engine';
import type { Engine } from '../engine/engine';
import { EngineHealth } from '../engine/engine-health';
import { LABEL_INSTANCE, type SandboxOwner } from '../engine/sandbox-spec';
import { checkEngineVersion, readSeccompProfile, type SeccompChoice } from '../engine/seccomp';
import { createLogger, type Logger } from '../observability/logger';
import { Judge0Service } from '../judge0/service';
import { Metrics } from '../observability/metrics';
import { Capacity } from '../pool/capacity';
import { ClientGate } from '../pool/client-gate';
import type { ContainerPool } from '../pool/container-pool';
import { startHousekeeping } from '../pool/housekeeping';
import { poolTotals, type PoolEvent } from '../pool/pool';
import { RateLimiter, type RateLimit } from '../pool/rate-limit';
import { SandboxPool } from '../pool/sandbox-pool';
import { sweepLeftovers } from '../pool/sweep';
import { openSubmissionStore } from '../store/open-store';
import { errorMessage } from '../util/error-message';

/** A shared service as an instance sees it: usable, not answering, or not configured. */
export type ServiceState = 'ok' | 'down' | 'off';

export class Runtime {
  readonly instanceId = randomUUID();
  readonly startedAt = Date.now();
  readonly engine: Engine;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly pools = new Map<string, SandboxPool>();
  readonly compilers = new Map<string, CompilerPool>();
  readonly compileCache: CompileCache;
  /** The compile cache's tier in Redis, behind compileCache; null without Redis or at WEBCOMPILE_SHARED_CACHE_MB=0. */
  readonly sharedCompileCache: RedisCompileCache | null;
  /** WEBCOMPILE_MAX_CONTAINERS, shared by the pools of every language. */
  readonly capacity: Capacity;
  /** This process's buckets, or the cluster's limit in Redis (WEBCOMPILE_REDIS_URL). */
  readonly rateLimiter: RateLimit;
  /** The cluster's Redis, when WEBCOMPILE_REDIS_URL names one. */
  readonly redis: RedisLink | null;
  /** The live instances (heartbeats in Redis); null without Redis. */
  readonly membership: Membership | null;
  readonly images: Images;
  readonly engineHealth: EngineHealth;
  readonly executor: Executor;
  /** Judge0's stored submissions and their worker (the Judge0 front door); null until its store is open. */
  judge0: Judge0Service | null = null;
  /** Why there is no Judge0 service (its database would not open): the rest serves on without it. */
  judge0Problem: string | null = 'the submissions database is being opened';
  /** Resolves once leftovers are swept and the pools have started filling. */
  readonly ready: Promise<void>;
  /** The seccomp profile every container gets; settled against the engine's version at start. */
  private seccomp: SeccompChoice;
  private stopHousekeeping: () => void = () => {};
  private stopping = false;
  private judge0Opening: Promise<void> = Promise.resolve();
  private databaseCheck: { at: number; state: Promise<ServiceState> } | null = null;
  /** Ends the wait between two tries to open the submissions' store (at shutdown). */
  private wakeJudge0: () => void = () => {};

  constructor(
    readonly config: Config,
    engine: Engine = new DockerEngine(config.dockerSocket),
  ) {
    this.engine = engine;
    this.logger = createLogger(config.logDir, config.logMaxBytes);
    this.metrics = new Metrics(() => poolTotals([...this.pools.values()].map((p) => p.stats())));
    this.capacity = new Capacity(config.maxContainers);
    this.compileCache = new CompileCache(config.compileCacheMb * 1024 * 1024);
    this.redis = config.redisUrl ? connectRedis(config.redisUrl, this.logger) : null;
    this.sharedCompileCache =
      this.redis && config.sharedCacheMb > 0
        ? new RedisCompileCache(this.redis, {
            maxBytes: config.sharedCacheMb * 1024 * 1024,
            ttlMs: config.sharedCacheTtlS * 1000,
            logger: this.logger,
          })
        : null;
    this.rateLimiter = this.redis
      ? new SharedRateLimit(config.rateLimitPerMinute, this.redis)
      : new RateLimiter(config.rateLimitPerMinute);
    this.membership = this.redis
      ? new Membership(this.redis, {
          report: () => this.report(),
          heartbeatMs: config.clusterHeartbeatMs,
          deadAfterMs: config.clusterDeadAfterMs,
          logger: this.logger,
        })
      : null;
    this.images = new Images(this.engine, config.imagePrefix);
    this.engineHealth = new EngineHealth(this.engine, 1000, undefined, (problem) =>
      problem
        ? this.logger.warn({ event: 'engine_unhealthy', problem })
        : this.logger.info({ event: 'engine_healthy' }),
    );
    this.seccomp = readSeccompProfile(config.seccompProfile);
    this.buildPools();
    this.executor = new Executor({
      config,
      engine: this.engine,
      pools: this.pools,
      compilers: this.compilers,
      compileCache: this.compileCache,
      sharedCompileCache: this.sharedCompileCache,
      clientGate: new ClientGate({ perClient: config.clientMaxInFlight, maxWaiting: config.maxQueue }),
      images: this.images,
      metrics: this.metrics,
      logger: this.logger,
    });
    this.ready = this.start();
  }

  /** What this instance tells the cluster of itself in each heartbeat. */
  report(): InstanceReport {
    return {
      id: this.instanceId,
      hostname: os.hostname(),
      pid: process.pid,
      startedAt: this.startedAt,
      shuttingDown: this.stopping,
      inFlight: this.executor.inFlight,
      pool: poolTotals([...this.pools.values()].map((p) => p.stats())),
    };
  }

  /**
   * Whether what a cluster shares can be used now: Redis, and the submissions database (asked at
   * most once a second however many poll /api/health).
   */
  async sharedServices(fresh = false): Promise<{ redis: ServiceState; database: ServiceState }> {
    const redis: ServiceState = !this.redis ? 'off' : this.redis.problem() ? 'down' : 'ok';
    if (!this.config.databaseUrl) return { redis, database: 'off' };
    const now = Date.now();
    if (fresh || !this.databaseCheck || now - this.databaseCheck.at > 1000) {
      const store = this.judge0?.store;
      this.databaseCheck = {
        at: now,
        state: store
          ? store.countPending().then(
              () => 'ok' as const,
              () => 'down' as const,
            )
          : Promise.resolve('down' as const),
      };
    }
    return { redis, database: await this.databaseCheck.state };
  }

  /** "native-abi": the profile setup wrote; "engine-default": the engine's own (see the logs for why). */
  get seccompSource(): string {
    return this.seccomp.source;
  }

  get shuttingDown(): boolean {
    return this.stopping;
  }

  private get owner(): SandboxOwner {
    return { instanceId: this.instanceId, hostname: os.hostname(), pid: process.pid };
  }

  private buildPools(): void {
    const { config, engine } = this;
    // Read at every create: the engine version check may still drop the profile before the pools start.
    const seccomp = () => this.seccomp.json;
    for (const id of config.languages) {
      const language = Object.hasOwn(LANGUAGES, id) ? LANGUAGES[id] : undefined;
      if (!language) {
        this.logger.warn({ event: 'unknown_language', language: id }, 'WEBCOMPILE_LANGUAGES names an unknown language');
        continue;
      }
      const common = {
        language: id,
        image: imageFor(config.imagePrefix, id),
        maxQueue: config.maxQueue,
        acquireTimeoutMs: config.acquireTimeoutMs,
        retryMaxMs: config.createRetryMaxMs,
        seccomp,
        owner: this.owner,
      };
      const pool = new SandboxPool(engine, {
        ...common,
        size: poolSizeFor(config, id),
        replaceDelayMs: config.replaceDelayMs,
        capacity: this.capacity,
        // Only sandboxes run user programs: warm compilers keep the engine's default runtime.
        limits: { ...limitsFor(config, language), runtime: config.sandboxRuntime },
      });
      this.watch(pool, id, 'sandbox');
      this.pools.set(id, pool);
      if (language.warm && warmCompilerFor(config, id)) {
        const compilers = new CompilerPool(engine, {
          ...common,
          cmd: language.warm.cmd,
          size: config.compilerPoolSize,
          maxTotal: config.compilerPoolSize,
          reusable: true,
          limits: { ...config, memoryMb: config.compilerMemoryMb },
          recycleAfter: config.compilerRecycleAfter,
          warmupFiles: [{ path: language.sourceFile, content: language.example }],
          warmups: language.warm.warmups,
        });
        this.watch(compilers, id, 'compiler');
        this.compilers.set(id, compilers);
      }
    }
  }

  private watch(pool: ContainerPool<{ id: string }>, language: string, role: string): void {
    const { metrics, logger } = this;
    pool.onEvent((e: PoolEvent) => {
      if (e.type === 'created') {
        metrics.container('created');
        logger.info({ event: 'container_created', role, language, ms: e.ms });
      } else if (e.type === 'destroyed') {
        metrics.container('destroyed');
      } else if (e.type === 'create_failed') {
        metrics.container('failed');
        metrics.engineError();
        logger.error({
          event: 'container_create_failed',
          role,
          language,
          error: errorMessage(e.error),
          retryInMs: e.retryInMs,
        });
      } else if (e.type === 'destroy_failed') {
        metrics.engineError();
        logger.warn({ event: 'container_destroy_failed', role, language, error: errorMessage(e.error) });
      }
    });
  }

  /** Sweeps leftovers first, so that they never count against the machine; then fills the pools. */
  private async start(): Promise<void> {
    const { engine, logger, instanceId } = this;
    await sweepLeftovers(engine, this.owner)
      .then((n) => logger.info({ event: 'startup_sweep', removed: n, instanceId }))
      .catch((e) => logger.warn({ event: 'startup_sweep_failed', error: errorMessage(e) }));
    // The profile setup wrote holds the default rules of the engine it came from. An engine that
    // cannot be asked now counts as another one: its own default profile is the safe choice.
    const version = await engine.version().catch((e) => `unknown (${errorMessage(e)})`);
    this.seccomp = checkEngineVersion(this.seccomp, version);
    if (this.seccomp.problem) {
      logger.warn(
        { event: 'seccomp_profile', problem: this.seccomp.problem },
        "containers get the engine's default seccomp profile",
      );
    }
    for (const p of this.pools.values()) p.start();
    for (const c of this.compilers.values()) c.start();
    // Read alongside the first creates, so that the first request does not wait for it.
    for (const id of this.pools.keys()) void this.images.info(id);
    const all: ContainerPool<{ id: string }>[] = [...this.pools.values(), ...this.compilers.values()];
    this.stopHousekeeping = startHousekeeping({
      engine,
      instanceId,
      pools: [...this.pools.values()],
      held: () => new Set(all.flatMap((p) => p.heldIds())),
      intervalMs: this.config.reconcileIntervalMs,
      onError: (error) => {
        this.metrics.engineError();
        logger.warn({ event: 'housekeeping_failed', error });
      },
      onOrphans: (count) => logger.warn({ event: 'orphans_removed', count }),
    });
    this.membership?.start();
    // Queued Judge0 submissions (and those a crash left running) run from now on; not awaited, as
    // a database that is down must not hold the rest of the start.
    this.judge0Opening = this.openJudge0();
    const sizes = Object.fromEntries([...this.pools].map(([id, p]) => [id, p.stats().size]));
    logger.info({ event: 'pools_started', sizes, maxContainers: this.config.maxContainers });
  }

  /**
   * Opens the submissions' store and starts their worker. A database that cannot be reached now
   * (PostgreSQL down) is tried again until it can, so queued work resumes when it is back; until
   * then the Judge0 front door answers 503 with the reason.
   */
  private async openJudge0(): Promise<void> {
    const { config, logger } = this;
    for (let wait = 500; !this.stopping; wait = Math.min(wait * 2, 5000)) {
      try {
        const store = await openSubmissionStore(config);
        const membership = this.membership;
        // With Redis, queued rows run as BullMQ jobs that any instance's worker may take.
        const queue = config.redisUrl ? this.jobQueue(config.redisUrl) : undefined;
        const service = new Judge0Service({
          store,
          runnerId: this.instanceId,
          // In a cluster, what a dead instance left running goes back to the queue for the others.
          ...(membership ? { liveRunners: () => membership.liveIds() } : {}),
          ...(queue ? { queue } : {}),
          executor: this.executor,
          config,
          logger,
        });
        try {
          await service.start();
        } catch (e) {
          await store.close().catch(() => {});
          await queue?.close(0);
          throw e;
        }
        this.judge0 = service;
        this.judge0Problem = null;
        return;
      } catch (e) {
        const problem = `the submissions database ${databaseName(config)} cannot be opened: ${errorMessage(e)}`;
        if (problem !== this.judge0Problem) logger.error({ event: 'judge0_store_failed', error: problem });
        this.judge0Problem = problem;
      }
      await new Promise<void>((r) => {
        this.wakeJudge0 = r;
        setTimeout(r, wait).unref();
      });
    }
  }

  /** The Judge0 job queue on the cluster's Redis, shared by every instance that uses that Redis. */
  private jobQueue(redisUrl: string): BullJobQueue {
    const { config } = this;
    return new BullJobQueue(
      {
        redisUrl,
        name: 'webcompile-judge0',
        workerName: this.instanceId,
        concurrency: config.judge0Workers,
        // A job's lock lapses when an instance would be thought dead, so both hand its work on alike.
        lockMs: config.clusterDeadAfterMs,
        retryDelayMs: 1000,
        keepDone: { count: 1000, ageS: 3600 },
      },
      this.logger,
    );
  }

  /** Stops taking work, lets running requests finish up to the grace period, removes our containers. */
  async shutdown(reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.executor.close();
    this.logger.info({ event: 'shutdown', reason, inFlight: this.executor.inFlight });
    await this.ready;
    this.stopHousekeeping();
    this.wakeJudge0();
    await this.judge0Opening;
    const grace = this.config.shutdownGraceMs;
    await this.judge0
      ?.stop(grace)
      .catch((e) => this.logger.warn({ event: 'judge0_stop_failed', error: errorMessage(e) }));
    await Promise.all([...this.pools.values(), ...this.compilers.values()].map((p) => p.drain(grace)));
    await this.membership?.stop(this.instanceId);
    await this.redis?.close();
    // Anything of ours still on the engine (a removal that failed) goes too.
    const left = await this.engine.listManaged({ [LABEL_INSTANCE]: this.instanceId }).catch(() => []);
    await Promise.all(left.map((c) => this.engine.remove(c.id).catch(() => {})));
    this.logger.info({ event: 'shutdown_done' });
  }
}

/** The submissions database as a log line may name it: a URL without its password. */
function databaseName(config: Config): string {
  if (!config.databaseUrl) return config.judge0Db;
  try {
    const u = new URL(config.databaseUrl);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'WEBCOMPILE_DATABASE_URL';
  }
}

const KEY = Symbol.for('webcompile.runtime');
type Holder = { [KEY]?: Runtime };

export function getRuntime(): Runtime {
  const g = globalThis as Holder;
  return (g[KEY] ??= new Runtime(loadConfig()));
}

/** What server.mjs needs from the typed config (where to listen, how to stop), or why it cannot start. */
export type ServerSettings =
  | {
      port: number;
      host: string;
      shutdownGraceMs: number;
      /** The largest WebSocket message (an interactive run's init holds the program, JSON-escaped). */
      maxMessageBytes: number;
      shutdown: (reason: string) => Promise<void>;
    }
  | { error: string };

/** Starts the runtime (config, pools) for server.mjs; a malformed setting becomes its error. */
export function serverSettings(): ServerSettings {
  try {
    const rt = getRuntime();
    const { port, host, shutdownGraceMs, maxCodeBytes } = rt.config;
    // JSON may write a byte of the program as up to six ("\u0000"); plus room for the other fields.
    const maxMessageBytes = 6 * maxCodeBytes + 64 * 1024;
    return { port, host, shutdownGraceMs, maxMessageBytes, shutdown: (reason) => rt.shutdown(reason) };
  } catch (e) {
    return { error: errorMessage(e) };
  }
}
