// Judge0's callback_url delivered by lib/judge0/callback.ts: real HTTP servers on 127.0.0.1 (allowed
// explicitly, since loopback is refused), an injected sleep that records the backoff, and an injected
// resolver for host names (which shows that the checked address is the one connected to).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCallbackUrl, deliverCallback, type CallbackOptions } from '@/lib/judge0/callback';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  port: number;
  url: string;
  seen: Seen[];
  connections: () => number;
  /** Resolves once `n` requests have arrived (whole, body included). */
  requests: (n: number) => Promise<void>;
}

const servers: http.Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

/** A server on 127.0.0.1 that records each request and lets `answer` reply (or not) to the i-th one. */
async function serve(answer: (res: http.ServerResponse, i: number) => void): Promise<TestServer> {
  const seen: Seen[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const i = seen.length;
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      for (const w of waiting) if (seen.length >= w.n) w.resolve();
      answer(res, i);
    });
  });
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook?id=1`,
    seen,
    connections: () => connections,
    requests: (n) => new Promise((resolve) => (seen.length >= n ? resolve() : waiting.push({ n, resolve }))),
  };
}

const status =
  (...codes: number[]) =>
  (res: http.ServerResponse, i: number) =>
    res.writeHead(codes[Math.min(i, codes.length - 1)]).end('some text');

function options(overrides: Partial<CallbackOptions> = {}): CallbackOptions & { slept: number[] } {
  const slept: number[] = [];
  return {
    timeoutMs: 2000,
    maxTries: 3,
    backoffMs: 50,
    allowHosts: ['127.0.0.1'],
    sleep: async (ms) => {
      slept.push(ms);
    },
    ...overrides,
    slept,
  };
}

const body = {
  stdout: 'aGVsbG8K\n',
  time: '0.002',
  memory: 376,
  stderr: null,
  token: 'd85cd024-1548-4165-96c7-7bc88673f194',
  compile_output: null,
  message: 'é ✓',
  status: { id: 3, description: 'Accepted' },
};

describe('deliverCallback: delivery', () => {
  it('PUTs the body as JSON, once, and records it delivered', async () => {
    const server = await serve(status(204));
    const o = options();
    const before = Date.now();
    const record = await deliverCallback(server.url, body, o);
    expect(record).toEqual({ state: 'delivered', attempts: 1, status: 204, error: null, at: expect.any(Number) });
    expect(record.at).toBeGreaterThanOrEqual(before);
    expect(record.at).toBeLessThanOrEqual(Date.now());
    expect(server.seen).toHaveLength(1);
    const [req] = server.seen;
    expect(req.method).toBe('PUT');
    expect(req.url).toBe('/hook?id=1');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toBe(JSON.stringify(body));
    expect(JSON.parse(req.body)).toEqual(body);
    expect(o.slept).toEqual([]);
  });

  it('retries 5xx and 429 with a doubling backoff, and delivers on the first 2xx', async () => {
    const server = await serve(status(500, 503, 200));
    const o = options({ backoffMs: 40 });
    expect(await deliverCallback(server.url, body, o)).toMatchObject({ state: 'delivered', attempts: 3, status: 200 });
    expect(o.slept).toEqual([40, 80]);
    expect(server.seen.map((s) => s.body)).toEqual(Array(3).fill(JSON.stringify(body)));

    const limited = await serve(status(429, 201));
    const o2 = options({ backoffMs: 7 });
    expect(await deliverCallback(limited.url, body, o2)).toMatchObject({
      state: 'delivered',
      attempts: 2,
      status: 201,
    });
    expect(o2.slept).toEqual([7]);
  });

  it('gives up after maxTries 5xx answers, recording the last status', async () => {
    const server = await serve(status(500, 502, 500, 200));
    const o = options({ maxTries: 3, backoffMs: 10 });
    expect(await deliverCallback(server.url, body, o)).toEqual({
      state: 'failed',
      attempts: 3,
      status: 500,
      error: 'the callback URL answered HTTP 500',
      at: expect.any(Number),
    });
    expect(o.slept).toEqual([10, 20]);
    expect(server.seen).toHaveLength(3);
  });

  it('fails at once on a 4xx other than 429', async () => {
    const server = await serve(status(404, 200));
    const o = options();
    expect(await deliverCallback(server.url, body, o)).toEqual({
      state: 'failed',
      attempts: 1,
      status: 404,
      error: 'the callback URL answered HTTP 404',
      at: expect.any(Number),
    });
    expect(o.slept).toEqual([]);
    expect(server.seen).toHaveLength(1);
  });

  it('does not follow a redirect: a 3xx fails at once, and its target is never called', async () => {
    const target = await serve(status(200));
    const server = await serve((res) => res.writeHead(302, { Location: target.url }).end());
    const o = options();
    expect(await deliverCallback(server.url, body, o)).toEqual({
      state: 'failed',
      attempts: 1,
      status: 302,
      error: 'the callback URL answered HTTP 302 (redirects are not followed)',
      at: expect.any(Number),
    });
    expect(server.seen).toHaveLength(1);
    expect(target.connections()).toBe(0);
    expect(o.slept).toEqual([]);
  });

  it('times out a server that never answers, and retries it maxTries times', async () => {
    const server = await serve(() => {});
    const o = options({ timeoutMs: 200, maxTries: 3, backoffMs: 5 });
    const [record] = await Promise.all([deliverCallback(server.url, body, o), server.requests(3)]);
    expect(record).toEqual({
      state: 'failed',
      attempts: 3,
      status: null,
      error: 'timed out after 200 ms',
      at: expect.any(Number),
    });
    expect(o.slept).toEqual([5, 10]);
    expect(server.seen).toHaveLength(3);
  });

  it('counts a response by its status when its body never ends', async () => {
    const server = await serve((res) => {
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write('partial');
    });
    expect(await deliverCallback(server.url, body, options({ timeoutMs: 200 }))).toMatchObject({
      state: 'delivered',
      attempts: 1,
      status: 200,
    });
  });

  it('stops reading a huge response body at its cap (no waiting for the end, no buffering of it all)', async () => {
    const server = await serve((res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    // An attempt's limit longer than the test's: only the cap can end this one in time.
    expect(await deliverCallback(server.url, body, options({ timeoutMs: 60_000 }))).toMatchObject({
      state: 'delivered',
      status: 200,
    });
  });

  it('fails after maxTries attempts on a refused connection, naming the error', async () => {
    const closed = await serve(status(200));
    const url = closed.url;
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const o = options({ maxTries: 3, backoffMs: 1 });
    const record = await deliverCallback(url, body, o);
    expect(record).toMatchObject({ state: 'failed', attempts: 3, status: null });
    expect(record.error).toMatch(/ECONNREFUSED/);
    expect(o.slept).toEqual([1, 2]);
  });

  it('records a network error on the last attempt with no status, though an earlier one had one', async () => {
    const server = await serve((res, i) => (i === 0 ? res.writeHead(503).end() : res.socket?.destroy()));
    const record = await deliverCallback(server.url, body, options({ maxTries: 2 }));
    expect(record).toMatchObject({ state: 'failed', attempts: 2, status: null });
    expect(record.error).toMatch(/socket hang up|ECONNRESET/);
  });
});

describe('deliverCallback: refused addresses', () => {
  it('refuses 127.0.0.1 unless allowed: no attempt, and no connection reaches the server', async () => {
    const server = await serve(status(200));
    expect(await deliverCallback(server.url, body, options({ allowHosts: [] }))).toEqual({
      state: 'refused',
      attempts: 0,
      status: null,
      error: 'callback URL may not point to 127.0.0.1, a loopback address',
      at: expect.any(Number),
    });
    expect(server.connections()).toBe(0);
    for (const allowHosts of [['127.0.0.1'], ['127.0.0.0/8'], ['::ffff:127.0.0.1'], ['10.0.0.0/8', '127.0.0.1/32']]) {
      expect(await deliverCallback(server.url, body, options({ allowHosts }))).toMatchObject({ state: 'delivered' });
    }
    expect(server.seen).toHaveLength(4);
    for (const allowHosts of [['127.0.0.2'], ['10.0.0.0/8'], ['example.com'], ['127.0.0.0/40']]) {
      expect(await deliverCallback(server.url, body, options({ allowHosts }))).toMatchObject({ state: 'refused' });
    }
    expect(server.seen).toHaveLength(4);
  });

  it('refuses a mapped loopback, the metadata address, a private address and localhost', async () => {
    const server = await serve(status(200));
    const cases: [string, string][] = [
      [`http://[::ffff:127.0.0.1]:${server.port}/`, 'may not point to ::ffff:7f00:1, a loopback address'],
      ['http://169.254.169.254/latest/meta-data/', 'may not point to 169.254.169.254, a link-local address'],
      ['http://10.0.0.1/', 'may not point to 10.0.0.1, a private address'],
      [`http://localhost:${server.port}/`, 'may not point to localhost, a loopback address'],
    ];
    for (const [url, why] of cases) {
      const record = await deliverCallback(url, body, options({ allowHosts: [] }));
      expect(record).toMatchObject({ state: 'refused', attempts: 0, status: null });
      expect(record.error).toContain(why);
    }
    expect(server.connections()).toBe(0);
  });
});

