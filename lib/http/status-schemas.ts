// The bodies of GET /api/stats, /api/health, /api/cluster and /api/languages as zod schemas, for the OpenAPI
// document (lib/http/openapi.ts). The handlers (status-handlers.ts) declare their bodies with these
// types; the checks at the end hold the schemas to the types of the lower layers the bodies are made of.

import { z } from 'zod';
import type { LiveInstance } from '../cluster/membership';
import type { HistoryPoint, Metrics } from '../observability/metrics';
import type { SampleWindow } from '../observability/samples';
import type { PoolStats, PoolTotals } from '../pool/pool';
import { agree, type Agree } from '../util/agree';

const count = z.number();

export const poolStatsSchema = z
  .object({
    size: count,
    idle: count,
    busy: count,
    starting: count,
    destroying: count,
    waiting: count,
    created: count,
    destroyed: count,
    createFailed: count,
    lastError: z.string().nullable(),
    healthy: z.boolean(),
  })
  .meta({ description: "One language's pool of sandbox containers (or of warm compilers)." });

const latencySchema = z
  .object({
    count,
    p50: z.number().nullable(),
    p90: z.number().nullable(),
    p99: z.number().nullable(),
    max: z.number().nullable(),
  })
  .meta({ description: 'Percentiles (ms) of the recent runs; null before the first.' });

const historyPointSchema = z.object({
  t: z.number().meta({ description: 'Unix time, ms.' }),
  p50TotalMs: z.number().nullable(),
  idle: count,
  busy: count,
  starting: count,
  waiting: count,
  requests: count,
});

export const statsBodySchema = z.object({
  uptimeS: z.number(),
  instanceId: z.string(),
  shuttingDown: z.boolean(),
  pool: z
    .object({ size: count, idle: count, busy: count, starting: count })
    .meta({ description: 'The sandbox pools of all languages together.' }),
  capacity: z
    .object({ max: count, inUse: count })
    .meta({ description: 'WEBCOMPILE_MAX_CONTAINERS and the containers of all languages that count against it now.' }),
  queueLength: count,
  pools: z.record(z.string(), poolStatsSchema).meta({ description: 'By language id.' }),
  compilers: z.record(z.string(), poolStatsSchema).meta({ description: 'Warm compilers, by language id.' }),
  seccomp: z.string().meta({
    description: '"native-abi": the profile setup wrote; "engine-default": the engine\'s own (the logs say why).',
  }),
  compileCache: z
    .object({
      entries: count,
      bytes: count,
      hits: count,
      misses: count,
      shared: z
        .object({
          hits: count,
          misses: count.meta({
            description: 'Lookups Redis answered without an entry (or with one that did not read).',
          }),
          errors: count.meta({
            description: 'Lookups and writes not made or not answered: Redis down, a command that failed or timed out.',
          }),
        })
        .nullable()
        .meta({
          description:
            'The tier the instances share in Redis, asked on a miss here; null without WEBCOMPILE_REDIS_URL or at WEBCOMPILE_SHARED_CACHE_MB=0.',
        }),
    })
    .meta({
      description: "This process's compile cache (entries, bytes, hits, misses) and the shared tier behind it.",
    }),
  requests: z.object({
    byStatus: z.record(z.string(), count).meta({ description: 'Answered runs by Status.' }),
    rejected: z.record(z.string(), count).meta({ description: 'Refused requests by reason.' }),
    inFlight: count,
  }),
  latencyMs: z.object({ queue: latencySchema, compile: latencySchema, run: latencySchema, total: latencySchema }),
  containers: z.object({ created: count, destroyed: count, failed: count }),
  engineErrors: count,
  warmCompileFallbacks: z
    .object({ busy: count, timeout: count, declined: count })
    .meta({ description: 'Compiles the sandbox took over from the warm compilers, by why.' }),
  compiles: z
    .object({ sandbox: count, warm: count, cached: count })
    .meta({ description: 'Compiles done: in a sandbox, on a warm compiler, taken from the compile cache.' }),
  history: z.array(historyPointSchema).meta({ description: 'The last minutes, one point every 2 s.' }),
});
export type StatsBody = z.output<typeof statsBodySchema>;

