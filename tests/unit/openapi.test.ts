// The OpenAPI document (lib/http/openapi.ts): OpenAPI 3.1 in shape, every schema valid JSON Schema
// 2020-12 with every $ref resolving, the compile request's schema the very one that validates
// requests, its maxima the config's. The server's real answers against it: tests/integration/openapi.test.ts.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RunResult } from '@/lib/contract/compile-response';
import { defaults, type Config } from '@/lib/config/config';
import { compileBodySchema } from '@/lib/http/compile-request';
import { buildOpenApi, openApiDocument } from '@/lib/http/openapi';
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
      expect(path).toMatch(/^\/api\//);
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
        '/api/compile',
        '/api/health',
        '/api/languages',
        '/api/metrics',
        '/api/openapi.json',
        '/api/stats',
        '/api/v2/execute',
        '/api/v2/runtimes',
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
