import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '@/lib/http/api-error';
import { compileBodySchema, parseCompileRequest } from '@/lib/http/compile-request';
import { loadConfig } from '@/lib/config/config';
import { LANGUAGES } from '@/lib/core/languages';

const limits = { ...loadConfig({}), maxCodeBytes: 100, maxStdinBytes: 50 };

function json(body: string, type = 'application/json') {
  return new Request('http://x/api/compile', { method: 'POST', body, headers: { 'content-type': type } });
}

async function status(req: Request): Promise<number> {
  try {
    await parseCompileRequest(req, limits);
    return 200;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return (e as ApiError).status;
  }
}

describe('parseCompileRequest', () => {
  it('reads a JSON body with defaults', async () => {
    expect(await parseCompileRequest(json('{"code":"class A{}"}'), limits)).toEqual({
      code: 'class A{}',
      language: 'csharp',
      stdin: '',
      timeoutMs: 5000,
    });
  });

  it('reads the seed form post', async () => {
    const r = await parseCompileRequest(
      json('code=class+A%7B%7D&stdin=hi', 'application/x-www-form-urlencoded'),
      limits,
    );
    expect(r).toMatchObject({ code: 'class A{}', stdin: 'hi' });
  });

  it('reads multipart forms', async () => {
    const form = new FormData();
    form.set('code', 'class B{}');
    const r = await parseCompileRequest(new Request('http://x', { method: 'POST', body: form }), limits);
    expect(r.code).toBe('class B{}');
  });

  it.each([
    ['invalid JSON', json('{nope'), 400],
    ['a JSON array', json('[1,2]'), 400],
    ['JSON null', json('null'), 400],
    ['a JSON string', json('"code"'), 400],
    ['missing code', json('{}'), 400],
    ['empty code', json('{"code":"   "}'), 400],
    ['code of the wrong type', json('{"code":42}'), 400],
    ['stdin of the wrong type', json('{"code":"x","stdin":[]}'), 400],
    ['an unknown language', json('{"code":"x","language":"cobol"}'), 400],
    ['a negative timeout', json('{"code":"x","timeoutMs":-5}'), 400],
    ['a fractional timeout', json('{"code":"x","timeoutMs":1.5}'), 400],
    ['an over-limit timeout', json('{"code":"x","timeoutMs":999999}'), 400],
    ['too much code', json(JSON.stringify({ code: 'x'.repeat(101) })), 413],
    ['too much stdin', json(JSON.stringify({ code: 'x', stdin: 'y'.repeat(51) })), 413],
    ['a huge body', json('x'.repeat(10_000_000)), 413],
    ['an unsupported content type', json('code', 'text/plain'), 415],
  ])('answers %s with %i', async (_name, req, expected) => {
    expect(await status(req)).toBe(expected);
  });

  it('accepts code and stdin at their limits however much the encoding inflates them (JSON \\u00XX, form %XX)', async () => {
    // JSON always writes control characters as 6-byte \u escapes, a url-encoded form writes "{" as %7B:
    // a body limit of twice the field limits answered these valid requests with 413.
    const c = loadConfig({});
    const code = `x${'\u0001'.repeat(c.maxCodeBytes - 1)}`;
    const stdin = '\u0000'.repeat(c.maxStdinBytes);
    expect(await parseCompileRequest(json(JSON.stringify({ code, stdin })), c)).toMatchObject({ code, stdin });
    const braces = { code: '{'.repeat(c.maxCodeBytes), stdin: '}'.repeat(c.maxStdinBytes) };
    const form = json(new URLSearchParams(braces).toString(), 'application/x-www-form-urlencoded');
    expect(await parseCompileRequest(form, c)).toMatchObject(braces);
  });

  it('takes no inherited property for a language ("constructor", "__proto__" in WEBCOMPILE_LANGUAGES)', async () => {
    const c = { ...limits, languages: ['python', 'constructor', '__proto__', 'toString'] };
    for (const language of ['constructor', '__proto__', 'toString']) {
      await expect(parseCompileRequest(json(JSON.stringify({ code: 'x', language })), c)).rejects.toMatchObject({
        status: 400,
        extra: { Reason: 'unknown_language', Languages: ['python'] },
      });
    }
  });

  it('lists the known languages for an unknown one', async () => {
    await expect(parseCompileRequest(json('{"code":"x","language":"cobol"}'), limits)).rejects.toMatchObject({
      extra: { Reason: 'unknown_language', Languages: Object.keys(LANGUAGES) },
    });
  });
});

