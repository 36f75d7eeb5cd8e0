// GET /api/openapi.json: an OpenAPI 3.1 document of every endpoint, generated from the zod schemas
// that validate the requests (compileBodySchema under the running config's limits, so its maxima are
// the server's) and that the answers' types follow from. Nothing of a schema is written here by hand;
// this file says only which schema answers which path, method and status. Built once per config.

import { z } from 'zod';
import pkg from '../../package.json';
import {
  runResultSchema,
  runStatusSchema,
  testResultSchema,
  diagnosticSchema,
} from '../contract/compile-response-schema';
import type { Config } from '../config/config';
import { LANGUAGES } from '../core/languages';
import { getRuntime } from '../server/runtime';
import { apiErrorBodySchema } from './api-error-schema';
import { compileBodySchema } from './compile-request';
import { EVENT_STREAM } from './compile-stream';
import { corsHeaders } from './cors';
import { executeContext } from './piston-execute';
import { pistonExecuteBodySchema } from './piston-execute-body';
import {
  pistonErrorSchema,
  pistonResponseSchema,
  pistonRuntimeSchema,
  pistonRuntimesSchema,
  pistonStageSchema,
} from './piston-schemas';
import {
  healthBodySchema,
  languageEntrySchema,
  languagesBodySchema,
  poolStatsSchema,
  statsBodySchema,
} from './status-schemas';

export const OPENAPI_PATH = '/api/openapi.json';

type Json = Record<string, unknown>;
type Schemas = Record<string, z.ZodType>;

/**
 * The components: each schema by the name it is referred to by. Two lists because a request is
 * described as it is sent (zod's input: defaults optional, strings a form may send) and an answer
 * as it is made (its output).
 */
function schemas(config: Config): { requests: Schemas; answers: Schemas } {
  const compileBody = compileBodySchema(config);
  const { code, language, stdin, timeoutMs } = compileBody.shape;
  const enabled = config.languages.filter((id) => Object.hasOwn(LANGUAGES, id));
  return {
    requests: {
      CompileRequest: compileBody,
      // A form's fields are strings: the same field schemas, those a form can carry.
      CompileForm: z.object({ code: code.unwrap(), language, stdin, timeoutMs }),
      // The versions are the images' (known only at run time); the document's schema needs none.
      PistonExecuteRequest: pistonExecuteBodySchema(executeContext(config, enabled, {})),
    },
    answers: {
      RunResult: runResultSchema,
      TestResult: testResultSchema,
      RunStatus: runStatusSchema,
      Diagnostic: diagnosticSchema,
      ApiError: apiErrorBodySchema,
      Languages: languagesBodySchema,
      Language: languageEntrySchema,
      Stats: statsBodySchema,
      Health: healthBodySchema,
      PoolStats: poolStatsSchema,
      PistonRuntimes: pistonRuntimesSchema,
      PistonRuntime: pistonRuntimeSchema,
      PistonResponse: pistonResponseSchema,
      PistonStage: pistonStageSchema,
      PistonError: pistonErrorSchema,
    },
  };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** One list of schemas as JSON Schema 2020-12, referring to each other by their component names. */
function toComponents(list: Schemas, io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(list)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    uri: (id) => ref(id).$ref,
  });
  // The document's dialect is 2020-12 already, and an $id that is a bare fragment is not allowed.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const component: Json = { ...schema };
      delete component.$schema;
      delete component.$id;
      return [id, component];
    }),
  );
}

const json = (schema: Json) => ({ 'application/json': { schema } });
const answer = (description: string, schema: Json, headers?: Json) => ({
  description,
  ...(headers ? { headers } : {}),
  content: json(schema),
});
const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
};

/** The refusals both APIs share, each in its own error shape. */
function refusals(error: Json, extra: Record<string, string> = {}) {
  return {
    ...Object.fromEntries(Object.entries(extra).map(([status, why]) => [status, answer(why, error)])),
    '413': answer('The body, code, stdin, files or args are too large.', error),
    '415': answer('An unsupported Content-Type.', error),
    '429': answer('Too many runs from this client (WEBCOMPILE_RATE_LIMIT_PER_MINUTE).', error, retryAfter),
    '500': answer('Our failure.', error),
    '502': answer('A sandbox failed in a way we did not expect.', error),
    '503': answer('Busy, queue full, the engine or compilers unavailable, or shutting down.', error, retryAfter),
  };
}

const EVENTS = [
  'With `Accept: text/event-stream`: the same run as Server-Sent Events while it happens, each event',
  'named by its type, its data JSON. `queued` {}; `compile_started` {}; `compile_finished` {exitCode, ms,',
  'cached, diagnostics, output}; `run_started` {queueMs}; `stdout` and `stderr` {chunk} as the program',
  'writes; last `result`, a RunResult exactly as without the header. A refusal before the job has its',
  'turn is the same HTTP error as without the header; one after it is an `error` event {Status,',
  'ErrorString, Reason, RetryAfterS}, and the stream ends.',
].join(' ');