describe('deliverCallback: host names', () => {
  /** A resolver that answers from `table` and records what it was asked. */
  function resolver(table: Record<string, string[] | Error>) {
    const asked: string[] = [];
    const lookup = async (host: string) => {
      asked.push(host);
      const answer = table[host];
      if (answer instanceof Error) throw answer;
      if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    return { asked, lookup };
  }

  it('connects to the address it checked and keeps the name in the Host header', async () => {
    const server = await serve(status(200));
    // There is no such name in any DNS: delivery shows the connection used the checked address.
    const { asked, lookup } = resolver({ 'callback.test': ['127.0.0.1'] });
    const url = `http://callback.test:${server.port}/done`;
    expect(await deliverCallback(url, body, options({ lookup }))).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(asked).toEqual(['callback.test']);
    expect(server.seen[0].headers.host).toBe(`callback.test:${server.port}`);
    expect(server.seen[0].url).toBe('/done');
  });

  it('takes a host name in allowHosts for all its addresses', async () => {
    const server = await serve(status(200));
    const { lookup } = resolver({ 'hooks.internal.': ['127.0.0.1'] }); // the name as the URL gives it
    const url = `http://Hooks.Internal.:${server.port}/`;
    expect(await deliverCallback(url, body, options({ allowHosts: ['hooks.internal'], lookup }))).toMatchObject({
      state: 'delivered',
    });
    expect(await deliverCallback(url, body, options({ allowHosts: ['other.internal'], lookup }))).toMatchObject({
      state: 'refused',
      error: 'hooks.internal. resolves to 127.0.0.1, a loopback address',
    });
  });

  it('refuses a name when any of its addresses is refused, without connecting', async () => {
    const { lookup } = resolver({
      'mixed.test': ['93.184.216.34', '10.0.0.1'],
      'mapped.test': ['::ffff:169.254.169.254'],
      'ula.test': ['fd00::1'],
    });
    for (const [host, error] of [
      ['mixed.test', 'mixed.test resolves to 10.0.0.1, a private address'],
      ['mapped.test', 'mapped.test resolves to ::ffff:169.254.169.254, a link-local address'],
      ['ula.test', 'ula.test resolves to fd00::1, a unique local (private) address'],
    ]) {
      const record = await deliverCallback(`https://${host}/`, body, options({ lookup }));
      expect(record).toMatchObject({ state: 'refused', attempts: 0, status: null });
      expect(record.error).toContain(error);
    }
  });

  it('checks the addresses again on each attempt (a later answer cannot point inside)', async () => {
    const server = await serve(status(500, 200));
    let calls = 0;
    const lookup = async () => [{ address: calls++ === 0 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
    const record = await deliverCallback(`http://rebind.test:${server.port}/`, body, options({ lookup }));
    expect(record).toMatchObject({ state: 'refused', attempts: 1, status: 500 });
    expect(record.error).toBe('rebind.test resolves to 10.0.0.1, a private address');
    expect(server.seen).toHaveLength(1);
  });

  it('retries a failed lookup as a network error', async () => {
    const { asked, lookup } = resolver({});
    const o = options({ lookup, maxTries: 2 });
    const record = await deliverCallback('http://nowhere.test/', body, o);
    expect(record).toMatchObject({ state: 'failed', attempts: 2, status: null });
    expect(record.error).toMatch(/ENOTFOUND nowhere\.test/);
    expect(asked).toEqual(['nowhere.test', 'nowhere.test']);
  });

  it('times out a lookup that never answers', async () => {
    const record = await deliverCallback(
      'http://slow.test/',
      body,
      options({ lookup: () => new Promise(() => {}), timeoutMs: 100, maxTries: 1 }),
    );
    expect(record).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: 'timed out after 100 ms looking up slow.test',
    });
  });
});

describe('deliverCallback: never throws', () => {
  it('records a body that is not JSON, a bad URL and a sleep that throws', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(await deliverCallback('https://example.com/', circular, options())).toMatchObject({
      state: 'failed',
      attempts: 0,
      error: expect.stringMatching(/circular/i),
    });
    expect(await deliverCallback('https://example.com/', undefined, options())).toMatchObject({
      state: 'failed',
      attempts: 0,
      error: 'the body is not JSON',
    });
    expect(await deliverCallback('::nonsense', body, options())).toMatchObject({
      state: 'refused',
      attempts: 0,
      error: 'callback URL is not a valid URL',
    });
    const server = await serve(status(500));
    const sleep = async () => {
      throw new Error('no sleep today');
    };
    expect(await deliverCallback(server.url, body, options({ sleep }))).toMatchObject({
      state: 'failed',
      attempts: 1,
      error: 'no sleep today',
    });
  });
});

