// Judge0 submissions that outlive a process: a server killed with -9 with submissions queued and
// running finishes every one after a restart on the same database; finished ones are deleted after
// the retention time; and the guards: X-Auth-Token (ours too), X-Auth-User, the queue's size.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { finished, j0, unb64 } from './helpers/judge0';
import { Session } from './helpers/live';
import { eventually, startServer, useServer, type TestServer } from './helpers/server';

const PY = 71;
const PYTHON_ONLY = { WEBCOMPILE_LANGUAGES: 'python', WEBCOMPILE_POOL_SIZE: '1', WEBCOMPILE_JUDGE0_WORKERS: '1' };
const sleeper = (tag: string, s = 1) => ({
  source_code: `import time; time.sleep(${s}); print("${tag}")`,
  language_id: PY,
});

describe('Judge0 submissions across a crash', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-judge0-crash-'));
  const db = path.join(dir, 'judge0.sqlite');
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finishes every submission queued or running when the server was killed with -9', async () => {
    const first = await startServer({ ...PYTHON_ONLY, WEBCOMPILE_JUDGE0_DB: db });
    servers.push(first);
    const tokens: string[] = [];
    for (const tag of ['a', 'b', 'c', 'd']) {
      const a = await j0(first, 'POST', '/submissions?wait=false', sleeper(tag, 2));
      expect(a.status).toBe(201);
      tokens.push(a.body.token);
    }
    await eventually(
      async () => (await j0(first, 'GET', `/submissions/${tokens[0]}`)).body.status.id === 2,
      15_000,
      'a to run',
    );
    first.proc.kill('SIGKILL');
    await first.exited;

    const second = await startServer({ ...PYTHON_ONLY, WEBCOMPILE_JUDGE0_DB: db });
    servers.push(second);
    for (const [i, token] of tokens.entries()) {
      const done = await finished(second, token, 'fields=stdout,status', 60_000);
      expect(done).toEqual({ stdout: `${'abcd'[i]}\n`, status: { id: 3, description: 'Accepted' } });
    }
  });
});

