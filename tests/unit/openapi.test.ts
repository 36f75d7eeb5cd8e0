// The OpenAPI document (lib/http/openapi.ts): OpenAPI 3.1 in shape, every schema valid JSON Schema
// 2020-12 with every $ref resolving, the compile request's schema the very one that validates
// requests, its maxima the config's; Judge0's paths with their bounds judge0Limits(config)'s, and
// the answers the Judge0 code writes (serialize, configInfo, ...) valid against their schemas. The
// server's real answers against it: tests/integration/openapi.test.ts.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RunResult } from '@/lib/contract/compile-response';
import { defaults, type Config } from '@/lib/config/config';
import { compileBodySchema } from '@/lib/http/compile-request';
import { about, configInfo, JUDGE0_VERSION, languageBody } from '@/lib/http/judge0-info';
import { buildOpenApi, openApiDocument } from '@/lib/http/openapi';
import { ALL_FIELDS, DEFAULT_FIELDS } from '@/lib/judge0/fields';
import { judge0Limits, type LimitField } from '@/lib/judge0/limits';
import { serialize, type Parsed } from '@/lib/judge0/serialize';
import { STATUSES } from '@/lib/judge0/statuses';
import { checkSubmission, type CheckedSubmission, type SubmissionContext } from '@/lib/judge0/submission-request';
import type { Judge0Result } from '@/lib/judge0/verdict';
import { documentValidator, type OpenApiDocument } from '../shared/openapi-validator';

const config: Config = { ...defaults, languages: ['python', 'csharp', 'c'] };
const doc = buildOpenApi(config) as OpenApiDocument;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every $ref in a JSON value. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refs(v)));
}