const serviceState = z.enum(['ok', 'down', 'off']);
export const sharedServicesSchema = z
  .object({
    redis: serviceState.meta({ description: '`off`: WEBCOMPILE_REDIS_URL is unset (one instance).' }),
    database: serviceState.meta({
      description: "The Judge0 API's submissions database; `off`: the embedded SQLite file (never shared).",
    }),
  })
  .meta({ description: 'What a cluster shares, as this instance sees it now.' });

export const healthBodySchema = z.object({
  ok: z.boolean(),
  reason: z
    .string()
    .nullable()
    .meta({ description: "Why not ready (null when ok); the engine's own words are in the log." }),
  accepting: z.boolean().meta({
    description:
      'Whether it takes work at all (its engine answers and it is not shutting down): what a load balancer ' +
      'checks. It may accept while `ok` is false (every sandbox busy: requests wait their turn).',
  }),
  degraded: z
    .string()
    .nullable()
    .meta({
      description:
        'What the instance does without (Redis or the submissions database down) while it still runs programs; ' +
        'null when nothing is missing.',
    }),
  shared: sharedServicesSchema,
  ready: count.meta({ description: 'Sandboxes ready now, all languages together.' }),
  pool: z.array(poolStatsSchema),
  compilers: z.array(poolStatsSchema.extend({ id: z.string() })),
});
export type HealthBody = z.output<typeof healthBodySchema>;

const instanceReportSchema = z.object({
  id: z.string(),
  hostname: z.string(),
  pid: z.number().int(),
  startedAt: z.number().meta({ description: 'Unix time, ms.' }),
  shuttingDown: z.boolean(),
  inFlight: count,
  pool: z
    .object({ size: count, idle: count, busy: count, starting: count, waiting: count })
    .meta({ description: 'Its sandbox pools of all languages together.' }),
});
export const clusterBodySchema = z.object({
  self: z.string().meta({ description: 'The id of the instance that answered.' }),
  shared: z.boolean().meta({ description: 'Whether the instances share a Redis (WEBCOMPILE_REDIS_URL).' }),
  problem: z.string().nullable().meta({ description: 'Why the list is only this instance (Redis down).' }),
  instances: z
    .array(instanceReportSchema.extend({ beatAt: z.number().meta({ description: 'Its last heartbeat, Unix ms.' }) }))
    .meta({ description: 'The live instances, oldest first.' }),
});
export type ClusterBody = z.output<typeof clusterBodySchema>;

export const languageEntrySchema = z.object({
  id: z.string().meta({ description: 'What a request names in `language`.' }),
  name: z.string(),
  monaco: z.string().meta({ description: "The Monaco editor's language id." }),
  compiled: z.boolean(),
  version: z.string().nullable().meta({ description: "The image's version label; null when the image is not there." }),
  example: z.string().meta({ description: 'A program that prints "Sum: 499500" first.' }),
});
export type LanguageEntry = z.output<typeof languageEntrySchema>;
export const languagesBodySchema = z.array(languageEntrySchema).meta({ description: 'The enabled languages.' });

agree<Agree<PoolStats, z.output<typeof poolStatsSchema>>>();
agree<Agree<LiveInstance, ClusterBody['instances'][number]>>();
agree<Agree<Omit<PoolTotals, 'waiting'>, StatsBody['pool']>>();
agree<Agree<ReturnType<SampleWindow['summary']>, z.output<typeof latencySchema>>>();
agree<Agree<HistoryPoint, z.output<typeof historyPointSchema>>>();
agree<Agree<Metrics['containerEvents'], StatsBody['containers']>>();
agree<Agree<Metrics['warmFallbackCounts'], StatsBody['warmCompileFallbacks']>>();
agree<Agree<Metrics['compiles'], StatsBody['compiles']>>();
