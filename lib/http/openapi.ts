// GET /api/openapi.json: an OpenAPI 3.1 document of every endpoint, generated from the zod schemas
// that validate the requests (compileBodySchema under the running config's limits, so its maxima are
// the server's) and that the answers' types follow from; Judge0's under /judge0 from judge0-schemas.ts
// (its bounds judge0Limits(config)'s). Nothing of a schema is written here by hand; this file says
// only which schema answers which path, method and status. Built once per config.

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
import { AUTH_HEADER } from './auth-token';
import { compileBodySchema } from './compile-request';
import { EVENT_STREAM } from './compile-stream';
import { corsHeaders } from './cors';
import { JUDGE0_PREFIX } from './judge0-api';
import {
  judge0AboutSchema,
  judge0BadRequestSchema,
  judge0BatchCreatedSchema,
  judge0BatchErrorsSchema,
  judge0BatchRequestSchema,
  judge0BatchSchema,
  judge0ConfigInfoSchema,
  judge0CreatedSchema,
  judge0ErrorSchema,
  judge0ErrorsSchema,
  judge0FieldsSchema,
  judge0FlagSchema,
  judge0HttpErrorSchema,
  judge0LanguageDetailSchema,
  judge0LanguageEntrySchema,
  judge0LanguageSchema,
  judge0LanguagesAllSchema,
  judge0LanguagesSchema,
  judge0NotUtf8Schema,
  judge0PageSchema,
  judge0PerPageSchema,
  judge0StatusesSchema,
  judge0StatusSchema,
  judge0SubmissionListSchema,
  judge0SubmissionRequestSchema,
  judge0SubmissionSchema,
  judge0TokenSchema,
  judge0TokensSchema,
  judge0VersionSchema,
  judge0WorkerSchema,
  judge0WorkersSchema,
} from './judge0-schemas';
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
  clusterBodySchema,
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
  const judge0Submission = judge0SubmissionRequestSchema(config, enabled);
  return {
    requests: {
      CompileRequest: compileBody,
      // A form's fields are strings: the same field schemas, those a form can carry.
      CompileForm: z.object({ code: code.unwrap(), language, stdin, timeoutMs }),
      // The versions are the images' (known only at run time); the document's schema needs none.
      PistonExecuteRequest: pistonExecuteBodySchema(executeContext(config, enabled, {})),
      Judge0SubmissionRequest: judge0Submission,
      Judge0BatchRequest: judge0BatchRequestSchema(judge0Submission, config.judge0MaxBatch),
      Judge0Flag: judge0FlagSchema,
      Judge0Fields: judge0FieldsSchema,
      Judge0Tokens: judge0TokensSchema,
      Judge0Page: judge0PageSchema,
      Judge0PerPage: judge0PerPageSchema,
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
      Cluster: clusterBodySchema,
      PoolStats: poolStatsSchema,
      PistonRuntimes: pistonRuntimesSchema,
      PistonRuntime: pistonRuntimeSchema,
      PistonResponse: pistonResponseSchema,
      PistonStage: pistonStageSchema,
      PistonError: pistonErrorSchema,
      Judge0Submission: judge0SubmissionSchema,
      Judge0Token: judge0TokenSchema,
      Judge0Created: judge0CreatedSchema,
      Judge0NotUtf8: judge0NotUtf8Schema,
      Judge0Errors: judge0ErrorsSchema,
      Judge0BatchCreated: judge0BatchCreatedSchema,
      Judge0BatchErrors: judge0BatchErrorsSchema,
      Judge0Batch: judge0BatchSchema,
      Judge0SubmissionList: judge0SubmissionListSchema,
      Judge0Error: judge0ErrorSchema,
      Judge0HttpError: judge0HttpErrorSchema,
      Judge0BadRequest: judge0BadRequestSchema,
      Judge0Status: judge0StatusSchema,
      Judge0Statuses: judge0StatusesSchema,
      Judge0Language: judge0LanguageSchema,
      Judge0Languages: judge0LanguagesSchema,
      Judge0LanguageEntry: judge0LanguageEntrySchema,
      Judge0LanguagesAll: judge0LanguagesAllSchema,
      Judge0LanguageDetail: judge0LanguageDetailSchema,
      Judge0ConfigInfo: judge0ConfigInfoSchema,
      Judge0About: judge0AboutSchema,
      Judge0Version: judge0VersionSchema,
      Judge0Worker: judge0WorkerSchema,
      Judge0Workers: judge0WorkersSchema,
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
function refusals(error: Json, extra: Record<string, string> = {}, guarded = false) {
  return {
    ...Object.fromEntries(Object.entries(extra).map(([status, why]) => [status, answer(why, error)])),
    ...(guarded ? { '401': answer('No valid X-Auth-Token (WEBCOMPILE_AUTH_TOKEN is set).', error) } : {}),
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

/** An answer with no body (Judge0's 401 and 403, and its 200 of /authenticate). */
const empty = (description: string) => ({ description });

/** Judge0's operations: tag judge0, the credentials they need, and the refusals every one may give. */
function judge0Paths(config: Config): Json {
  const J = JUDGE0_PREFIX;
  const authenticated = config.authToken.trim() !== '';
  const error = ref('Judge0Error');
  const op = (
    operationId: string,
    summary: string,
    responses: Json,
    more: { description?: string; parameters?: Json[]; requestBody?: Json; user?: boolean } = {},
  ) => {
    const { user, ...rest } = more;
    const needs = { ...(authenticated ? { authToken: [] } : {}), ...(user ? { judge0User: [] } : {}) };
    return {
      tags: ['judge0'],
      operationId,
      summary,
      ...rest,
      ...(Object.keys(needs).length > 0 ? { security: [needs] } : {}),
      responses: {
        ...responses,
        ...(authenticated ? { '401': empty('No valid X-Auth-Token (WEBCOMPILE_AUTH_TOKEN); the body is empty.') } : {}),
        ...(user
          ? {
              '403': empty(
                'No valid X-Auth-User (WEBCOMPILE_JUDGE0_AUTHZ_TOKEN; unset, always 403, as on Judge0); ' +
                  'the body is empty.',
              ),
            }
          : {}),
        '500': answer('Our failure.', error),
      },
    };
  };
  const query = (name: string, schema: string, description: string) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: ref(schema),
  });
  const base64 = query(
    'base64_encoded',
    'Judge0Flag',
    '"true": source_code, stdin and expected_output are sent in base64, and the texts of the answer (source_code, ' +
      "stdin, expected_output, stdout, stderr, compile_output, message) come back in Ruby's base64 (a newline " +
      'every 60 characters and one at the end).',
  );
  const wait = query('wait', 'Judge0Flag', '"true": answer when the run is done, with the submission.');
  const fields = query('fields', 'Judge0Fields', 'The fields of each submission in the answer.');
  const token = { name: 'token', in: 'path', required: true, schema: { type: 'string' } };
  const body = (schema: string) => ({ required: true, content: json(ref(schema)) });
  const posted = {
    '413': answer('The body is too large.', error),
    '429': answer('Too many runs from this client (WEBCOMPILE_RATE_LIMIT_PER_MINUTE).', error, retryAfter),
    '503': answer('The queue is full (WEBCOMPILE_JUDGE0_MAX_QUEUE).', error),
  };
  const notFound = answer('Nothing is stored under this token.', ref('Judge0HttpError'));
  const simple = (operationId: string, summary: string, description: string, schema: string) => ({
    get: op(operationId, summary, { '200': answer(description, ref(schema)) }),
  });
  return {
    [`${J}/submissions`]: {
      post: op(
        'judge0CreateSubmission',
        'Create a submission',
        {
          '201': answer('wait=true: the finished run (the asked fields); otherwise {token}.', ref('Judge0Created')),
          '400': answer('Unknown `fields`, or a body that is not JSON.', ref('Judge0BadRequest')),
          '422': answer('The submission is refused: each failing field with its messages.', ref('Judge0Errors')),
          ...posted,
        },
        {
          description:
            'Stores a submission and runs it: queued (poll GET /judge0/submissions/{token}), or with wait=true in ' +
            'this request. A wait=true run the sandboxes have no room for now is queued and answered In Queue.',
          parameters: [base64, wait, fields],
          requestBody: body('Judge0SubmissionRequest'),
        },
      ),
      get: op(
        'judge0ListSubmissions',
        'List the stored submissions',
        {
          '200': answer('A page of submissions, newest first.', ref('Judge0SubmissionList')),
          '400': answer(
            'A page below 1, a per_page below 0, unknown `fields`, or output that is no UTF-8 in plain mode.',
            error,
          ),
        },
        {
          parameters: [
            query('page', 'Judge0Page', 'The page (Ruby to_i: not a number is 0).'),
            query('per_page', 'Judge0PerPage', 'Submissions a page.'),
            base64,
            fields,
          ],
          user: true,
        },
      ),
    },
    [`${J}/submissions/batch`]: {
      post: op(
        'judge0CreateBatch',
        'Create several submissions',
        {
          '201': answer('At least one was stored: a token, or the errors, for each.', ref('Judge0BatchCreated')),
          '400': answer(
            `No submissions, more than ${config.judge0MaxBatch}, or a body that is not JSON.`,
            ref('Judge0BadRequest'),
          ),
          '422': answer('None was valid: the errors of each.', ref('Judge0BatchErrors')),
          ...posted,
        },
        {
          description: 'Queues each valid submission; `wait` and `fields` are ignored here, as on Judge0.',
          parameters: [base64],
          requestBody: body('Judge0BatchRequest'),
        },
      ),
      get: op(
        'judge0GetBatch',
        'Several submissions by token',
        {
          '200': answer('The submissions, null for an unknown token.', ref('Judge0Batch')),
          '400': answer(
            `No tokens, more than ${config.judge0MaxBatch}, unknown \`fields\`, or output that is no UTF-8 in plain mode.`,
            error,
          ),
        },
        { parameters: [query('tokens', 'Judge0Tokens', 'The tokens (required here or as a header).'), base64, fields] },
      ),
    },
    [`${J}/submissions/{token}`]: {
      get: op(
        'judge0GetSubmission',
        'A submission by token',
        {
          '200': answer('The submission (any status), with the asked fields.', ref('Judge0Submission')),
          '400': answer('Unknown `fields`, or output that is no UTF-8 in plain mode (ask base64_encoded=true).', error),
          '404': notFound,
        },
        { parameters: [token, base64, fields] },
      ),
      delete: op(
        'judge0DeleteSubmission',
        'Delete a finished submission',
        {
          '200': answer(
            'The deleted submission, with the asked fields, in base64 whatever was asked.',
            ref('Judge0Submission'),
          ),
          '400': answer(
            'Deleting is off (WEBCOMPILE_JUDGE0_ENABLE_DELETE), the submission is still queued or running, or ' +
              'unknown `fields`.',
            error,
          ),
          '404': notFound,
        },
        { parameters: [token, fields], user: true },
      ),
    },
    [`${J}/languages`]: simple('judge0Languages', 'The languages', 'The enabled languages.', 'Judge0Languages'),
    [`${J}/languages/all`]: simple(
      'judge0LanguagesAll',
      'The languages, archived ones too',
      'The enabled languages (none is archived).',
      'Judge0LanguagesAll',
    ),
    [`${J}/languages/{id}`]: {
      get: op(
        'judge0Language',
        'One language',
        {
          '200': answer('The language with its source file and commands.', ref('Judge0LanguageDetail')),
          '404': answer('No enabled language has this id.', ref('Judge0HttpError')),
        },
        { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }] },
      ),
    },
    [`${J}/statuses`]: simple('judge0Statuses', 'The statuses', "Judge0's 14 statuses.", 'Judge0Statuses'),
    [`${J}/config_info`]: simple(
      'judge0ConfigInfo',
      'The settings',
      "The 39 settings, this server's values.",
      'Judge0ConfigInfo',
    ),
    [`${J}/about`]: simple('judge0About', 'About this API', 'Version, homepage, source and maintainer.', 'Judge0About'),
    [`${J}/version`]: {
      get: op('judge0Version', 'The Judge0 version', {
        '200': { description: 'The Judge0 CE version.', content: { 'text/plain': { schema: ref('Judge0Version') } } },
      }),
    },
    [`${J}/workers`]: simple('judge0Workers', 'The queue and its workers', 'One queue.', 'Judge0Workers'),
    [`${J}/authenticate`]: {
      post: op('judge0Authenticate', 'Check the X-Auth-Token', {
        '200': empty('The token is good (or none is needed).'),
      }),
    },
    [`${J}/authorize`]: {
      post: op('judge0Authorize', 'Check the X-Auth-User', { '200': empty('The token is good.') }, { user: true }),
    },
  };
}

