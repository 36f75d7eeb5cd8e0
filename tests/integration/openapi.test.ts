// GET /api/openapi.json on the real server, then every endpoint called for real: each answer's body
// must match the schema the served document gives for its path, method and status (ajv 8, JSON
// Schema 2020-12). The document's own shape: tests/unit/openapi.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { documentValidator, type OpenApiDocument } from '../shared/openapi-validator';
import { eventually, useServer } from './helpers/server';

const server = useServer({
  WEBCOMPILE_LANGUAGES: 'python,c',
  WEBCOMPILE_LANGUAGE_POOL_SIZE: '1',
  // Not the default: the document must show the running server's limits.
  WEBCOMPILE_MAX_TIMEOUT_MS: '17000',
  WEBCOMPILE_LOG_DIR: 'runs/test-openapi',
});

let doc: OpenApiDocument;
let v: ReturnType<typeof documentValidator>;

beforeAll(async () => {
  const r = await fetch(`${server.url}/api/openapi.json`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  doc = await r.json();
  v = documentValidator(doc);
});

interface Answer {
  status: number;
  /** The media type, without parameters. */
  type: string;
  body: unknown;
}

async function call(path: string, init: RequestInit = {}): Promise<Answer> {
  const r = await fetch(`${server.url}${path}`, init);
  const type = (r.headers.get('content-type') ?? '').split(';')[0].trim();
  return { status: r.status, type, body: type === 'application/json' ? await r.json() : await r.text() };
}

const postJson = (path: string, body: unknown) =>
  call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The answer's body matches the document's schema for its path, method, status and media type. */
function expectDocumented(path: string, method: string, a: Answer): void {
  const verdict = v.validate(v.responseSchema(path, method, a.status, a.type), a.body);
  const shown = JSON.stringify(a.body).slice(0, 2000);
  expect(verdict.valid, `${method.toUpperCase()} ${path} ${a.status} ${a.type}:\n${verdict.errors}\n${shown}`).toBe(
    true,
  );
}

describe('GET /api/openapi.json', () => {
  it("is served (not the catch-all 404), is documented itself, and shows this server's limits", async () => {
    const a = await call('/api/openapi.json');
    expectDocumented('/api/openapi.json', 'get', a);
    expect(doc.openapi).toBe('3.1.0');
    const request = doc.components.schemas.CompileRequest.properties as Record<string, { properties: object }>;
    expect(request.limits.properties).toMatchObject({ timeoutMs: { maximum: 17000 } });
  });
});

describe('POST /api/compile', () => {
  it('a Python program (JSON): a RunResult', async () => {
    const a = await postJson('/api/compile', { language: 'python', code: 'print(input())', stdin: 'hi\n' });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ Status: 'ok', Output: 'hi\n' });
    expectDocumented('/api/compile', 'post', a);
    // The check bites: the same body with a status the document does not know is refused.
    const tampered = { ...(a.body as object), Status: 'fine' };
    expect(v.validate(v.responseSchema('/api/compile', 'post', 200), tampered).valid).toBe(false);
  });

  it('a Python program (a url-encoded form): a RunResult', async () => {
    const a = await call('/api/compile', {
      method: 'POST',
      body: new URLSearchParams({ language: 'python', code: 'print(6 * 7)', timeoutMs: '' }),
    });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ Status: 'ok', Output: '42\n' });
    expectDocumented('/api/compile', 'post', a);
  });

  it('test cases and a memory limit: a RunResult with Tests', async () => {
    const a = await postJson('/api/compile', {
      language: 'c',
      code: '#include <stdio.h>\nint main(void) { int n; scanf("%d", &n); printf("%d\\n", 2 * n); }',
      limits: { memoryMb: 64 },
      tests: [{ stdin: '2', expectedOutput: '4' }, { stdin: '3', expectedOutput: '7' }, { stdin: '1' }],
    });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      Status: 'wrong_answer',
      Tests: [{ Passed: true }, { Passed: false }, { Passed: null }],
    });
    expectDocumented('/api/compile', 'post', a);
  });

  it('a compile error: a RunResult with Diagnostics', async () => {
    const a = await postJson('/api/compile', { language: 'c', code: 'int main(void) { return x; }\n' });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ Status: 'compile_error', Diagnostics: [expect.objectContaining({ line: 1 })] });
    expectDocumented('/api/compile', 'post', a);
  });

  it('a bad request and an unknown language: 400 in the error shape', async () => {
    const missing = await postJson('/api/compile', { language: 'python' });
    expect(missing.status).toBe(400);
    expectDocumented('/api/compile', 'post', missing);
    const unknown = await postJson('/api/compile', { language: 'cobol', code: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ Reason: 'unknown_language', Languages: ['python', 'c'] });
    expectDocumented('/api/compile', 'post', unknown);
  });

  it('with Accept: text/event-stream: the documented media type, its `result` a RunResult', async () => {
    const a = await call('/api/compile', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ language: 'python', code: 'print(1)' }),
    });
    expect(a.status).toBe(200);
    expectDocumented('/api/compile', 'post', a);
    const events = (a.body as string)
      .split('\n\n')
      .filter(Boolean)
      .map((m) => ({ event: /^event: (.*)$/m.exec(m)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(m)?.[1] ?? 'null') }));
    const result = events.find((e) => e.event === 'result');
    expect(events.map((e) => e.event)).toContain('run_started');
    expectDocumented('/api/compile', 'post', { status: 200, type: 'application/json', body: result?.data });
  });
});

describe('the native GET endpoints', () => {
  it.each(['/api/languages', '/api/stats', '/api/health'])('%s answers as documented', async (path) => {
    // Health is 503 while the sandboxes the runs above took are being replaced: wait for the ready answer.
    const a = await eventually(
      async () => {
        const answer = await call(path);
        return answer.status === 200 && answer;
      },
      30_000,
      `${path} to answer 200`,
    );
    expect(a.status).toBe(200);
    expect(a.type).toBe('application/json');
    expectDocumented(path, 'get', a);
  });

  it('/api/metrics: Prometheus text, as documented', async () => {
    const a = await call('/api/metrics');
    expect(a.status).toBe(200);
    expect(a.body).toContain('webcompile_requests_total');
    expectDocumented('/api/metrics', 'get', a);
  });
});

describe("Piston's v2 API", () => {
  it('GET /api/v2/runtimes answers as documented', async () => {
    const a = await call('/api/v2/runtimes');
    expect(a.status).toBe(200);
    expectDocumented('/api/v2/runtimes', 'get', a);
  });

  it('POST /api/v2/execute: a run, a compiled run and a 400, as documented', async () => {
    const run = await postJson('/api/v2/execute', {
      language: 'python',
      version: '*',
      files: [{ content: 'print(1)' }],
    });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ run: { stdout: '1\n', code: 0 } });
    expectDocumented('/api/v2/execute', 'post', run);
    const compiled = await postJson('/api/v2/execute', {
      language: 'c',
      version: '*',
      files: [{ name: 'main.c', content: '#include <stdio.h>\nint main(void) { puts("2"); }\n' }],
    });
    expect(compiled.status).toBe(200);
    expect(compiled.body).toMatchObject({ compile: { code: 0 }, run: { stdout: '2\n' } });
    expectDocumented('/api/v2/execute', 'post', compiled);
    const refused = await postJson('/api/v2/execute', { language: 'python', files: [] });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ message: 'version is required as a string' });
    expectDocumented('/api/v2/execute', 'post', refused);
  });
});