describe('checkCallbackUrl', () => {
  it.each([
    ['http://127.0.0.1:8080/', 'may not point to 127.0.0.1, a loopback address'],
    ['http://[::1]/', 'may not point to ::1, a loopback address'],
    ['http://[::ffff:127.0.0.1]/', 'may not point to ::ffff:7f00:1, a loopback address'],
    ['http://[::ffff:a9fe:a9fe]/', 'may not point to ::ffff:a9fe:a9fe, a link-local address'],
    ['http://169.254.169.254/latest/meta-data/', 'may not point to 169.254.169.254, a link-local address'],
    ['http://10.0.0.1/', 'may not point to 10.0.0.1, a private address'],
    ['http://172.16.5.4/', 'may not point to 172.16.5.4, a private address'],
    ['http://172.31.255.255/', 'may not point to 172.31.255.255, a private address'],
    ['http://192.168.1.1/', 'may not point to 192.168.1.1, a private address'],
    ['http://100.64.0.1/', 'may not point to 100.64.0.1, a carrier-grade NAT address'],
    ['http://198.19.255.1/', 'may not point to 198.19.255.1, a benchmarking address'],
    ['http://0.0.0.0/', 'may not point to 0.0.0.0, an unspecified ("this network") address'],
    ['http://[::]/', 'may not point to ::, an unspecified address'],
    ['http://224.0.0.251/', 'may not point to 224.0.0.251, a multicast address'],
    ['http://255.255.255.255/', 'may not point to 255.255.255.255, a reserved or broadcast address'],
    ['http://[fe80::1]/', 'may not point to fe80::1, a link-local address'],
    ['http://[fc00::1]/', 'may not point to fc00::1, a unique local (private) address'],
    ['http://[fd12:3456::1]/', 'may not point to fd12:3456::1, a unique local (private) address'],
    ['http://[ff02::1]/', 'may not point to ff02::1, a multicast address'],
    ['http://[64:ff9b::a00:1]/', 'may not point to 64:ff9b::a00:1, a private address behind NAT64'],
    ['http://[2002:a9fe:a9fe::]/', 'may not point to 2002:a9fe:a9fe::, a link-local address (cloud'],
    // Every spelling of an IPv4 address, made dotted by the URL parser.
    ['http://2130706433/', 'may not point to 127.0.0.1, a loopback address'],
    ['http://0x7f.1/', 'may not point to 127.0.0.1, a loopback address'],
    ['http://127.1/', 'may not point to 127.0.0.1, a loopback address'],
    ['http://0177.0.0.1/', 'may not point to 127.0.0.1, a loopback address'],
    ['http://localhost/', 'may not point to localhost, a loopback address'],
    ['http://LocalHost.:3000/', 'may not point to localhost, a loopback address'],
    ['http://api.localhost/', 'may not point to api.localhost, a loopback address'],
  ])('refuses %s', (url, why) => {
    expect(checkCallbackUrl(url, [])).toContain(why);
  });

  it.each([
    'https://example.com/hook',
    'http://example.com:8080/a/b?c=d#e',
    'http://93.184.216.34/',
    'http://172.32.0.1/',
    'http://172.15.255.255/',
    'http://100.128.0.1/',
    'http://198.20.0.1/',
    'http://[2606:4700:4700::1111]/',
    'http://[64:ff9b::808:808]/',
    'http://[2002:808:808::]/',
    'http://localhost.example.com/',
  ])('takes %s', (url) => {
    expect(checkCallbackUrl(url, [])).toBeNull();
  });

  it.each([
    ['not a url', 'is not a valid URL'],
    ['', 'is not a valid URL'],
    ['http://', 'is not a valid URL'],
    ['ftp://example.com/', 'must be an http or https URL'],
    ['file:///etc/passwd', 'must be an http or https URL'],
    ['javascript:alert(1)', 'must be an http or https URL'],
    ['gopher://example.com/', 'must be an http or https URL'],
    ['http://user:secret@example.com/', 'must not hold a user name or password'],
    ['https://user@example.com/', 'must not hold a user name or password'],
    ['https://:secret@example.com/', 'must not hold a user name or password'],
  ])('refuses %j', (url, why) => {
    expect(checkCallbackUrl(url, [])).toBe(why);
  });

  it('takes what allowHosts allows: a name, an address, a CIDR range (IPv4, IPv6, IPv4-mapped)', () => {
    expect(checkCallbackUrl('http://10.1.2.3/', ['10.0.0.0/8'])).toBeNull();
    expect(checkCallbackUrl('http://10.1.2.3/', ['10.1.2.3'])).toBeNull();
    expect(checkCallbackUrl('http://10.1.2.3/', ['::ffff:10.0.0.0/104'])).toBeNull();
    expect(checkCallbackUrl('http://[::ffff:10.1.2.3]/', ['10.1.2.3'])).toBeNull();
    expect(checkCallbackUrl('http://[fd00::5]/', ['fd00::/8'])).toBeNull();
    expect(checkCallbackUrl('http://[::1]/', ['::1'])).toBeNull();
    expect(checkCallbackUrl('http://localhost/', ['LOCALHOST'])).toBeNull();
    expect(checkCallbackUrl('http://10.1.2.3/', ['10.1.2.4'])).not.toBeNull();
    expect(checkCallbackUrl('http://10.1.2.3/', ['10.1.2.0/31'])).not.toBeNull();
    expect(checkCallbackUrl('http://10.1.2.3/', ['example.com', 'bad/cidr', '10.0.0.0/x'])).not.toBeNull();
    expect(checkCallbackUrl('http://[fe80::1]/', ['fd00::/8'])).not.toBeNull();
  });
});