function paths(config: Config): Json {
  const get = (tag: string, operationId: string, summary: string, responses: Json, description?: string) => ({
    get: { tags: [tag], operationId, summary, ...(description ? { description } : {}), responses },
  });
  // WEBCOMPILE_AUTH_TOKEN guards the run endpoints (Judge0's: judge0Paths).
  const guarded = config.authToken.trim() !== '';
  const security = guarded ? { security: [{ authToken: [] }] } : {};
  return {
    '/api/compile': {
      post: {
        tags: ['native'],
        operationId: 'compile',
        summary: 'Compile and run a program',
        ...security,
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
          ...refusals(ref('ApiError'), { '400': 'A malformed request or an unknown language.' }, guarded),
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
    '/api/cluster': get('service', 'cluster', 'The live instances of the cluster', {
      '200': answer(
        'Every instance whose heartbeat Redis has seen lately, with its pool state; only the one answering ' +
          'without WEBCOMPILE_REDIS_URL or while Redis is down.',
        ref('Cluster'),
      ),
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
        ...security,
        responses: {
          '200': answer("The run in Piston's stages.", ref('PistonResponse')),
          ...refusals(ref('PistonError'), { '400': "A request Piston's checks (or ours) refuse." }, guarded),
        },
      },
    },
    ...judge0Paths(config),
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
        "Runs programs in throw-away, hardened Docker containers. The native API, Piston's v2 API for " +
        "Piston's clients, and Judge0 CE 1.13's API (under /judge0) for Judge0's.",
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [
      { name: 'native', description: "WebCompile's own API." },
      { name: 'piston', description: "Piston's v2 API (README: Piston's API)." },
      { name: 'judge0', description: "Judge0 CE 1.13's API under /judge0 (README: Judge0's API)." },
      { name: 'service', description: 'Health, counters and this document.' },
    ],
    paths: paths(config),
    components: {
      schemas: { ...toComponents(requests, 'input'), ...toComponents(answers, 'output') },
      securitySchemes: {
        authToken: {
          type: 'apiKey',
          in: 'header',
          name: AUTH_HEADER,
          description:
            'WEBCOMPILE_AUTH_TOKEN (one of its tokens). Judge0 also takes it as a parameter of the same name.',
        },
        judge0User: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Auth-User',
          description:
            'WEBCOMPILE_JUDGE0_AUTHZ_TOKEN, for listing and deleting submissions. Also taken as a parameter of ' +
            'the same name.',
        },
      },
    },
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
