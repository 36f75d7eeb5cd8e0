// Every limit and default of WebCompile, in one typed object. Each field can be overridden by the
// environment variable named next to it; the README lists them all.

import { isLanguageId, LANGUAGE_IDS, MAIN_LANGUAGE } from '../languages/catalogue';

export interface Config {
  port: number; //                 PORT
  host: string; //                 HOST (address to listen on)
  poolSize: number; //             WEBCOMPILE_POOL_SIZE (ready containers of the main language, C#)
  languagePoolSize: number; //     WEBCOMPILE_LANGUAGE_POOL_SIZE (ready containers of every other language)
  poolSizes: Record<string, number>; // WEBCOMPILE_POOL_SIZE_<ID>, e.g. WEBCOMPILE_POOL_SIZE_PYTHON=2
  maxContainers: number; //        WEBCOMPILE_MAX_CONTAINERS (idle + starting + busy + being removed, all languages together)
  languages: string[]; //          WEBCOMPILE_LANGUAGES (comma separated ids; default: every language)
  imagePrefix: string; //          WEBCOMPILE_IMAGE_PREFIX (image = prefix + language id + ":latest")
  dockerSocket: string; //         WEBCOMPILE_DOCKER_SOCKET
  timeoutMs: number; //            WEBCOMPILE_TIMEOUT_MS (run time limit when the request names none)
  maxTimeoutMs: number; //         WEBCOMPILE_MAX_TIMEOUT_MS (largest timeoutMs a request may ask for)
  compileTimeoutMs: number; //     WEBCOMPILE_COMPILE_TIMEOUT_MS
  acquireTimeoutMs: number; //     WEBCOMPILE_ACQUIRE_TIMEOUT_MS
  maxQueue: number; //             WEBCOMPILE_MAX_QUEUE
  outputLimitBytes: number; //     WEBCOMPILE_OUTPUT_LIMIT_BYTES (per stream)
  maxCodeBytes: number; //         WEBCOMPILE_MAX_CODE_BYTES
  maxStdinBytes: number; //        WEBCOMPILE_MAX_STDIN_BYTES
  memoryMb: number; //             WEBCOMPILE_MEMORY_MB (swap is set equal: no swap)
  cpus: number; //                 WEBCOMPILE_CPUS
  pidsLimit: number; //            WEBCOMPILE_PIDS_LIMIT
  workTmpfsMb: number; //          WEBCOMPILE_TMPFS_MB (size of /work and of /tmp)
  corsOrigin: string; //           WEBCOMPILE_CORS_ORIGIN
  rateLimitPerMinute: number; //   WEBCOMPILE_RATE_LIMIT_PER_MINUTE (0 = off)
  trustProxy: boolean; //          WEBCOMPILE_TRUST_PROXY (use X-Forwarded-For for the client address)
  logDir: string; //               WEBCOMPILE_LOG_DIR
  logMaxBytes: number; //          WEBCOMPILE_LOG_MAX_BYTES (one file is rotated to .1 past this)
  logSource: boolean; //           WEBCOMPILE_LOG_SOURCE (log the submitted code)
  shutdownGraceMs: number; //      WEBCOMPILE_SHUTDOWN_GRACE_MS
  createRetryMaxMs: number; //     WEBCOMPILE_CREATE_RETRY_MAX_MS (backoff ceiling after failed creates)
  reconcileIntervalMs: number; //  WEBCOMPILE_RECONCILE_INTERVAL_MS (how often the pool checks its containers)
  warmCompiler: boolean; //        WEBCOMPILE_WARM_COMPILER (compile C# in resident warm compilers)
  compilerPoolSize: number; //     WEBCOMPILE_COMPILER_POOL_SIZE (warm compilers per language)
  compilerMemoryMb: number; //     WEBCOMPILE_COMPILER_MEMORY_MB
  compilerRecycleAfter: number; // WEBCOMPILE_COMPILER_RECYCLE_AFTER (compiles before a compiler is replaced)
  compileCacheMb: number; //       WEBCOMPILE_COMPILE_CACHE_MB (0 = no cache)
  seccompProfile: string; //       WEBCOMPILE_SECCOMP_PROFILE (file written by setup; "default" = the engine's own profile)
  clientMaxInFlight: number; //    WEBCOMPILE_CLIENT_MAX_IN_FLIGHT (runs and compiles one client may have going at once; more wait their turn)
  compilerWaitMs: number; //       WEBCOMPILE_COMPILER_WAIT_MS (longest wait for a free warm compiler before the sandbox compiles)
  warmCompileTimeoutMs: number; // WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS (how long a warm compiler may spend on one compile)
  warmCompileTimeouts: Record<string, number>; // WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS_<ID>, e.g. ..._CSHARP=2000
  sandboxRuntime: string; //       WEBCOMPILE_SANDBOX_RUNTIME (OCI runtime of the sandboxes: "default" = the engine's, or "runsc" for gVisor)
}