/** The status and ErrorString a request is refused with (the integration tests and clients read them). */
async function refusal(req: Request, l = limits): Promise<[number, string]> {
  const e = await parseCompileRequest(req, l).then(
    () => new Error('accepted'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return [(e as ApiError).status, (e as ApiError).message];
}

const form = (body: string) => json(body, 'application/x-www-form-urlencoded');
const known = Object.keys(LANGUAGES).join(', ');
const WHOLE = 'field "timeoutMs" must be a whole number of milliseconds';
const RANGE = 'field "timeoutMs" must be between 1 and 20000';

describe('parseCompileRequest error texts', () => {
  it.each([
    ['invalid JSON', json('{nope'), 400, 'request body is not valid JSON'],
    ['a JSON array', json('[1,2]'), 400, 'request body must be a JSON object like {"code": "..."}'],
    ['JSON null', json('null'), 400, 'request body must be a JSON object like {"code": "..."}'],
    ['missing code', json('{"stdin":"x"}'), 400, 'missing field "code"'],
    ['code null', json('{"code":null}'), 400, 'field "code" must be a string'],
    ['code of the wrong type', json('{"code":{"a":1}}'), 400, 'field "code" must be a string'],
    ['empty code', json('{"code":""}'), 400, 'field "code" is empty'],
    ['blank code over the limit', json(JSON.stringify({ code: ' '.repeat(101) })), 400, 'field "code" is empty'],
    ['too much code', json(JSON.stringify({ code: 'x'.repeat(101) })), 413, 'code is larger than 100 bytes'],
    [
      'too much code in bytes',
      json(JSON.stringify({ code: '\u00e9'.repeat(51) })),
      413,
      'code is larger than 100 bytes',
    ],
    ['a language of the wrong type', json('{"code":"x","language":5}'), 400, 'field "language" must be a string'],
    ['language null', json('{"code":"x","language":null}'), 400, 'field "language" must be a string'],
    ['an unknown language', json('{"code":"x","language":"cobol"}'), 400, `unknown language "cobol"; known: ${known}`],
    ['stdin of the wrong type', json('{"code":"x","stdin":[]}'), 400, 'field "stdin" must be a string'],
    [
      'too much stdin',
      json(JSON.stringify({ code: 'x', stdin: 'y'.repeat(51) })),
      413,
      'stdin is larger than 50 bytes',
    ],
    ['an empty form code', form('code='), 400, 'field "code" is empty'],
    [
      'an unsupported content type',
      json('code', 'text/plain'),
      415,
      'unsupported content type "text/plain"; send application/json, application/x-www-form-urlencoded or multipart/form-data',
    ],
  ])('answers %s with %i and its text', async (_name, req, status, text) => {
    expect(await refusal(req)).toEqual([status, text]);
  });

  // Whole numbers out of 1..20000 are out of range (1e300 too, though not a safe integer); the rest is not whole.
  const timeouts: [text: string, json: string[], form: string[]][] = [
    [RANGE, ['-5', '0', '-0', '20001', '1e300', '"20001"', '" "'], ['-5', '0', '20001', ' ', '0x4E21']],
    [WHOLE, ['1.5', '-1.5', '"soon"', '"1e400"', 'true', 'null', '[5]', '{}'], ['1.5', 'soon', '1e400', '5 000']],
  ];

  it.each(timeouts)('answers a bad timeoutMs (JSON or form) with 400 %s', async (text, jsonValues, formValues) => {
    for (const t of jsonValues) expect(await refusal(json(`{"code":"x","timeoutMs":${t}}`)), t).toEqual([400, text]);
    for (const t of formValues) {
      expect(await refusal(form(`code=x&timeoutMs=${encodeURIComponent(t)}`)), t).toEqual([400, text]);
    }
  });

  it('answers the first field that fails, in the order code, language, stdin, timeoutMs', async () => {
    const all = { code: 'x'.repeat(101), language: 'cobol', stdin: 5, timeoutMs: 'soon' };
    expect(await refusal(json(JSON.stringify(all)))).toEqual([413, 'code is larger than 100 bytes']);
    expect(await refusal(json(JSON.stringify({ ...all, code: 'x' })))).toEqual([
      400,
      `unknown language "cobol"; known: ${known}`,
    ]);
    expect(await refusal(json(JSON.stringify({ ...all, code: 'x', language: 'go' })))).toEqual([
      400,
      'field "stdin" must be a string',
    ]);
    expect(await refusal(json(JSON.stringify({ ...all, code: 'x', language: 'go', stdin: '' })))).toEqual([400, WHOLE]);
  });

  it('refuses the default language when the config leaves it out', async () => {
    const c = { ...limits, languages: ['python'] };
    await expect(parseCompileRequest(json('{"code":"x"}'), c)).rejects.toMatchObject({
      status: 400,
      message: 'unknown language "csharp"; known: python',
      extra: { Reason: 'unknown_language', Languages: ['python'] },
    });
  });

  it('says how large a body may be', async () => {
    const limit =
      6 * (100 + 50 + limits.maxArgsBytes + limits.maxTestsBytes) +
      64 * 1024 +
      limits.maxFiles * 2048 +
      limits.maxArgs * 8 +
      limits.maxTests * (256 + limits.maxArgs * 8);
    expect(await refusal(json('x'.repeat(limit + 1)))).toEqual([413, `request body too large (limit ${limit} bytes)`]);
    const declared = new Request('http://x', {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'application/json', 'content-length': String(limit + 1) },
    });
    expect(await refusal(declared)).toEqual([413, `request body too large (${limit + 1} bytes; limit ${limit})`]);
  });

  it('reads timeoutMs from a form string, and an empty one as the default', async () => {
    expect((await parseCompileRequest(form('code=x&timeoutMs=1500'), limits)).timeoutMs).toBe(1500);
    expect((await parseCompileRequest(form('code=x&timeoutMs='), limits)).timeoutMs).toBe(5000);
    expect((await parseCompileRequest(json('{"code":"x","timeoutMs":"20000"}'), limits)).timeoutMs).toBe(20000);
  });
});

describe('compileBodySchema', () => {
  const schema = compileBodySchema(limits);

  it('parses a body to a request, with the defaults of the limits', () => {
    expect(schema.parse({ code: 'x' })).toEqual({ code: 'x', language: 'csharp', stdin: '', timeoutMs: 5000 });
    expect(schema.parse({ code: 'x', language: 'go', stdin: 'in', timeoutMs: '7', extra: 1 })).toEqual({
      code: 'x',
      language: 'go',
      stdin: 'in',
      timeoutMs: 7,
    });
  });

  it('carries the status and extra fields of a refusal in its issue', () => {
    const big = schema.safeParse({ code: 'x'.repeat(101) });
    expect(big.error?.issues[0]).toMatchObject({
      code: 'custom',
      message: 'code is larger than 100 bytes',
      params: { status: 413 },
    });
    const unknown = schema.safeParse({ code: 'x', language: 'cobol' });
    expect(unknown.error?.issues[0]).toMatchObject({
      params: { extra: { Reason: 'unknown_language', Languages: Object.keys(LANGUAGES) } },
    });
  });

  it('follows the limits it is built from', () => {
    const small = compileBodySchema({ ...limits, maxCodeBytes: 3, timeoutMs: 10, maxTimeoutMs: 20, languages: ['go'] });
    expect(small.parse({ code: 'abc', language: 'go' })).toMatchObject({ timeoutMs: 10 });
    expect(small.safeParse({ code: 'abcd', language: 'go' }).error?.issues[0].message).toBe(
      'code is larger than 3 bytes',
    );
    expect(small.safeParse({ code: 'a', language: 'go', timeoutMs: 21 }).error?.issues[0].message).toBe(
      'field "timeoutMs" must be between 1 and 20',
    );
  });

  it('describes the body as JSON Schema (for an OpenAPI document)', () => {
    const input = z.toJSONSchema(schema, { io: 'input' });
    expect(input).toMatchObject({
      type: 'object',
      properties: {
        code: { type: 'string' },
        files: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'content'],
            properties: { encoding: { enum: ['utf8', 'base64'] } },
          },
        },
        args: { type: 'array', items: { type: 'string' } },
        language: { type: 'string', default: 'csharp' },
        stdin: { type: 'string', default: '' },
        timeoutMs: { type: ['number', 'string'] },
      },
    });
    const output = z.toJSONSchema(schema, { io: 'output' });
    expect(output.properties?.timeoutMs).toMatchObject({ type: 'number', minimum: 1, maximum: 20000, default: 5000 });
  });
});
