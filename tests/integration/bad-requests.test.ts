// Hostile and malformed requests: each gets a clear JSON error with the right 4xx status, never a
// 500 or a stack trace, and the service keeps serving.
import { describe, expect, it } from 'vitest';
import { compile, SUM, useServer } from './helpers/server';

const server = useServer({ WEBCOMPILE_MAX_CODE_BYTES: '65536', WEBCOMPILE_MAX_STDIN_BYTES: '65536' });

async function post(body: BodyInit, contentType = 'application/json', method = 'POST') {
  const r = await fetch(`${server.url}/api/compile`, { method, body, headers: { 'content-type': contentType } });
  const text = await r.text();
  return { status: r.status, text, json: JSON.parse(text) as Record<string, unknown>, headers: r.headers };
}

const cases: [string, () => ReturnType<typeof post>, number][] = [
  ['invalid JSON', () => post('{"code": '), 400],
  ['a JSON array', () => post('[]'), 400],
  ['a JSON number', () => post('42'), 400],
  ['code of the wrong type', () => post('{"code": {"a": 1}}'), 400],
  ['missing code', () => post('{"stdin": "x"}'), 400],
  ['empty code', () => post('{"code": ""}'), 400],
  ['an unknown language', () => post('{"code": "x", "language": "brainfuck"}'), 400],
  ['a negative timeout', () => post('{"code": "x", "timeoutMs": -1}'), 400],
  ['an over-limit timeout', () => post('{"code": "x", "timeoutMs": 86400000}'), 400],
  ['a timeout of the wrong type', () => post('{"code": "x", "timeoutMs": "soon"}'), 400],
  ['code over 64 KiB', () => post(JSON.stringify({ code: 'x'.repeat(65537) })), 413],
  ['stdin over 64 KiB', () => post(JSON.stringify({ code: 'x', stdin: 'y'.repeat(65537) })), 413],
  // Past the body limit (about 7.4 MB with the default caps: code, stdin, args and tests, each escaped)
  ['a 10 MB body', () => post('x'.repeat(10_000_000)), 413],
  ['an unsupported content type', () => post('code', 'text/plain'), 415],
  ['XML', () => post('<code/>', 'application/xml'), 415],
];

describe('bad requests', () => {
  it.each(cases)('%s → JSON error with the right status', async (_name, send, expected) => {
    const r = await send();
    expect(r.status).toBe(expected);
    expect(typeof r.json.ErrorString).toBe('string');
    expect((r.json.ErrorString as string).length).toBeGreaterThan(0);
    expect(r.text).not.toMatch(/\bat .+\.(js|ts):\d+/); // no stack trace
  });

  it('lists the known languages for an unknown one', async () => {
    const r = await post('{"code": "x", "language": "cobol"}');
    expect(r.json.Languages).toEqual(['csharp']);
    expect(r.json.Reason).toBe('unknown_language');
    expect(r.json.ErrorString).toContain('csharp');
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('%s is 405 with Allow', async (method) => {
    const r = await fetch(`${server.url}/api/compile`, { method });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toContain('POST');
    expect((await r.json()).ErrorString).toBeTruthy();
  });

  it.each(['/api', '/api/nope', '/api/compile/extra', '/api/stats/x/y'])(
    'an unknown API path (%s) is a JSON 404',
    async (path) => {
      for (const method of ['GET', 'POST']) {
        const r = await fetch(`${server.url}${path}`, { method, body: method === 'POST' ? '{}' : undefined });
        expect(r.status).toBe(404);
        expect(r.headers.get('content-type')).toMatch(/^application\/json/);
        expect((await r.json()).ErrorString).toBe(`no API endpoint at ${path}`);
      }
    },
  );

  it.each(['/api/stats', '/api/health', '/api/languages', '/api/metrics'])(
    'POST, PUT, PATCH, DELETE on %s are a JSON 405 with Allow: GET',
    async (path) => {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const r = await fetch(`${server.url}${path}`, { method });
        expect(r.status).toBe(405);
        expect(r.headers.get('allow')).toBe('GET');
        expect(r.headers.get('content-type')).toMatch(/^application\/json/);
        expect((await r.json()).ErrorString).toBe('method not allowed; use GET');
      }
    },
  );

  it('keeps serving after all of that', async () => {
    const r = await compile(server, { code: SUM });
    expect(r.body.Output).toBe('Sum: 499500\n');
  });
});

describe('throttling', () => {
  const limited = useServer({ WEBCOMPILE_RATE_LIMIT_PER_MINUTE: '2', WEBCOMPILE_POOL_SIZE: '1' });

  it('answers 429 with Retry-After past the per-client limit, ignoring X-Forwarded-For by default', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      // A client cannot pick a fresh bucket by inventing an address.
      const r = await fetch(`${limited.url}/api/compile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.0.${i}` },
        body: JSON.stringify({ code: 'class P { static void Main() {} }' }),
      });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
      await r.text();
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});

describe('throttling behind a trusted proxy', () => {
  const proxied = useServer({
    WEBCOMPILE_RATE_LIMIT_PER_MINUTE: '1',
    WEBCOMPILE_TRUST_PROXY: 'true',
    WEBCOMPILE_POOL_SIZE: '1',
  });

  it('uses X-Forwarded-For as the client when told to trust it', async () => {
    const send = (ip: string) =>
      fetch(`${proxied.url}/api/compile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ code: 'class P { static void Main() {} }' }),
      }).then(async (r) => (await r.text(), r.status));
    expect(await send('203.0.113.1')).toBe(200);
    expect(await send('203.0.113.1')).toBe(429);
    expect(await send('203.0.113.2')).toBe(200);
  });
});