/** What a local $ref (#/a/b) points at in the document, or undefined. */
function resolve(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  const steps = ref
    .slice(2)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  return steps.reduce<unknown>((at, step) => (at as Record<string, unknown> | undefined)?.[step], doc);
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1: version, info, and every path with operations that have answers', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'WebCompile', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    const ids: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\/(api|judge0)\//);
      const operations = Object.entries(item).filter(([k]) => METHODS.includes(k));
      expect(operations.length, path).toBeGreaterThan(0);
      expect(
        Object.keys(item).filter((k) => !METHODS.includes(k)),
        path,
      ).toEqual([]);
      for (const [method, op] of operations) {
        ids.push(op.operationId ?? `${method} ${path} has no operationId`);
        const answers = Object.entries(op.responses);
        expect(answers.length, `${method} ${path}`).toBeGreaterThan(0);
        for (const [status, r] of answers) {
          expect(status, `${method} ${path}`).toMatch(/^[1-5]\d\d$/);
          expect(typeof r.description, `${method} ${path} ${status}`).toBe('string');
          for (const [type, media] of Object.entries(r.content ?? {})) {
            expect(media.schema, `${method} ${path} ${status} ${type}`).toBeTypeOf('object');
          }
        }
      }
    }
    expect(new Set(ids).size, ids.join(', ')).toBe(ids.length);
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/cluster',
        '/api/compile',
        '/api/health',
        '/api/languages',
        '/api/metrics',
        '/api/openapi.json',
        '/api/stats',
        '/api/v2/execute',
        '/api/v2/runtimes',
        '/judge0/submissions',
        '/judge0/submissions/batch',
        '/judge0/submissions/{token}',
        '/judge0/languages',
        '/judge0/languages/all',
        '/judge0/languages/{id}',
        '/judge0/statuses',
        '/judge0/config_info',
        '/judge0/about',
        '/judge0/version',
        '/judge0/workers',
        '/judge0/authenticate',
        '/judge0/authorize',
      ].sort(),
    );
  });

  it('every $ref resolves, and every schema compiles as JSON Schema 2020-12 (ajv, strict)', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(20);
    const broken = all.filter((r) => resolve(r) === undefined);
    expect(broken).toEqual([]);
    expect(() => documentValidator(doc).compileAll()).not.toThrow();
  });

  it("describes the compile request with compileBodySchema itself, under the config's limits", () => {
    const expected = z.toJSONSchema(compileBodySchema(config), {
      target: 'draft-2020-12',
      io: 'input',
      unrepresentable: 'any',
    });
    delete expected.$schema;
    expect(doc.components.schemas.CompileRequest).toEqual(expected);
    const body = doc.paths['/api/compile'].post.requestBody!.content;
    expect(Object.keys(body).sort()).toEqual([
      'application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
    ]);
  });

  it("shows the config's maxima (a maxTimeoutMs of 1234 is 1234), one document per config", () => {
    const tight: Config = { ...config, timeoutMs: 1000, maxTimeoutMs: 1234, maxCompileTimeoutMs: 4321, maxFiles: 3 };
    const d = openApiDocument(tight) as OpenApiDocument;
    const limits = (d.components.schemas.CompileRequest.properties as Record<string, { properties: object }>).limits;
    expect(limits.properties).toMatchObject({ timeoutMs: { maximum: 1234 }, compileTimeoutMs: { maximum: 4321 } });
    const piston = d.components.schemas.PistonExecuteRequest.properties as Record<string, unknown>;
    expect(piston.files).toMatchObject({ maxItems: 3 });
    expect(JSON.stringify(piston.run_timeout)).toContain('"maximum":1234');
    expect(openApiDocument(tight)).toBe(d);
    expect(openApiDocument({ ...tight })).not.toBe(d);
    expect(JSON.stringify(doc)).not.toContain('1234');
  });

  it("/api/stats's compileCache has the shared tier's counters, or null without one", () => {
    const v = documentValidator(doc);
    const schema = { $ref: '#/components/schemas/Stats/properties/compileCache' };
    const local = { entries: 1, bytes: 2048, hits: 3, misses: 4 };
    for (const shared of [null, { hits: 1, misses: 2, errors: 0 }]) {
      const ok = v.validate(schema, { ...local, shared });
      expect(ok.valid, ok.errors).toBe(true);
    }
    expect(v.validate(schema, local).valid).toBe(false);
    expect(v.validate(schema, { ...local, shared: { hits: 1, misses: 2 } }).valid).toBe(false);
  });

  it('RunResult takes Tests with every TestResult field and the wrong_answer status, and refuses a stray field', () => {
    const v = documentValidator(doc);
    const run: RunResult = {
      Output: '',
      LatencyInMS: 12,
      ErrorString: '',
      Timeout: false,
      Status: 'wrong_answer',
      ExitCode: 0,
      Truncated: false,
      Diagnostics: [{ line: 1, column: 2, severity: 'warning', code: 'CS0168', message: 'unused' }],
      QueueMS: 0,
      CompileMS: 300,
      CompileCached: false,
      RunMS: null,
      CpuTimeMS: null,
      MemoryKB: null,
      Language: 'csharp',
      Tests: [
        {
          Status: 'wrong_answer',
          Output: '2\n',
          ErrorString: '',
          ExitCode: 0,
          Timeout: false,
          Truncated: false,
          RunMS: 20,
          CpuTimeMS: 10,
          MemoryKB: 1024,
          Passed: false,
        },
      ],
    };
    const schema = v.responseSchema('/api/compile', 'post', 200);
    const ok = v.validate(schema, run);
    expect(ok.valid, ok.errors).toBe(true);
    expect(v.validate(schema, { ...run, Tests: [{ ...run.Tests![0], Passed: 'no' }] }).valid).toBe(false);
    expect(v.validate(schema, { ...run, Extra: 1 }).valid).toBe(false);
    expect(v.validate(schema, { ...run, Status: 'fine' }).valid).toBe(false);
  });
});

type Schema = Record<string, unknown>;
const J0 = '/judge0';

/** The operations of the document under a path prefix. */
function operations(d: OpenApiDocument, prefix: string) {
  return Object.entries(d.paths)
    .filter(([path]) => path.startsWith(prefix))
    .flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));
}

/** The server's check of a submission under `config`, as judge0-api.ts sets it up. */
function context(c: Config): SubmissionContext {
  return {
    limits: judge0Limits(c),
    languages: c.languages,
    maxSourceBytes: c.maxCodeBytes,
    maxStdinBytes: c.maxStdinBytes,
    maxArgs: c.maxArgs,
    maxExtraFiles: c.maxFiles - 1,
    maxExtraBytes: c.judge0MaxExtractKb * 1024,
    callbackAllow: [],
  };
}

function checked(body: Record<string, unknown>): CheckedSubmission {
  const r = checkSubmission(body, false, context(config));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.submission;
}

const finished: Judge0Result = {
  status_id: 4,
  stdout: 'héllo\n',
  stderr: 'warn\n',
  compile_output: null,
  message: null,
  exit_code: 0,
  exit_signal: null,
  time: 12,
  wall_time: 40.4,
  memory: 7312,
};