export const defaults: Config = {
  port: 8000,
  host: '0.0.0.0',
  poolSize: 4,
  languagePoolSize: 1,
  poolSizes: {},
  // The default is computed: room for every pool when full, plus as many busy as the main pool holds.
  maxContainers: 8,
  languages: [...LANGUAGE_IDS],
  imagePrefix: 'webcompile/',
  dockerSocket: '/var/run/docker.sock',
  timeoutMs: 5000,
  maxTimeoutMs: 20000,
  compileTimeoutMs: 10000,
  acquireTimeoutMs: 10000,
  maxQueue: 32,
  outputLimitBytes: 64 * 1024,
  maxCodeBytes: 64 * 1024,
  maxStdinBytes: 64 * 1024,
  memoryMb: 256,
  cpus: 1,
  pidsLimit: 64,
  workTmpfsMb: 32,
  corsOrigin: '*',
  rateLimitPerMinute: 30,
  trustProxy: false,
  logDir: 'runs',
  logMaxBytes: 10 * 1024 * 1024,
  logSource: false,
  shutdownGraceMs: 10000,
  createRetryMaxMs: 5000,
  reconcileIntervalMs: 2000,
  warmCompiler: true,
  compilerPoolSize: 2,
  compilerMemoryMb: 512,
  compilerRecycleAfter: 500,
  compileCacheMb: 64,
  seccompProfile: '/var/lib/webcompile/seccomp.json',
  clientMaxInFlight: 4,
  compilerWaitMs: 250,
  warmCompileTimeoutMs: 3000,
  warmCompileTimeouts: {},
  sandboxRuntime: 'default',
};

type Env = Record<string, string | undefined>;

/** Node's timers and most counts here fit in 32 bits; a larger value would fire at once. */
const MAX_INT = 2 ** 31 - 1;

function num(env: Env, name: string, fallback: number, min: number, whole: boolean): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > MAX_INT || (whole && !Number.isInteger(n))) {
    throw new Error(`${name} must be a ${whole ? 'whole ' : ''}number from ${min} to ${MAX_INT}, got "${raw}"`);
  }
  return n;
}

function int(env: Env, name: string, fallback: number, min = 0): number {
  return num(env, name, fallback, min, true);
}