function paths(config: Config): Json {
  const get = (tag: string, operationId: string, summary: string, responses: Json, description?: string) => ({
    get: { tags: [tag], operationId, summary, ...(description ? { description } : {}), responses },
  });
  return {
    '/api/compile': {
      post: {
        tags: ['native'],
        operationId: 'compile',
        summary: 'Compile and run a program',
        description:
          'Runs `code` (or `files`, the entry first) in a fresh sandbox and answers when it is done. Also at ' +
          "/compile (the seed's path). An interactive run (stdin as you type) is the WebSocket /api/connect, " +
          `which OpenAPI cannot describe. Limits here: code ${config.maxCodeBytes} bytes, stdin ` +
          `${config.maxStdinBytes} bytes, ${config.maxFiles} files, ${config.maxArgs} args of ` +
          `${config.maxArgsBytes} bytes in all, timeoutMs ${config.timeoutMs} by default and at most ` +
          `${config.maxTimeoutMs}.`,
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: ref('CompileRequest') },
            'application/x-www-form-urlencoded': { schema: ref('CompileForm') },
            'multipart/form-data': { schema: ref('CompileForm') },
          },
        },
        responses: {
          '200': {
            description: 'The run, whatever became of the program (Status says).',
            content: {
              'application/json': { schema: ref('RunResult') },
              [EVENT_STREAM]: { schema: { type: 'string', description: EVENTS } },
            },
          },
          ...refusals(ref('ApiError'), { '400': 'A malformed request or an unknown language.' }),
        },
      },
    },
    '/api/languages': get('native', 'languages', 'The enabled languages', {
      '200': answer('The enabled languages, with their image versions and examples.', ref('Languages')),
    }),
    '/api/stats': get('service', 'stats', "The service's counters", {
      '200': answer('Pools, queue, cache, requests, latency and the last minutes.', ref('Stats')),
    }),
    '/api/health': get('service', 'health', 'Whether the service can run programs now', {
      '200': answer('Ready: a sandbox of every language and a compiler of each that has one.', ref('Health')),
      '503': answer('Not ready; `reason` says why.', ref('Health')),
    }),
    '/api/metrics': get('service', 'metrics', 'Prometheus metrics', {
      '200': {
        description: "Prometheus' text exposition format.",
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
    }),
    [OPENAPI_PATH]: get('service', 'openapi', 'This document', {
      '200': answer("The OpenAPI 3.1 document of this API, under this server's settings.", { type: 'object' }),
    }),
    '/api/v2/runtimes': get('piston', 'pistonRuntimes', "Piston's runtimes", {
      '200': answer("The enabled languages as Piston's runtimes.", ref('PistonRuntimes')),
    }),
    '/api/v2/execute': {
      post: {
        tags: ['piston'],
        operationId: 'pistonExecute',
        summary: "Piston's execute",
        description:
          "Piston's v2 API, for Piston's clients. Its WebSocket /api/v2/connect (an interactive run) OpenAPI " +
          'cannot describe.',
        requestBody: { required: true, content: json(ref('PistonExecuteRequest')) },
        responses: {
          '200': answer("The run in Piston's stages.", ref('PistonResponse')),
          ...refusals(ref('PistonError'), { '400': "A request Piston's checks (or ours) refuse." }),
        },
      },
    },
  };
}

export function buildOpenApi(config: Config): Json {
  const { requests, answers } = schemas(config);
  return {
    openapi: '3.1.0',
    info: {
      title: 'WebCompile',
      version: pkg.version,
      description:
        "Runs programs in throw-away, hardened Docker containers. The native API, and Piston's v2 API for " +
        "Piston's clients.",
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [
      { name: 'native', description: "WebCompile's own API." },
      { name: 'piston', description: "Piston's v2 API (README: Piston's API)." },
      { name: 'service', description: 'Health, counters and this document.' },
    ],
    paths: paths(config),
    components: { schemas: { ...toComponents(requests, 'input'), ...toComponents(answers, 'output') } },
  };
}

const documents = new WeakMap<Config, Json>();

/** The document for a config, built at its first request. */
export function openApiDocument(config: Config): Json {
  let doc = documents.get(config);
  if (!doc) documents.set(config, (doc = buildOpenApi(config)));
  return doc;
}

export function handleOpenApi(): Response {
  const config = getRuntime().config;
  return Response.json(openApiDocument(config), {
    // Another origin's API browser may read it, as it may call the API.
    headers: { ...corsHeaders(config.corsOrigin), 'Cache-Control': 'no-cache' },
  });
}
