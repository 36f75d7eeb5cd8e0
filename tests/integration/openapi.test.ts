// GET /api/openapi.json on the real server, then every endpoint called for real: each answer's body
// must match the schema the served document gives for its path, method and status (ajv 8, JSON
// Schema 2020-12), Judge0's under /judge0 too. The document's own shape: tests/unit/openapi.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { documentValidator, type OpenApiDocument } from '../shared/openapi-validator';
import { eventually, useServer } from './helpers/server';
import { ALL_FIELDS } from '@/lib/judge0/fields';

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

/** An answer the document gives no body, and that came without one. */
function expectDocumentedEmpty(path: string, method: string, a: Answer): void {
  const documented = doc.paths[path]?.[method]?.responses[String(a.status)];
  expect(documented, `${method.toUpperCase()} ${path} ${a.status}`).toBeDefined();
  expect(documented.content, `${method.toUpperCase()} ${path} ${a.status}`).toBeUndefined();
  expect(a.body).toBe('');
}

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
  it.each(['/api/languages', '/api/stats', '/api/health', '/api/cluster'])('%s answers as documented', async (path) => {
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

describe("Judge0's API", () => {
  const PY = 71;
  const C = 50;
  const submit = (body: unknown, query: string) => postJson(`/judge0/submissions?${query}`, body);
  /** Polls a token (as Judge0's clients do) until its status is past In Queue and Processing. */
  const done = (token: string, query = 'fields=*') =>
    eventually(
      async () => {
        const a = await call(`/judge0/submissions/${token}?${query}`);
        return a.status === 200 && (a.body as { status: { id: number } }).status.id > 2 && a;
      },
      30_000,
      `submission ${token} to finish`,
    );

  it('POST wait=true with fields=*: all 35 fields, each of the documented type', async () => {
    const a = await submit({ source_code: 'print(input())', language_id: PY, stdin: 'hi' }, 'wait=true&fields=*');
    expect(a.status).toBe(201);
    expect(Object.keys(a.body as object)).toEqual([...ALL_FIELDS]);
    expect(a.body).toMatchObject({ stdout: 'hi\n', status: { id: 3, description: 'Accepted' }, language: { id: PY } });
    expectDocumented('/judge0/submissions', 'post', a);
    // The check bites: the same answer with time as a number (not Judge0's decimal string) is refused.
    const tampered = { ...(a.body as object), time: 0.01 };
    expect(v.validate(v.responseSchema('/judge0/submissions', 'post', 201), tampered).valid).toBe(false);
    // Stored: GET answers it the same, plain and in base64.
    const token = (a.body as { token: string }).token;
    const again = await call(`/judge0/submissions/${token}?fields=*`);
    expect(again.body).toEqual(a.body);
    expectDocumented('/judge0/submissions/{token}', 'get', again);
    const encoded = await call(`/judge0/submissions/${token}?fields=*&base64_encoded=true`);
    expect(encoded.status).toBe(200);
    expectDocumented('/judge0/submissions/{token}', 'get', encoded);
  });

  it('POST wait=true with the default fields: a compiled C run, and a compile error', async () => {
    const a = await submit(
      { source_code: '#include <stdio.h>\nint main(void) { puts("2"); return 3; }\n', language_id: C },
      'wait=true',
    );
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ stdout: '2\n', status: { id: 11 } });
    expectDocumented('/judge0/submissions', 'post', a);
    const broken = await submit({ source_code: 'int main(void) { return x; }\n', language_id: C }, 'wait=true');
    expect(broken.status).toBe(201);
    expect(broken.body).toMatchObject({ status: { id: 6 }, time: null, memory: null });
    expectDocumented('/judge0/submissions', 'post', broken);
  });

  it('POST without wait: {token}, then the queued run polled to its end', async () => {
    const a = await submit(
      { source_code: 'import sys\nprint(sys.argv[1:])', language_id: '71', command_line_arguments: 'a "b c"' },
      'base64_encoded=false',
    );
    expect(a.status).toBe(201);
    expect(Object.keys(a.body as object)).toEqual(['token']);
    expectDocumented('/judge0/submissions', 'post', a);
    const finished = await done((a.body as { token: string }).token);
    expect(finished.body).toMatchObject({ stdout: "['a', 'b c']\n", command_line_arguments: 'a "b c"' });
    expectDocumented('/judge0/submissions/{token}', 'get', finished);
  });

  it('output that is no UTF-8: 201 with the token and the error in plain mode, 400 read plainly, 200 in base64', async () => {
    const source = 'import sys\nsys.stdout.buffer.write(bytes([0xff, 0x0a]))';
    const a = await submit({ source_code: source, language_id: PY }, 'wait=true');
    expect(a.status).toBe(201);
    expect(Object.keys(a.body as object).sort()).toEqual(['error', 'token']);
    expectDocumented('/judge0/submissions', 'post', a);
    const token = (a.body as { token: string }).token;
    const plain = await call(`/judge0/submissions/${token}`);
    expect(plain.status).toBe(400);
    expectDocumented('/judge0/submissions/{token}', 'get', plain);
    const encoded = await call(`/judge0/submissions/${token}?base64_encoded=true&fields=*`);
    expect(encoded.status).toBe(200);
    expect((encoded.body as { stdout: string }).stdout).toBe('/wo=\n');
    expectDocumented('/judge0/submissions/{token}', 'get', encoded);
  });

  it('refusals in their documented shapes: 422, 400 and 404; 403 and 401 with no body', async () => {
    const refused = await submit({ source_code: 'x', language_id: 62, cpu_time_limit: 'abc' }, 'wait=true');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ language_id: ["language with id 62 doesn't exist"] });
    expectDocumented('/judge0/submissions', 'post', refused);
    const fields = await submit({ source_code: 'print(1)', language_id: PY }, 'fields=stdout,nope');
    expect(fields.status).toBe(400);
    expect(fields.body).toEqual({ error: 'invalid fields: [nope]' });
    expectDocumented('/judge0/submissions', 'post', fields);
    const notJson = await call('/judge0/submissions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"source_code": ',
    });
    expect(notJson.status).toBe(400);
    expectDocumented('/judge0/submissions', 'post', notJson);
    const missing = await call('/judge0/submissions/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expectDocumented('/judge0/submissions/{token}', 'get', missing);
    const language = await call('/judge0/languages/62');
    expect(language.status).toBe(404);
    expectDocumented('/judge0/languages/{id}', 'get', language);
    // Listing and deleting need X-Auth-User, which this server has none of.
    expectDocumentedEmpty('/judge0/submissions', 'get', await call('/judge0/submissions'));
    expect((await call('/judge0/submissions')).status).toBe(403);
    const deleted = await call('/judge0/submissions/x', { method: 'DELETE' });
    expect(deleted.status).toBe(403);
    expectDocumentedEmpty('/judge0/submissions/{token}', 'delete', deleted);
    const authenticated = await call('/judge0/authenticate', { method: 'POST' });
    expect(authenticated.status).toBe(200);
    expectDocumentedEmpty('/judge0/authenticate', 'post', authenticated);
    // No WEBCOMPILE_AUTH_TOKEN here: the document asks for no X-Auth-Token and shows no 401.
    expect(doc.paths['/judge0/submissions'].post.responses['401']).toBeUndefined();
  });

  it('a batch: POST (a token and the errors), then GET by tokens, null for an unknown one', async () => {
    const a = await postJson('/judge0/submissions/batch', {
      submissions: [
        { source_code: 'print(6 * 7)', language_id: PY },
        { source_code: '', language_id: PY },
      ],
    });
    expect(a.status).toBe(201);
    const [stored, errors] = a.body as [{ token: string }, Record<string, string[]>];
    expect(errors).toEqual({ source_code: ["can't be blank"] });
    expectDocumented('/judge0/submissions/batch', 'post', a);
    await done(stored.token);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const got = await call(`/judge0/submissions/batch?tokens=${stored.token},${unknown}&fields=*`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ submissions: [{ stdout: '42\n', token: stored.token }, null] });
    expectDocumented('/judge0/submissions/batch', 'get', got);
    const encoded = await call(`/judge0/submissions/batch?tokens=${stored.token}&base64_encoded=true`);
    expectDocumented('/judge0/submissions/batch', 'get', encoded);
    const none = await postJson('/judge0/submissions/batch', { submissions: [{ language_id: PY }] });
    expect(none.status).toBe(422);
    expectDocumented('/judge0/submissions/batch', 'post', none);
    const empty = await postJson('/judge0/submissions/batch', { submissions: [] });
    expect(empty.status).toBe(400);
    expectDocumented('/judge0/submissions/batch', 'post', empty);
  });

  it.each([
    '/judge0/languages',
    '/judge0/languages/all',
    `/judge0/languages/${PY}`,
    `/judge0/languages/${C}`,
    '/judge0/statuses',
    '/judge0/config_info',
    '/judge0/about',
    '/judge0/workers',
  ])('GET %s answers as documented', async (path) => {
    const a = await call(path);
    expect(a.status).toBe(200);
    expect(a.type).toBe('application/json');
    expectDocumented(path.replace(/\/\d+$/, '/{id}'), 'get', a);
  });

  it("GET /judge0/version: text, as documented; config_info's maxima are the document's", async () => {
    const a = await call('/judge0/version');
    expect(a.status).toBe(200);
    expect(a.body).toBe('1.13.1');
    expectDocumented('/judge0/version', 'get', a);
    const info = (await call('/judge0/config_info')).body as Record<string, number>;
    expect(info.max_wall_time_limit).toBe(17);
    const request = doc.components.schemas.Judge0SubmissionRequest.properties as Record<string, unknown>;
    for (const field of ['cpu_time_limit', 'wall_time_limit', 'memory_limit', 'max_file_size', 'number_of_runs']) {
      expect(JSON.stringify(request[field]), field).toContain(`"maximum":${info[`max_${field}`]}`);
    }
  });
});