function decimal(env: Env, name: string, fallback: number, min = 0): number {
  return num(env, name, fallback, min, false);
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function str(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

/** Per-language overrides: `${prefix}_PYTHON=2` sets the value of "python". */
function perLanguage(env: Env, prefix: 'WEBCOMPILE_POOL_SIZE' | 'WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS'): Record<string, number> {
  const of = new RegExp(`^${prefix}_([A-Z0-9_]+)$`);
  const out: Record<string, number> = {};
  for (const name of Object.keys(env)) {
    const m = of.exec(name);
    if (m && env[name]?.trim()) out[m[1].toLowerCase()] = int(env, name, 0, 1);
  }
  return out;
}

/** How long a warm compiler of one language may spend on one compile before the sandbox takes over. */
export function warmCompileTimeoutFor(c: Pick<Config, 'warmCompileTimeoutMs' | 'warmCompileTimeouts'>, languageId: string): number {
  return c.warmCompileTimeouts[languageId] ?? c.warmCompileTimeoutMs;
}

/** How many ready containers the pool of one language keeps. */
export function poolSizeFor(c: Pick<Config, 'poolSize' | 'languagePoolSize' | 'poolSizes'>, languageId: string): number {
  return c.poolSizes[languageId] ?? (languageId === MAIN_LANGUAGE ? c.poolSize : c.languagePoolSize);
}

/** Reads the config from an environment (process.env by default). Throws on a malformed value. */
export function loadConfig(env: Env = process.env): Config {
  const poolSize = int(env, 'WEBCOMPILE_POOL_SIZE', defaults.poolSize, 1);
  const sizes = {
    poolSize,
    languagePoolSize: int(env, 'WEBCOMPILE_LANGUAGE_POOL_SIZE', defaults.languagePoolSize, 1),
    poolSizes: perLanguage(env, 'WEBCOMPILE_POOL_SIZE'),
  };
  const languages = [
    ...new Set(
      str(env, 'WEBCOMPILE_LANGUAGES', defaults.languages.join(','))
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const ready = languages.filter((id) => isLanguageId(id)).reduce((sum, id) => sum + poolSizeFor(sizes, id), 0);
  const c: Config = {
    port: int(env, 'PORT', defaults.port, 1),
    host: str(env, 'HOST', defaults.host),
    ...sizes,
    maxContainers: int(env, 'WEBCOMPILE_MAX_CONTAINERS', Math.max(defaults.maxContainers, ready + poolSize), 1),
    languages,
    imagePrefix: str(env, 'WEBCOMPILE_IMAGE_PREFIX', defaults.imagePrefix),
    dockerSocket: str(env, 'WEBCOMPILE_DOCKER_SOCKET', defaults.dockerSocket),
    timeoutMs: int(env, 'WEBCOMPILE_TIMEOUT_MS', defaults.timeoutMs, 1),
    maxTimeoutMs: int(env, 'WEBCOMPILE_MAX_TIMEOUT_MS', defaults.maxTimeoutMs, 1),
    compileTimeoutMs: int(env, 'WEBCOMPILE_COMPILE_TIMEOUT_MS', defaults.compileTimeoutMs, 1),
    acquireTimeoutMs: int(env, 'WEBCOMPILE_ACQUIRE_TIMEOUT_MS', defaults.acquireTimeoutMs, 1),
    maxQueue: int(env, 'WEBCOMPILE_MAX_QUEUE', defaults.maxQueue, 0),
    outputLimitBytes: int(env, 'WEBCOMPILE_OUTPUT_LIMIT_BYTES', defaults.outputLimitBytes, 1),
    maxCodeBytes: int(env, 'WEBCOMPILE_MAX_CODE_BYTES', defaults.maxCodeBytes, 1),
    maxStdinBytes: int(env, 'WEBCOMPILE_MAX_STDIN_BYTES', defaults.maxStdinBytes, 0),
    memoryMb: int(env, 'WEBCOMPILE_MEMORY_MB', defaults.memoryMb, 16),
    cpus: decimal(env, 'WEBCOMPILE_CPUS', defaults.cpus, 0.01),
    pidsLimit: int(env, 'WEBCOMPILE_PIDS_LIMIT', defaults.pidsLimit, 8),
    workTmpfsMb: int(env, 'WEBCOMPILE_TMPFS_MB', defaults.workTmpfsMb, 1),
    corsOrigin: str(env, 'WEBCOMPILE_CORS_ORIGIN', defaults.corsOrigin),
    rateLimitPerMinute: int(env, 'WEBCOMPILE_RATE_LIMIT_PER_MINUTE', defaults.rateLimitPerMinute, 0),
    trustProxy: bool(env, 'WEBCOMPILE_TRUST_PROXY', defaults.trustProxy),
    logDir: str(env, 'WEBCOMPILE_LOG_DIR', defaults.logDir),
    logMaxBytes: int(env, 'WEBCOMPILE_LOG_MAX_BYTES', defaults.logMaxBytes, 1024),
    logSource: bool(env, 'WEBCOMPILE_LOG_SOURCE', defaults.logSource),
    shutdownGraceMs: int(env, 'WEBCOMPILE_SHUTDOWN_GRACE_MS', defaults.shutdownGraceMs, 0),
    createRetryMaxMs: int(env, 'WEBCOMPILE_CREATE_RETRY_MAX_MS', defaults.createRetryMaxMs, 10),
    reconcileIntervalMs: int(env, 'WEBCOMPILE_RECONCILE_INTERVAL_MS', defaults.reconcileIntervalMs, 100),
    warmCompiler: bool(env, 'WEBCOMPILE_WARM_COMPILER', defaults.warmCompiler),
    compilerPoolSize: int(env, 'WEBCOMPILE_COMPILER_POOL_SIZE', defaults.compilerPoolSize, 1),
    compilerMemoryMb: int(env, 'WEBCOMPILE_COMPILER_MEMORY_MB', defaults.compilerMemoryMb, 64),
    compilerRecycleAfter: int(env, 'WEBCOMPILE_COMPILER_RECYCLE_AFTER', defaults.compilerRecycleAfter, 1),
    compileCacheMb: int(env, 'WEBCOMPILE_COMPILE_CACHE_MB', defaults.compileCacheMb, 0),
    seccompProfile: str(env, 'WEBCOMPILE_SECCOMP_PROFILE', defaults.seccompProfile),
    clientMaxInFlight: int(env, 'WEBCOMPILE_CLIENT_MAX_IN_FLIGHT', defaults.clientMaxInFlight, 1),
    compilerWaitMs: int(env, 'WEBCOMPILE_COMPILER_WAIT_MS', defaults.compilerWaitMs, 0),
    warmCompileTimeoutMs: int(env, 'WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS', defaults.warmCompileTimeoutMs, 1),
    warmCompileTimeouts: perLanguage(env, 'WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS'),
    sandboxRuntime: str(env, 'WEBCOMPILE_SANDBOX_RUNTIME', defaults.sandboxRuntime),
  };
  if (!/^[A-Za-z0-9_.-]+$/.test(c.sandboxRuntime)) {
    throw new Error(`WEBCOMPILE_SANDBOX_RUNTIME must be "default" or the name of a runtime the engine has, got "${c.sandboxRuntime}"`);
  }
  if (c.timeoutMs > c.maxTimeoutMs) throw new Error('WEBCOMPILE_TIMEOUT_MS must not exceed WEBCOMPILE_MAX_TIMEOUT_MS');
  // Below this, a pool could wait forever for a slot that other pools' idle containers hold.
  if (c.maxContainers < ready) {
    throw new Error(
      `WEBCOMPILE_MAX_CONTAINERS (${c.maxContainers}) must be at least the sum of the pool sizes (${ready}); ` +
        'raise it, lower WEBCOMPILE_POOL_SIZE / WEBCOMPILE_LANGUAGE_POOL_SIZE, or enable fewer WEBCOMPILE_LANGUAGES',
    );
  }
  return c;
}