const parsed = (over: Partial<Parsed> = {}): Parsed => ({
  token: '3f1c0f8e-9b8e-4a8a-9d41-2f0c5b1e7a10',
  state: 'done',
  request: checked({
    source_code: 'print(input())',
    language_id: '71',
    stdin: 'hi',
    expected_output: 'bye',
    cpu_time_limit: '2.5',
    memory_limit: 65536.7,
    command_line_arguments: 'a "b c"',
    redirect_stderr_to_stdout: 'false',
    additional_files: null,
  }),
  result: finished,
  createdAt: Date.UTC(2024, 3, 3, 5, 40, 51, 306),
  finishedAt: Date.UTC(2024, 3, 3, 5, 40, 52, 1),
  ...over,
});
const names = (id: number) => (id === 71 ? 'Python (3.11.2)' : '');

describe("the OpenAPI document: Judge0's API", () => {
  const v = documentValidator(doc);
  const submission = v.responseSchema(`${J0}/submissions/{token}`, 'get', 200);
  const request = (doc.paths[`${J0}/submissions`].post.requestBody!.content['application/json'].schema ?? {}) as Schema;

  it('tags every Judge0 operation judge0, and each answers 500 in the error shape', () => {
    const ops = operations(doc, J0);
    expect(ops).toHaveLength(16);
    for (const { path, method, op } of ops) {
      expect((op as { tags?: string[] }).tags, `${method} ${path}`).toEqual(['judge0']);
      expect(op.responses['500'].content?.['application/json'].schema, `${method} ${path}`).toEqual({
        $ref: '#/components/schemas/Judge0Error',
      });
    }
    expect(operations(doc, '/api').some(({ op }) => (op as { tags?: string[] }).tags?.includes('judge0'))).toBe(false);
    expect(v.responseSchema(`${J0}/version`, 'get', 200, 'text/plain')).toEqual({
      $ref: '#/components/schemas/Judge0Version',
    });
    expect(v.validate(v.responseSchema(`${J0}/version`, 'get', 200, 'text/plain'), JUDGE0_VERSION).valid).toBe(true);
  });

  it('asks for X-Auth-Token only under WEBCOMPILE_AUTH_TOKEN, X-Auth-User to list and delete; 401, 403 empty', () => {
    const security = (d: OpenApiDocument, path: string, method: string) =>
      (d.paths[path][method] as { security?: unknown }).security;
    expect(security(doc, `${J0}/submissions`, 'post')).toBeUndefined();
    expect(doc.paths[`${J0}/submissions`].post.responses['401']).toBeUndefined();
    expect(security(doc, `${J0}/submissions`, 'get')).toEqual([{ judge0User: [] }]);
    expect(doc.paths[`${J0}/submissions`].get.responses['403']).toEqual({ description: expect.any(String) });
    const guarded = buildOpenApi({ ...config, authToken: 'secret' }) as OpenApiDocument;
    for (const { path, method, op } of operations(guarded, J0)) {
      expect(op.responses['401'], `${method} ${path}`).toEqual({ description: expect.any(String) });
      expect((op as { security?: Record<string, unknown>[] }).security?.[0], `${method} ${path}`).toHaveProperty(
        'authToken',
      );
    }
    expect(security(guarded, `${J0}/submissions/{token}`, 'delete')).toEqual([{ authToken: [], judge0User: [] }]);
    // Our own and Piston's run endpoints too, with their own error shapes.
    for (const path of ['/api/compile', '/api/v2/execute']) {
      expect(security(guarded, path, 'post'), path).toEqual([{ authToken: [] }]);
      expect(guarded.paths[path].post.responses['401'], path).toMatchObject({ content: expect.any(Object) });
      expect(security(doc, path, 'post'), path).toBeUndefined();
      expect(doc.paths[path].post.responses['401'], path).toBeUndefined();
    }
    const schemes = (guarded.components as { securitySchemes?: Record<string, unknown> }).securitySchemes;
    expect(schemes).toMatchObject({
      authToken: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
      judge0User: { type: 'apiKey', in: 'header', name: 'X-Auth-User' },
    });
    expect(JSON.stringify(guarded)).not.toContain('secret');
  });

  it('describes every request field, with the bounds of judge0Limits(config), tight ones too', () => {
    const props = doc.components.schemas.Judge0SubmissionRequest.properties as Record<string, Schema>;
    expect(Object.keys(props).sort()).toEqual(
      [
        'source_code',
        'language_id',
        'compiler_options',
        'command_line_arguments',
        'stdin',
        'expected_output',
        ...Object.keys(judge0Limits(config)),
        'enable_per_process_and_thread_time_limit',
        'enable_per_process_and_thread_memory_limit',
        'redirect_stderr_to_stdout',
        'enable_network',
        'callback_url',
        'additional_files',
      ].sort(),
    );
    for (const [name, p] of Object.entries(props)) expect(p.description, name).toEqual(expect.any(String));
    expect(doc.components.schemas.Judge0SubmissionRequest.required).toEqual(['source_code', 'language_id']);
    const tight: Config = { ...config, maxTimeoutMs: 7500, memoryMb: 128, maxMemoryMb: 192, pidsLimit: 16 };
    for (const c of [config, tight]) {
      const d = buildOpenApi(c) as OpenApiDocument;
      const fields = d.components.schemas.Judge0SubmissionRequest.properties as Record<string, Schema>;
      for (const [field, bound] of Object.entries(judge0Limits(c))) {
        const number = JSON.stringify(fields[field]);
        expect(number, field).toContain(`"maximum":${bound.max}`);
        expect(number, field).toContain(`"${bound.minExclusive ? 'exclusiveMinimum' : 'minimum'}":${bound.min}`);
      }
    }
    expect(judge0Limits(tight).wall_time_limit.max).toBe(7.5);
    const d = buildOpenApi(tight) as OpenApiDocument;
    expect(JSON.stringify(d.components.schemas.Judge0SubmissionRequest)).toContain('"maximum":196608');
  });

  it('takes what the server takes, and refuses what it refuses with a 422, type by type', () => {
    const valid = (body: Record<string, unknown>) => v.validate(request, body).valid;
    const accepted = (body: Record<string, unknown>) => checkSubmission(body, false, context(config)).ok;
    const base = { source_code: 'print(1)', language_id: 71 };
    const good: Record<string, unknown>[] = [
      base,
      { ...base, language_id: '71' },
      { ...base, cpu_time_limit: '2.5', wall_time_limit: 3, memory_limit: 65536, number_of_runs: '2' },
      { ...base, stdin: null, expected_output: '1', redirect_stderr_to_stdout: 'true', enable_network: false },
      { ...base, max_file_size: '', command_line_arguments: 'a b', compiler_options: null, unknown_key: 1 },
    ];
    for (const body of good) {
      expect(valid(body), JSON.stringify(body)).toBe(true);
      expect(accepted(body), JSON.stringify(body)).toBe(true);
    }
    const bad: Record<string, unknown>[] = [
      { language_id: 71 },
      { ...base, source_code: '   ' },
      { ...base, cpu_time_limit: 99 },
      { ...base, number_of_runs: 0 },
      { ...base, wall_time_limit: 'abc' },
      { ...base, memory_limit: 1024 },
      { ...base, stack_limit: true },
      { ...base, command_line_arguments: 'x'.repeat(513) },
    ];
    for (const body of bad) {
      expect(valid(body), JSON.stringify(body)).toBe(false);
      expect(accepted(body), JSON.stringify(body)).toBe(false);
    }
  });

  it("holds serialize's answers to Judge0Submission: all fields, plain and base64, done, queued, compile error", () => {
    const cases: Parsed[] = [
      parsed(),
      parsed({ state: 'queued', result: null, finishedAt: null }),
      parsed({ state: 'running', result: null, finishedAt: null }),
      parsed({
        result: {
          ...finished,
          status_id: 6,
          stdout: null,
          stderr: null,
          compile_output: 'x.c:1: error',
          time: null,
          wall_time: null,
          memory: null,
          exit_code: null,
        },
      }),
      parsed({ result: { ...finished, status_id: 7, exit_signal: 11, message: 'Caught fatal signal 11', time: 0.4 } }),
    ];
    for (const p of cases) {
      for (const base64 of [false, true]) {
        for (const fields of [ALL_FIELDS, DEFAULT_FIELDS]) {
          const body = serialize(p, fields, base64, names);
          expect(Object.keys(body)).toHaveLength(fields.length);
          const verdict = v.validate(submission, body);
          expect(verdict.valid, `${verdict.errors}\n${JSON.stringify(body)}`).toBe(true);
        }
      }
    }
    const all = serialize(parsed(), ALL_FIELDS, false, names);
    expect(all).toMatchObject({ time: '0.012', wall_time: '0.04', cpu_time_limit: '2.5', memory_limit: 65536 });
    // The check bites: each field of the wrong JSON type is refused, and so is a field Judge0 has not.
    for (const wrong of [
      { time: 0.012 },
      { memory: '7312' },
      { cpu_time_limit: 2.5 },
      { status: 4 },
      { stdout: 1 },
      { created_at: 'yesterday' },
      { enable_network: 'false' },
      { exit_code: '0' },
      { started_at: null },
    ]) {
      expect(v.validate(submission, { ...all, ...wrong }).valid, JSON.stringify(wrong)).toBe(false);
    }
    // POST's 201: a token alone (wait=false), or the run's fields (wait=true).
    const created = v.responseSchema(`${J0}/submissions`, 'post', 201);
    expect(v.validate(created, { token: all.token }).valid).toBe(true);
    expect(v.validate(created, serialize(parsed(), DEFAULT_FIELDS, false, names)).valid).toBe(true);
    expect(v.validate(created, { token: 'not-a-uuid' }).valid).toBe(false);
    // wait=true in plain mode with output that is no UTF-8: the token beside Judge0's error.
    expect(v.validate(created, { error: 'some attributes ... use base64_encoded=true', token: all.token }).valid).toBe(
      true,
    );
    // Batch GET: null for an unknown token.
    const batch = v.responseSchema(`${J0}/submissions/batch`, 'get', 200);
    expect(v.validate(batch, { submissions: [all, null] }).valid).toBe(true);
  });

  it('holds the 422s checkSubmission makes to Judge0Errors, and batch answers to theirs', () => {
    const refused = checkSubmission({ cpu_time_limit: 'abc', enable_network: true }, false, context(config));
    expect(refused.ok).toBe(false);
    const errors = refused.ok ? {} : refused.errors;
    expect(errors).toMatchObject({ language_id: ["can't be blank", "language with id  doesn't exist"] });
    const one = v.responseSchema(`${J0}/submissions`, 'post', 422);
    expect(v.validate(one, errors).valid).toBe(true);
    expect(v.validate(one, { language_id: "can't be blank" }).valid).toBe(false);
    expect(v.validate(one, { token: ['x'] }).valid).toBe(false);
    const created = v.responseSchema(`${J0}/submissions/batch`, 'post', 201);
    expect(v.validate(created, [{ token: parsed().token }, errors]).valid).toBe(true);
    expect(v.validate(v.responseSchema(`${J0}/submissions/batch`, 'post', 422), [errors, errors]).valid).toBe(true);
    for (const status of [400, 404]) {
      const schema = v.responseSchema(`${J0}/submissions/{token}`, 'get', status);
      expect(
        v.validate(schema, status === 404 ? { status: 404, error: 'Not Found' } : { error: 'invalid fields: [x]' })
          .valid,
      ).toBe(true);
    }
    const badBody = v.responseSchema(`${J0}/submissions`, 'post', 400);
    expect(v.validate(badBody, { status: 400, error: 'Bad Request' }).valid).toBe(true);
    expect(v.validate(badBody, { error: 'invalid fields: [x]' }).valid).toBe(true);
  });

  it('holds configInfo (39 keys), the statuses, about and a language to their schemas', () => {
    const info = configInfo(config);
    expect(Object.keys(info)).toHaveLength(39);
    const check = (path: string, value: unknown) => {
      const verdict = v.validate(v.responseSchema(`${J0}${path}`, 'get', 200), value);
      expect(verdict.valid, `${path}: ${verdict.errors}`).toBe(true);
    };
    check('/config_info', info);
    check('/config_info', configInfo({ ...config, maxTimeoutMs: 7500, judge0MaxExtractKb: 0 }));
    expect(
      v.validate(v.responseSchema(`${J0}/config_info`, 'get', 200), {
        ...info,
        disable_implicit_base64_encoding: false,
      }).valid,
    ).toBe(false);
    const missing: Record<string, unknown> = { ...info };
    delete missing.max_queue_size;
    expect(v.validate(v.responseSchema(`${J0}/config_info`, 'get', 200), missing).valid).toBe(false);
    check('/statuses', STATUSES);
    check('/about', about());
    const python = { id: 71, name: 'Python (3.11.2)', ours: 'python' };
    const c = { id: 50, name: 'C (GCC 12.2.0)', ours: 'c' };
    check('/languages/{id}', languageBody(python));
    check('/languages/{id}', languageBody(c));
    check(
      '/languages',
      [python, c].map(({ id, name }) => ({ id, name })),
    );
    check(
      '/languages/all',
      [python, c].map(({ id, name }) => ({ id, name, is_archived: false })),
    );
    check('/workers', [{ queue: JUDGE0_VERSION, size: 0, available: 2, idle: 2, working: 0, paused: 0, failed: 0 }]);
    // config_info's defaults and maxima are the request schema's.
    const limits = judge0Limits(config);
    const fields = doc.components.schemas.Judge0SubmissionRequest.properties as Record<string, Schema>;
    for (const f of Object.keys(limits) as LimitField[]) {
      expect(info[f], f).toBe(limits[f].default);
      expect(info[`max_${f}` as keyof typeof info], f).toBe(limits[f].max);
      expect(JSON.stringify(fields[f]), f).toContain(`"maximum":${info[`max_${f}` as keyof typeof info]}`);
    }
  });
});
