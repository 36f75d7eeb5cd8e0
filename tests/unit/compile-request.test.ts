import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/http/api-error';
import { parseCompileRequest } from '@/lib/http/compile-request';
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
    const r = await parseCompileRequest(json('code=class+A%7B%7D&stdin=hi', 'application/x-www-form-urlencoded'), limits);
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
        extra: { Languages: ['python'] },
      });
    }
  });

  it('lists the known languages for an unknown one', async () => {
    await expect(parseCompileRequest(json('{"code":"x","language":"cobol"}'), limits)).rejects.toMatchObject({
      extra: { Languages: Object.keys(LANGUAGES) },
    });
  });
});
