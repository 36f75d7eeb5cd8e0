// The settings of WebCompile, each defined once: the environment variable it is read from, its zod
// schema (coercion from the environment's string, default, range) and its description. The config,
// its error messages and the README's settings table (tests/unit/readme-settings.test.ts) all follow
// from this table.

import { z } from 'zod';
import { LANGUAGE_IDS } from '../languages/catalogue';

/** Node's timers and most counts here fit in 32 bits; a larger value would fire at once. */
const MAX_INT = 2 ** 31 - 1;

/** The computed default of WEBCOMPILE_MAX_CONTAINERS is never below this. */
export const MIN_DEFAULT_MAX_CONTAINERS = 8;

/**
 * A number coerced from its string. Each check's message is the accepted form, which loadConfig puts
 * between the variable's name and the value given.
 */
function number(min: number, max: number, whole: boolean) {
  const error = `a ${whole ? 'whole ' : ''}number from ${min} to ${max}`;
  const n = z.coerce.number({ error }).min(min, { error }).max(max, { error });
  return whole ? n.int({ error }) : n;
}

const int = (fallback: number, min: number, max = MAX_INT) => number(min, max, true).default(fallback);
const decimal = (fallback: number, min: number, max = MAX_INT) => number(min, max, false).default(fallback);
const text = (fallback: string) => z.string().default(fallback);

const TRUTHY = ['1', 'true', 'yes', 'on'];
const FALSY = ['0', 'false', 'no', 'off'];
const BOOLEAN = `true or false (${TRUTHY.join('/')}, ${FALSY.join('/')})`;
const bool = () =>
  z
    .string()
    .trim()
    .pipe(z.stringbool({ truthy: TRUTHY, falsy: FALSY, error: BOOLEAN }));
const flag = (fallback: boolean) => bool().default(fallback);

/** Comma separated ids, blanks and repeats dropped. */
function ids(list: string): string[] {
  const trimmed = list.split(',').map((id) => id.trim());
  return [...new Set(trimmed.filter(Boolean))];
}
const idList = (fallback: readonly string[]) => z.string().default(fallback.join(',')).transform(ids);

interface Plain<S extends z.ZodType> {
  env: string;
  schema: S;
  /** How the README shows the default (given the default config's value) where its value alone would not do. */
  shown?: (value: z.output<S>) => string;
}

interface PerLanguage<S extends z.ZodType> {
  /** `${prefix}_PYTHON=2` sets the value of "python". */
  prefix: string;
  pattern: RegExp;
  schema: S;
}

function plain<S extends z.ZodType>(
  env: string,
  description: string,
  schema: S,
  shown?: (value: z.output<S>) => string,
): Plain<S> {
  return { env, schema: schema.describe(description), shown };
}

function perLanguage<S extends z.ZodType>(
  prefix: string,
  description: string,
  value: S,
): PerLanguage<z.ZodRecord<z.ZodString, S>> {
  return {
    prefix,
    pattern: new RegExp(`^${prefix}_([A-Z0-9_]+)$`),
    schema: z.record(z.string(), value).describe(description),
  };
}