describe('Judge0 without its database', () => {
  // A folder under a regular file cannot be made: the database cannot open.
  const server = useServer({ ...PYTHON_ONLY, WEBCOMPILE_JUDGE0_DB: '/etc/hostname/judge0.sqlite' });

  it('answers its submissions 503 with the reason, while every other run keeps being served', async () => {
    const refused = await j0(server, 'POST', '/submissions?wait=true', { source_code: 'print(1)', language_id: PY });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatch(/^the submissions database \/etc\/hostname\/judge0.sqlite cannot be opened/);
    expect((await j0(server, 'GET', '/languages')).status).toBe(200);
    const ours = await fetch(`${server.url}/api/compile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'python', code: 'print("still here")' }),
    });
    expect((await ours.json()).Output).toBe('still here\n');
  });
});

describe('Judge0 retention and rate limit', () => {
  // Two runs a minute: the retention test takes one, the rate test after it asks for two.
  const server = useServer({
    ...PYTHON_ONLY,
    WEBCOMPILE_JUDGE0_RETENTION_S: '1',
    WEBCOMPILE_JUDGE0_RETENTION_INTERVAL_S: '1',
    WEBCOMPILE_RATE_LIMIT_PER_MINUTE: '2',
  });

  it('deletes a finished submission once it is older than the retention time', async () => {
    const a = await j0(server, 'POST', '/submissions?wait=true', { source_code: 'print(1)', language_id: PY });
    expect(a.body.status.id).toBe(3);
    expect((await j0(server, 'GET', `/submissions/${a.body.token}`)).status).toBe(200);
    await eventually(
      async () => (await j0(server, 'GET', `/submissions/${a.body.token}`)).status === 404,
      10_000,
      'the deletion',
    );
  });

  it('counts each of number_of_runs against the rate limit, all or none (429 with Retry-After)', async () => {
    const a = await j0(server, 'POST', '/submissions?wait=false', {
      source_code: 'print(1)',
      language_id: PY,
      number_of_runs: 2,
    });
    expect(a.status).toBe(429);
    expect(a.body.error).toBe('too many runs from 127.0.0.1; limit is 2 a minute');
    expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('Judge0 guards: tokens and the queue', () => {
  const server = useServer({
    ...PYTHON_ONLY,
    WEBCOMPILE_AUTH_TOKEN: 'secret other',
    WEBCOMPILE_JUDGE0_AUTHZ_TOKEN: 'admin',
    WEBCOMPILE_JUDGE0_ENABLE_DELETE: 'true',
    WEBCOMPILE_JUDGE0_MAX_QUEUE: '2',
  });
  const auth = { 'X-Auth-Token': 'secret' };

  it('answers 401 with an empty body without X-Auth-Token, and serves with it (header or parameter)', async () => {
    const refused = await j0(server, 'POST', '/submissions?wait=true', { source_code: 'print(1)', language_id: PY });
    expect(refused.status).toBe(401);
    expect(refused.text).toBe('');
    expect((await j0(server, 'GET', '/languages', undefined, { 'X-Auth-Token': 'wrong' })).status).toBe(401);
    expect((await j0(server, 'GET', '/')).status).toBe(200);
    expect((await j0(server, 'GET', '/languages', undefined, auth)).status).toBe(200);
    expect((await j0(server, 'GET', '/languages?X-Auth-Token=other')).status).toBe(200);
  });

  it("guards our own and Piston's run endpoints with the same token", async () => {
    const body = JSON.stringify({ language: 'python', code: 'print(1)' });
    const ours = await fetch(`${server.url}/api/compile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(ours.status).toBe(401);
    expect((await ours.json()).ErrorString).toMatch(/X-Auth-Token/);
    const withToken = await fetch(`${server.url}/api/compile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body,
    });
    expect(withToken.status).toBe(200);
    const piston = await fetch(`${server.url}/api/v2/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'python', version: '*', files: [{ content: 'print(1)' }] }),
    });
    expect(piston.status).toBe(401);
  });

  it('guards the WebSockets too: without the token a run is refused with an error message', async () => {
    const refused = new Session(server, '/api/v2/connect');
    await refused.init('python', 'print(1)');
    await refused.until((s) => s.messages.some((m) => m.type === 'error'), 'the refusal');
    expect(refused.messages.find((m) => m.type === 'error')?.message).toMatch(/X-Auth-Token/);
    const allowed = new Session(server, '/api/v2/connect', { headers: auth });
    await allowed.init('python', 'print("through")');
    await allowed.until((s) => s.stdout() === 'through\n', 'the run');
  });

  it('lists and deletes with X-Auth-User, refuses a full queue with 503 and a queued deletion with 400', async () => {
    const done = await j0(
      server,
      'POST',
      '/submissions?wait=true',
      { source_code: 'print("kept")', language_id: PY },
      auth,
    );
    expect((await j0(server, 'GET', '/submissions', undefined, { ...auth, 'X-Auth-User': 'nobody' })).status).toBe(403);
    const listed = await j0(server, 'GET', '/submissions?per_page=1&fields=token', undefined, {
      ...auth,
      'X-Auth-User': 'admin',
    });
    expect(listed.body).toEqual({
      submissions: [{ token: done.body.token }],
      meta: { current_page: 1, next_page: null, prev_page: null, total_pages: 1, total_count: 1 },
    });
    expect(
      (await j0(server, 'GET', '/submissions?page=0', undefined, { ...auth, 'X-Auth-User': 'admin' })).body,
    ).toEqual({
      error: 'invalid page: 0',
    });

    // One worker and room for two: a running one, a queued one, then no room.
    const running = await j0(server, 'POST', '/submissions?wait=false', sleeper('r', 3), auth);
    await eventually(
      async () => (await j0(server, 'GET', `/submissions/${running.body.token}`, undefined, auth)).body.status.id === 2,
      15_000,
      'a run',
    );
    const queued = await j0(server, 'POST', '/submissions?wait=false', sleeper('q'), auth);
    const full = await j0(server, 'POST', '/submissions?wait=false', sleeper('x'), auth);
    expect(full).toMatchObject({ status: 503, body: { error: 'queue is full' } });
    const early = await j0(server, 'DELETE', `/submissions/${queued.body.token}`, undefined, {
      ...auth,
      'X-Auth-User': 'admin',
    });
    expect(early).toMatchObject({
      status: 400,
      body: { error: 'submission cannot be deleted because its status is 1 (In Queue)' },
    });

    const deleted = await j0(server, 'DELETE', `/submissions/${done.body.token}?fields=stdout,token`, undefined, {
      ...auth,
      'X-Auth-User': 'admin',
    });
    expect(deleted.status).toBe(200);
    expect(unb64(deleted.body.stdout)).toBe('kept\n');
    expect((await j0(server, 'GET', `/submissions/${done.body.token}`, undefined, auth)).status).toBe(404);
    expect(await finished(server, queued.body.token, 'fields=stdout,status', 30_000, auth)).toMatchObject({
      stdout: 'q\n',
    });
  });
});