export const SETTINGS = {
  port: plain('PORT', 'HTTP port', int(8000, 1, 65535)),
  host: plain('HOST', 'address to listen on', text('0.0.0.0')),
  poolSize: plain(
    'WEBCOMPILE_POOL_SIZE',
    'ready sandbox containers kept for C# (a taken one is replaced once its request ends while others are ' +
      'ready, and within `WEBCOMPILE_REPLACE_DELAY_MS` while none waits)',
    int(4, 1),
  ),
  languagePoolSize: plain(
    'WEBCOMPILE_LANGUAGE_POOL_SIZE',
    'ready sandbox containers kept for each other language',
    int(1, 1),
  ),
  replaceDelayMs: plain(
    'WEBCOMPILE_REPLACE_DELAY_MS',
    'for this long after a sandbox is taken, its replacement is made after its request ends, even when no other ' +
      'is ready, unless a request waits (making one beside a compile slows that compile); 0: replaced at once then',
    int(1000, 0),
  ),
  poolSizes: perLanguage(
    'WEBCOMPILE_POOL_SIZE',
    'pool size of one language, e.g. `WEBCOMPILE_POOL_SIZE_PYTHON=2`',
    number(1, MAX_INT, true),
  ),
  maxContainers: plain(
    'WEBCOMPILE_MAX_CONTAINERS',
    'one cap on sandbox containers of all languages together (ready, starting, busy, being removed); must be at ' +
      'least the sum of the pool sizes',
    // Room for every pool when full, plus as many busy as the main pool holds: computed by loadConfig.
    number(1, MAX_INT, true).optional(),
    (n) =>
      'sum of the pool sizes + `WEBCOMPILE_POOL_SIZE`, ' +
      `at least ${MIN_DEFAULT_MAX_CONTAINERS} (${n} with every language)`,
  ),
  languages: plain(
    'WEBCOMPILE_LANGUAGES',
    'enabled languages, comma separated',
    idList(LANGUAGE_IDS),
    () => 'every language in the registry',
  ),
  imagePrefix: plain('WEBCOMPILE_IMAGE_PREFIX', 'image name = prefix + language + `:latest`', text('webcompile/')),
  dockerSocket: plain('WEBCOMPILE_DOCKER_SOCKET', 'Docker engine socket', text('/var/run/docker.sock')),
  timeoutMs: plain('WEBCOMPILE_TIMEOUT_MS', 'run time limit when the request names none', int(5000, 1)),
  maxTimeoutMs: plain('WEBCOMPILE_MAX_TIMEOUT_MS', 'largest `timeoutMs` a request may ask for', int(20000, 1)),
  compileTimeoutMs: plain(
    'WEBCOMPILE_COMPILE_TIMEOUT_MS',
    'compile time limit when the request names none',
    int(10000, 1),
  ),
  maxCompileTimeoutMs: plain(
    'WEBCOMPILE_MAX_COMPILE_TIMEOUT_MS',
    'largest `limits.compileTimeoutMs` a request may ask for',
    int(30000, 1),
  ),
  interactiveTimeoutMs: plain(
    'WEBCOMPILE_INTERACTIVE_TIMEOUT_MS',
    'wall-clock limit of an interactive run (WebSocket), waiting for input included',
    int(60000, 1),
  ),
  interactiveIdleMs: plain(
    'WEBCOMPILE_INTERACTIVE_IDLE_MS',
    'an interactive run ends after this long with neither input nor output (`idle_timeout`)',
    int(20000, 1),
  ),
  interactiveMaxStdinBytes: plain(
    'WEBCOMPILE_INTERACTIVE_MAX_STDIN_BYTES',
    'stdin an interactive run may be sent in all',
    int(1024 * 1024, 0),
  ),
  interactiveInitTimeoutMs: plain(
    'WEBCOMPILE_INTERACTIVE_INIT_TIMEOUT_MS',
    "how long a WebSocket may stay open without its `init` (Piston's: 1000)",
    int(1000, 1),
  ),
  acquireTimeoutMs: plain(
    'WEBCOMPILE_ACQUIRE_TIMEOUT_MS',
    "longest wait for a turn (the client's in-flight cap) and a sandbox together before a 503",
    int(10000, 1),
  ),
  maxQueue: plain(
    'WEBCOMPILE_MAX_QUEUE',
    "requests that may wait for a sandbox (and, apart, for their client's turn); the next gets 503 at once",
    int(32, 0),
  ),
  outputLimitBytes: plain(
    'WEBCOMPILE_OUTPUT_LIMIT_BYTES',
    'cap per output stream (stdout, stderr, compiler output)',
    int(64 * 1024, 1),
  ),
  maxCodeBytes: plain('WEBCOMPILE_MAX_CODE_BYTES', 'largest source (413 beyond)', int(64 * 1024, 1)),
  maxStdinBytes: plain('WEBCOMPILE_MAX_STDIN_BYTES', 'largest stdin (413 beyond)', int(64 * 1024, 0)),
  // The sandbox agent takes at most 256 arguments a step: a compile names every file, a run every argument.
  maxFiles: plain(
    'WEBCOMPILE_MAX_FILES',
    'most files a request may send in `files` (together at most `WEBCOMPILE_MAX_CODE_BYTES`)',
    int(32, 1, 200),
  ),
  maxArgs: plain('WEBCOMPILE_MAX_ARGS', 'most command-line arguments a request may give the program', int(64, 0, 200)),
  maxArgsBytes: plain(
    'WEBCOMPILE_MAX_ARGS_BYTES',
    'largest command-line arguments, all together (413 beyond)',
    int(16 * 1024, 0, 1024 * 1024),
  ),
  maxTests: plain('WEBCOMPILE_MAX_TESTS', 'most test cases a request may send in `tests`', int(32, 1, 1000)),
  maxTestsBytes: plain(
    'WEBCOMPILE_MAX_TESTS_BYTES',
    "largest `tests`: every test's stdin, arguments and expected output together (413 beyond)",
    int(1024 * 1024, 0, 64 * 1024 * 1024),
  ),
  testParallelism: plain(
    'WEBCOMPILE_TEST_PARALLELISM',
    "most sandboxes one request's tests take at once (each takes its turn in the pool's line)",
    int(2, 1, 64),
  ),
  memoryMb: plain(
    'WEBCOMPILE_MEMORY_MB',
    'sandbox memory limit (swap set equal: no swap); C++ and Rust get at least 512 for their compilers',
    int(256, 16),
  ),
  maxMemoryMb: plain(
    'WEBCOMPILE_MAX_MEMORY_MB',
    "largest `limits.memoryMb` a request may ask for (its run's memory limit, set on the sandbox before the " +
      'run; not with gVisor, whose sandboxes cannot change it)',
    int(1024, 16),
  ),
  cpus: plain('WEBCOMPILE_CPUS', 'sandbox CPU quota', decimal(1, 0.01)),
  pidsLimit: plain('WEBCOMPILE_PIDS_LIMIT', 'sandbox processes and threads', int(64, 8)),
  workTmpfsMb: plain(
    'WEBCOMPILE_TMPFS_MB',
    "size of the sandbox's `/work` and `/tmp` (also the largest file)",
    int(32, 1),
  ),
  authToken: plain(
    'WEBCOMPILE_AUTH_TOKEN',
    "when set, every run endpoint (ours, Piston's, Judge0's) needs it in `X-Auth-Token` (401 without); " +
      'several tokens may be given, separated by spaces',
    text(''),
    () => 'unset (no token needed)',
  ),
  judge0Db: plain(
    'WEBCOMPILE_JUDGE0_DB',
    "the SQLite file of the Judge0 API's stored submissions (WAL mode; created with its folder)",
    text('runs/judge0.sqlite'),
  ),
  judge0Workers: plain(
    'WEBCOMPILE_JUDGE0_WORKERS',
    'queued Judge0 submissions run at once (the rest of the sandboxes stay for synchronous runs)',
    int(2, 1, 64),
  ),
  judge0MaxQueue: plain(
    'WEBCOMPILE_JUDGE0_MAX_QUEUE',
    'Judge0 submissions that may be queued or running; past it a POST is 503 `queue is full`',
    int(100, 1),
  ),
  judge0RetentionS: plain(
    'WEBCOMPILE_JUDGE0_RETENTION_S',
    'finished Judge0 submissions older than this (seconds) are deleted, their source with them',
    int(7 * 24 * 3600, 1),
  ),
  judge0RetentionIntervalS: plain(
    'WEBCOMPILE_JUDGE0_RETENTION_INTERVAL_S',
    'how often the deletion of old submissions runs (seconds)',
    int(3600, 1),
  ),
  judge0CpuTimeLimitS: plain(
    'WEBCOMPILE_JUDGE0_CPU_TIME_LIMIT_S',
    "Judge0's `cpu_time_limit` when a submission names none (seconds; at most 15 and the wall-clock maximum)",
    decimal(5, 0.01, 15),
  ),
  judge0WallTimeLimitS: plain(
    'WEBCOMPILE_JUDGE0_WALL_TIME_LIMIT_S',
    "Judge0's `wall_time_limit` when a submission names none (seconds; at most `WEBCOMPILE_MAX_TIMEOUT_MS`)",
    decimal(10, 1, 20),
  ),
  judge0MaxNumberOfRuns: plain(
    'WEBCOMPILE_JUDGE0_MAX_NUMBER_OF_RUNS',
    'largest `number_of_runs` of a Judge0 submission (each run takes a sandbox and counts against the rate limit)',
    int(20, 1, 20),
  ),
  judge0MaxBatch: plain(
    'WEBCOMPILE_JUDGE0_MAX_BATCH',
    'most submissions in one Judge0 batch (POST and GET)',
    int(20, 1, 200),
  ),
  judge0AuthzToken: plain(
    'WEBCOMPILE_JUDGE0_AUTHZ_TOKEN',
    "the `X-Auth-User` token of Judge0's `GET /submissions` and `DELETE`; unset, those answer 403 (Judge0's default)",
    text(''),
    () => 'unset',
  ),
  judge0EnableDelete: plain(
    'WEBCOMPILE_JUDGE0_ENABLE_DELETE',
    "whether Judge0's `DELETE /submissions/{token}` may delete (it also needs `X-Auth-User`)",
    flag(false),
  ),
  judge0MaxExtractKb: plain(
    'WEBCOMPILE_JUDGE0_MAX_EXTRACT_KB',
    'largest unpacked `additional_files` (KB, all files together); at most `WEBCOMPILE_MAX_FILES` - 1 files',
    int(1024, 0, 16 * 1024),
  ),
  callbackAllowHosts: plain(
    'WEBCOMPILE_CALLBACK_ALLOW_HOSTS',
    'callback hosts allowed although they are loopback, private, link-local or metadata addresses (names, ' +
      'addresses or CIDRs, comma separated); all others of those ranges are refused',
    idList([]),
    () => 'none',
  ),
  callbackTimeoutMs: plain('WEBCOMPILE_CALLBACK_TIMEOUT_MS', 'time limit of one callback attempt', int(5000, 1)),
  callbackMaxTries: plain('WEBCOMPILE_CALLBACK_MAX_TRIES', 'attempts of one callback', int(3, 1, 20)),
  callbackBackoffMs: plain(
    'WEBCOMPILE_CALLBACK_BACKOFF_MS',
    'wait before the second callback attempt, doubled before each later one',
    int(1000, 0),
  ),
  redisUrl: plain(
    'WEBCOMPILE_REDIS_URL',
    'Redis shared by the instances of a cluster (`redis://host:port`): rate limits, the shared compile cache, ' +
      "the live instances, the Judge0 API's queued work (BullMQ); unset, all of it stays in this process",
    text(''),
    () => 'unset (one instance)',
  ),
  databaseUrl: plain(
    'WEBCOMPILE_DATABASE_URL',
    "PostgreSQL for the Judge0 API's stored submissions, shared by the instances (`postgres://user@host:port/db`); " +
      'unset, they are in the SQLite file `WEBCOMPILE_JUDGE0_DB`',
    text(''),
    () => 'unset (SQLite)',
  ),
  clusterHeartbeatMs: plain(
    'WEBCOMPILE_CLUSTER_HEARTBEAT_MS',
    'how often an instance tells Redis it is alive (with its pool state, for `/api/cluster`)',
    int(1000, 100, 60_000),
  ),
  clusterDeadAfterMs: plain(
    'WEBCOMPILE_CLUSTER_DEAD_AFTER_MS',
    'an instance silent this long is gone: its running Judge0 submissions are queued again for the others, ' +
      "and a queued job's lock held by it lapses (BullMQ's stalled check hands the job on)",
    int(5000, 300),
  ),
  sharedCacheMb: plain(
    'WEBCOMPILE_SHARED_CACHE_MB',
    "the compile cache's shared tier in Redis (least recently used entries go past it); 0 turns it off",
    int(256, 0),
  ),
  sharedCacheTtlS: plain(
    'WEBCOMPILE_SHARED_CACHE_TTL_S',
    'how long a compiled program stays in the shared tier unused (seconds)',
    int(24 * 3600, 1),
  ),
  corsOrigin: plain('WEBCOMPILE_CORS_ORIGIN', '`Access-Control-Allow-Origin`', text('*')),
  rateLimitPerMinute: plain(
    'WEBCOMPILE_RATE_LIMIT_PER_MINUTE',
    'runs per minute per client (token bucket); 0 turns it off',
    int(30, 0),
  ),
  trustProxy: plain(
    'WEBCOMPILE_TRUST_PROXY',
    'take the client address from `X-Forwarded-For` (only behind a proxy that sets it)',
    flag(false),
  ),
  logDir: plain('WEBCOMPILE_LOG_DIR', 'where logs go', text('runs')),
  // One file is rotated to .1 past this.
  logMaxBytes: plain('WEBCOMPILE_LOG_MAX_BYTES', 'log size before rotation', int(10 * 1024 * 1024, 1024)),
  logSource: plain('WEBCOMPILE_LOG_SOURCE', 'also log code and stdin', flag(false)),
  shutdownGraceMs: plain(
    'WEBCOMPILE_SHUTDOWN_GRACE_MS',
    'on SIGTERM/SIGINT, how long running requests may finish',
    int(10000, 0),
  ),
  createRetryMaxMs: plain(
    'WEBCOMPILE_CREATE_RETRY_MAX_MS',
    'ceiling of the backoff between failed container creates',
    int(5000, 10),
  ),
  reconcileIntervalMs: plain(
    'WEBCOMPILE_RECONCILE_INTERVAL_MS',
    'how often the pool checks for containers removed or killed from outside',
    int(2000, 100),
  ),
  warmCompiler: plain(
    'WEBCOMPILE_WARM_COMPILER',
    'compile in resident warm compilers, for each language that has one (C#, TypeScript, Java); false: each ' +
      'sandbox compiles',
    flag(true),
  ),
  warmCompilers: perLanguage(
    'WEBCOMPILE_WARM_COMPILER',
    'the same for one language, e.g. `WEBCOMPILE_WARM_COMPILER_JAVA=false`',
    bool(),
  ),
  compilerPoolSize: plain(
    'WEBCOMPILE_COMPILER_POOL_SIZE',
    'warm compilers per language that has them; outside `WEBCOMPILE_MAX_CONTAINERS`',
    int(2, 1),
  ),
  compilerMemoryMb: plain('WEBCOMPILE_COMPILER_MEMORY_MB', 'warm compiler memory limit', int(512, 64)),
  compilerRecycleAfter: plain(
    'WEBCOMPILE_COMPILER_RECYCLE_AFTER',
    'compiles before a warm compiler is replaced',
    int(500, 1),
  ),
  compileCacheMb: plain('WEBCOMPILE_COMPILE_CACHE_MB', 'compile cache size; 0 turns it off', int(64, 0)),
  seccompProfile: plain(
    'WEBCOMPILE_SECCOMP_PROFILE',
    'the seccomp profile of every container, written by setup with the engine version next to it (`.engine`); ' +
      "`default` uses the engine's own profile. Read by setup and the server",
    text('/var/lib/webcompile/seccomp.json'),
  ),
  clientMaxInFlight: plain(
    'WEBCOMPILE_CLIENT_MAX_IN_FLIGHT',
    'runs (and compiles) one client may have going at once; more wait their turn, within the acquire timeout, ' +
      'and are not refused while there is room',
    int(4, 1),
  ),
  compilerWaitMs: plain(
    'WEBCOMPILE_COMPILER_WAIT_MS',
    'longest wait for a free warm compiler; past it the sandbox compiles (slow compiles of one client never ' +
      "stall everyone's compiles)",
    int(250, 0),
  ),
  warmCompileTimeoutMs: plain(
    'WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS',
    'how long a warm compiler may spend on one compile; past it that compiler is replaced and the sandbox ' +
      'compiles, within what is left of `WEBCOMPILE_COMPILE_TIMEOUT_MS`',
    int(3000, 1),
  ),
  warmCompileTimeouts: perLanguage(
    'WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS',
    'the same for one language, e.g. `WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS_CSHARP=2000`',
    number(1, MAX_INT, true),
  ),
  sandboxRuntime: plain(
    'WEBCOMPILE_SANDBOX_RUNTIME',
    "OCI runtime of the sandboxes: `default` (the engine's, crun or runc) or `runsc` (gVisor, which setup " +
      'installs and registers with the engine it starts); warm compilers keep the default',
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, { error: '"default" or the name of a runtime the engine has' })
      .default('default'),
  ),
};

export type SettingKey = keyof typeof SETTINGS;

type Shape = { [K in SettingKey]: (typeof SETTINGS)[K]['schema'] };

/** The settings as one object schema, keyed by config field; loadConfig feeds it the environment's strings. */
export const settingsSchema = z.object(
  Object.fromEntries(Object.entries(SETTINGS).map(([key, s]) => [key, s.schema])) as Shape,
);
