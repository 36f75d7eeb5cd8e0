// Judge0 CE 1.13's API under /judge0 against a real server and real sandboxes: Judge0's documented
// requests and answers (field names, types, status ids, base64), synchronous and queued runs,
// batches, the checks and their 422 messages, hostile zips and callback hosts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_FIELDS } from '@/lib/judge0/fields';
import { zipOf } from '../unit/helpers/zip-writer';
import { b64, finished, j0, unb64 } from './helpers/judge0';
import { eventually, useServer } from './helpers/server';

/** Judge0's eight default fields, in the order its answers list them. */
const DEFAULT_KEYS = ['stdout', 'time', 'memory', 'stderr', 'token', 'compile_output', 'message', 'status'];
const PY = 71;
const C = 50;

/** Callbacks land here (the server allows 127.0.0.1 as a callback host). */
const received: { method: string; type: string; body: unknown }[] = [];
let failFirst = 0;
const hook = http.createServer((req, res) => {
  let data = '';
  req.on('data', (c) => (data += c));
  req.on('end', () => {
    if (failFirst > 0) {
      failFirst--;
      res.writeHead(500).end();
      return;
    }
    received.push({ method: req.method ?? '', type: req.headers['content-type'] ?? '', body: JSON.parse(data) });
    res.writeHead(200).end();
  });
});
let hookUrl = '';
beforeAll(async () => {
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
});
afterAll(() => new Promise<void>((r) => hook.close(() => r())));

const server = useServer({
  WEBCOMPILE_LANGUAGES: 'python,c',
  WEBCOMPILE_POOL_SIZE: '2',
  WEBCOMPILE_POOL_SIZE_C: '2',
  WEBCOMPILE_JUDGE0_WORKERS: '1',
  WEBCOMPILE_CALLBACK_ALLOW_HOSTS: '127.0.0.1',
  WEBCOMPILE_CALLBACK_BACKOFF_MS: '10',
});

const run = (body: Record<string, unknown>, query = 'base64_encoded=false&wait=true') =>
  j0(server, 'POST', `/submissions?${query}`, body);

describe('Judge0 API: information', () => {
  it('lists our languages under Judge0 ids, by name, each with details at /languages/{id}', async () => {
    const list = await j0(server, 'GET', '/languages');
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(list.body.map((l: { id: number }) => l.id)).toEqual([C, PY]);
    expect(list.body[1].name).toMatch(/^Python \(3\.\d+\.\d+\)$/);
    expect(list.body[0].name).toMatch(/^C \(GCC \d+\.\d+\.\d+\)$/);
    const one = await j0(server, 'GET', `/languages/${PY}`);
    expect(Object.keys(one.body)).toEqual(['id', 'name', 'is_archived', 'source_file', 'compile_cmd', 'run_cmd']);
    expect(one.body).toMatchObject({ id: PY, is_archived: false, source_file: 'main.py', compile_cmd: null });
    expect((await j0(server, 'GET', `/languages/${C}`)).body.compile_cmd).toMatch(/gcc/);
    expect((await j0(server, 'GET', '/languages/62', undefined, { Accept: 'application/json' })).status).toBe(404);
  });

  it('answers the 14 statuses, the 39 config keys, and version 1.13.1', async () => {
    const statuses = (await j0(server, 'GET', '/statuses')).body;
    expect(statuses).toHaveLength(14);
    expect(statuses[0]).toEqual({ id: 1, description: 'In Queue' });
    expect(statuses[10]).toEqual({ id: 11, description: 'Runtime Error (NZEC)' });
    const config = (await j0(server, 'GET', '/config_info')).body;
    expect(Object.keys(config)).toHaveLength(39);
    expect(config).toMatchObject({ max_submission_batch_size: 20, enable_wait_result: true, enable_network: false });
    expect((await j0(server, 'GET', '/about')).body.version).toBe('1.13.1');
    expect((await j0(server, 'GET', '/version')).text).toBe('1.13.1');
    expect((await j0(server, 'GET', '/workers')).body[0]).toMatchObject({ queue: '1.13.1', available: 1 });
  });

  it('answers an unknown path 404 and keeps listing and deleting behind X-Auth-User (403, empty)', async () => {
    expect((await j0(server, 'GET', '/nothing')).status).toBe(404);
    const listed = await j0(server, 'GET', '/submissions');
    expect(listed.status).toBe(403);
    expect(listed.text).toBe('');
    expect((await j0(server, 'DELETE', '/submissions/x')).status).toBe(403);
  });
});

describe('Judge0 API: synchronous runs (wait=true)', () => {
  it("answers 201 with Judge0's eight default fields, times as strings in seconds, memory in KB", async () => {
    const a = await run({ source_code: 'print("hello, Judge0")', language_id: PY });
    expect(a.status).toBe(201);
    expect(Object.keys(a.body)).toEqual(DEFAULT_KEYS);
    expect(a.body).toMatchObject({
      stdout: 'hello, Judge0\n',
      stderr: null,
      compile_output: null,
      message: null,
      status: { id: 3, description: 'Accepted' },
    });
    expect(a.body.time).toMatch(/^\d+\.\d+$/);
    expect(Number.isInteger(a.body.memory)).toBe(true);
    expect(a.body.token).toMatch(/^[0-9a-f-]{36}$/);
    // The token answers the same, stored.
    const again = await j0(server, 'GET', `/submissions/${a.body.token}`);
    expect(again.body).toEqual(a.body);
  });

  it('encodes and decodes base64 as Judge0 does (60-column lines, a final newline), non-ASCII text included', async () => {
    const source = 'import sys\nprint("héllo ✓")\nsys.stdout.flush()\nsys.stderr.write("ü\\n")';
    const a = await run(
      { source_code: b64(source), language_id: PY, stdin: b64('x') },
      'base64_encoded=true&wait=true&fields=*',
    );
    expect(a.status).toBe(201);
    expect(a.body.stdout).toBe(`${Buffer.from('héllo ✓\n').toString('base64')}\n`);
    expect(unb64(a.body.stderr)).toBe('ü\n');
    expect(unb64(a.body.source_code)).toBe(source);
    expect(unb64(a.body.stdin)).toBe('x');
    // Plain mode reads it back as text.
    const plain = await j0(server, 'GET', `/submissions/${a.body.token}?fields=stdout,stderr`);
    expect(plain.body).toEqual({ stdout: 'héllo ✓\n', stderr: 'ü\n' });
  });

  it("answers bytes that are no UTF-8 exactly in base64, and with Judge0's errors in plain mode", async () => {
    const bytes = Buffer.from([0, 0xff, 0xfe, 10, 0xc3]);
    const source = `import sys; sys.stdout.buffer.write(bytes([${[...bytes].join(', ')}]))`;
    const plain = await run({ source_code: source, language_id: PY });
    expect(plain.status).toBe(201);
    expect(plain.body).toEqual({
      error:
        'some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true query parameter',
      token: expect.any(String),
    });
    const encoded = await j0(
      server,
      'GET',
      `/submissions/${plain.body.token}?base64_encoded=true&fields=stdout,status`,
    );
    expect(Buffer.from(encoded.body.stdout, 'base64')).toEqual(bytes);
    expect(encoded.body.status.id).toBe(3);
    const again = await j0(server, 'GET', `/submissions/${plain.body.token}`);
    expect(again).toMatchObject({
      status: 400,
      body: { error: expect.stringContaining('cannot be converted to UTF-8') },
    });
    const batch = await j0(server, 'GET', `/submissions/batch?tokens=${plain.body.token}`);
    expect(batch.body).toEqual({
      error:
        'some attributes for one or more submissions cannot be converted to UTF-8, use base64_encoded=true query parameter',
    });
  });

  it('compares with expected_output: Accepted, or Wrong Answer', async () => {
    const code = 'print(int(input()) * 2)';
    expect((await run({ source_code: code, language_id: PY, stdin: '21', expected_output: '42' })).body.status.id).toBe(
      3,
    );
    expect((await run({ source_code: code, language_id: PY, stdin: '21', expected_output: '43' })).body.status).toEqual(
      {
        id: 4,
        description: 'Wrong Answer',
      },
    );
  });

  it('reports a compile error, a runtime error by exit code and by signal, and a time limit', async () => {
    const ce = await run({ source_code: 'int main( { return 0; }', language_id: C });
    expect(ce.body.status).toEqual({ id: 6, description: 'Compilation Error' });
    expect(ce.body.compile_output).toMatch(/error/);
    expect(ce.body.stdout).toBeNull();
    const nzec = await run(
      { source_code: 'import sys; print("x"); sys.exit(3)', language_id: PY },
      'wait=true&fields=status,exit_code,exit_signal,message,stdout',
    );
    expect(nzec.body).toEqual({
      stdout: 'x\n',
      exit_code: 3,
      exit_signal: null,
      message: 'Exited with error status 3',
      status: { id: 11, description: 'Runtime Error (NZEC)' },
    });
    const segv = await run(
      { source_code: 'int main(void){ volatile int *p = 0; *p = 1; return 0; }', language_id: C },
      'wait=true&fields=status,exit_code,exit_signal',
    );
    expect(segv.body).toEqual({
      exit_code: 0,
      exit_signal: 11,
      status: { id: 7, description: 'Runtime Error (SIGSEGV)' },
    });
    const tle = await run({ source_code: 'while True: pass', language_id: PY, wall_time_limit: 1, cpu_time_limit: 1 });
    expect(tle.body.status).toEqual({ id: 5, description: 'Time Limit Exceeded' });
  });

  it('runs number_of_runs times, with arguments and the files of additional_files beside the source', async () => {
    const zip = zipOf([{ name: 'data/in.txt', content: Buffer.from('from the zip\n') }]).toString('base64');
    const a = await run(
      {
        source_code: 'import sys\nprint(open("data/in.txt").read().strip(), sys.argv[1:])',
        language_id: PY,
        command_line_arguments: `one "two words"`,
        additional_files: zip,
        number_of_runs: 3,
      },
      'wait=true&fields=stdout,status,number_of_runs,additional_files,command_line_arguments',
    );
    expect(a.body).toMatchObject({
      stdout: "from the zip ['one', 'two words']\n",
      status: { id: 3 },
      number_of_runs: 3,
      command_line_arguments: 'one "two words"',
    });
    expect(a.body.additional_files.replace(/\n/g, '')).toBe(zip);
  });

  it('answers fields=* with all 35 fields, limits as Judge0 types them, and refuses unknown fields', async () => {
    const a = await run({ source_code: 'print(1)', language_id: PY }, 'wait=true&fields=*');
    expect(Object.keys(a.body)).toEqual([...ALL_FIELDS]);
    expect(a.body).toMatchObject({
      language_id: PY,
      status_id: 3,
      cpu_time_limit: '5.0',
      cpu_extra_time: '1.0',
      wall_time_limit: '10.0',
      number_of_runs: 1,
      enable_network: false,
      redirect_stderr_to_stdout: false,
      exit_code: 0,
      language: { id: PY },
    });
    expect(a.body.wall_time).toMatch(/^\d+\.\d+$/);
    expect(new Date(a.body.finished_at).getTime()).toBeGreaterThanOrEqual(new Date(a.body.created_at).getTime());
    const bad = await j0(server, 'GET', `/submissions/${a.body.token}?fields=stdout, stderr`);
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid fields: [ stderr]' } });
    expect(
      (await j0(server, 'GET', '/submissions/no-such-token', undefined, { Accept: 'application/json' })).body,
    ).toEqual({
      status: 404,
      error: 'Not Found',
    });
  });
});

describe('Judge0 API: the checks (422, field by field)', () => {
  it("gives Judge0's messages: a missing language id twice over, an unknown one, limits out of range", async () => {
    expect((await run({ source_code: 'x' })).body).toEqual({
      language_id: ["can't be blank", "language with id  doesn't exist"],
    });
    const a = await run({ language_id: 150000, wall_time_limit: 99, memory_limit: 'lots', number_of_runs: 0 });
    expect(a.status).toBe(422);
    expect(a.body).toEqual({
      source_code: ["can't be blank"],
      number_of_runs: ['must be greater than 0'],
      wall_time_limit: ['must be less than or equal to 20.0'],
      memory_limit: ['is not a number'],
      language_id: ["language with id 150000 doesn't exist"],
    });
  });

  it('refuses network and per-process limits, which this service does not offer', async () => {
    const a = await run({
      source_code: 'x',
      language_id: C,
      enable_network: true,
      enable_per_process_and_thread_time_limit: true,
    });
    expect(a.body).toEqual({
      enable_per_process_and_thread_time_limit: ['this option cannot be enabled'],
      enable_network: ['enabling network is not allowed'],
    });
  });

  it('passes compiler options from the allowlist of C, C++ and Rust, and refuses any other', async () => {
    const ok = await run(
      {
        source_code: '#include <stdio.h>\nint main(void){ printf("%d\\n", GREETING); return 0; }',
        language_id: C,
        compiler_options: '-O0 -DGREETING=42',
      },
      'wait=true&fields=stdout,status,compiler_options',
    );
    expect(ok.body).toEqual({
      stdout: '42\n',
      status: { id: 3, description: 'Accepted' },
      compiler_options: '-O0 -DGREETING=42',
    });
    const file = await run({
      source_code: 'int main(void){return 0;}',
      language_id: C,
      compiler_options: '-include /etc/passwd',
    });
    expect(file.body).toEqual({ compiler_options: ['option "-include" is not allowed'] });
    const python = await run({ source_code: 'print(1)', language_id: PY, compiler_options: '-O' });
    expect(python.body).toEqual({ compiler_options: ['setting compiler options is only allowed for C, C++ and Rust'] });
  });

  it('refuses callbacks to private, link-local and metadata hosts', async () => {
    for (const url of [
      'http://10.0.0.1/x',
      'http://169.254.169.254/latest',
      'http://192.168.1.1/',
      'ftp://example.com/',
    ]) {
      const a = await run({ source_code: 'print(1)', language_id: PY, callback_url: url });
      expect(a.status).toBe(422);
      expect(Object.keys(a.body)).toEqual(['callback_url']);
    }
  });

  it('refuses hostile zips: a path out of the folder, a link, a bomb', async () => {
    const hostile = [
      zipOf([{ name: '../escape.txt', content: Buffer.from('x') }]),
      zipOf([{ name: 'link', content: Buffer.from('/etc/passwd'), mode: 0o120777 }]),
      zipOf([{ name: 'zeros', content: Buffer.alloc(8 * 1024 * 1024), method: 8 }]),
    ];
    for (const zip of hostile) {
      const a = await run({ source_code: 'print(1)', language_id: PY, additional_files: zip.toString('base64') });
      expect(a.status).toBe(422);
      expect(Object.keys(a.body)).toEqual(['additional_files']);
    }
  });

  it('answers a malformed JSON body 400 and keeps serving', async () => {
    const a = await j0(server, 'POST', '/submissions', '{"source_code":', { Accept: 'application/json' });
    expect(a).toMatchObject({ status: 400, body: { status: 400, error: 'Bad Request' } });
    expect((await run({ source_code: 'print(2)', language_id: PY })).body.stdout).toBe('2\n');
  });
});

describe('Judge0 API: queued runs', () => {
  it('answers wait=false with only a token; polling shows In Queue, Processing, then the result', async () => {
    // One worker: the second waits In Queue while the first runs.
    const first = await run(
      { source_code: 'import time; time.sleep(1.5); print("first")', language_id: PY },
      'wait=false&fields=*',
    );
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ token: expect.any(String) });
    const second = await run({ source_code: 'print("second")', language_id: PY }, 'wait=false');
    await eventually(
      async () => (await j0(server, 'GET', `/submissions/${first.body.token}`)).body.status.id === 2,
      10_000,
      'first to be Processing',
    );
    expect((await j0(server, 'GET', `/submissions/${second.body.token}`)).body.status).toEqual({
      id: 1,
      description: 'In Queue',
    });
    expect((await finished(server, first.body.token)).stdout).toBe('first\n');
    expect((await finished(server, second.body.token)).stdout).toBe('second\n');
  });

  it('takes a batch of 20 mixing languages and errors, one invalid item answered in its place', async () => {
    const kinds = [
      { source_code: 'print(input())', language_id: PY, stdin: 'echo', expected_output: 'echo' },
      { source_code: '#include <stdio.h>\nint main(void){ puts("c"); return 0; }', language_id: C },
      { source_code: 'int main( {', language_id: C },
      { source_code: 'raise SystemExit(4)', language_id: PY },
      { source_code: 'print(1)', language_id: PY, expected_output: '2' },
    ];
    const expected = [3, 3, 6, 11, 4];
    const items: Record<string, unknown>[] = Array.from({ length: 19 }, (_, i) => kinds[i % kinds.length]);
    items.splice(7, 0, { source_code: 'print(1)', language_id: 9999 });
    const posted = await j0(server, 'POST', '/submissions/batch?base64_encoded=false', { submissions: items });
    expect(posted.status).toBe(201);
    expect(posted.body).toHaveLength(20);
    expect(posted.body[7]).toEqual({ language_id: ["language with id 9999 doesn't exist"] });
    const tokens = posted.body.filter((x: { token?: string }) => x.token).map((x: { token: string }) => x.token);
    expect(tokens).toHaveLength(19);
    const all = await eventually(
      async () => {
        const a = await j0(
          server,
          'GET',
          `/submissions/batch?tokens=${tokens.join(',')},unknown&fields=token,status_id`,
        );
        return a.body.submissions.slice(0, 19).every((s: { status_id: number }) => s.status_id > 2)
          ? a.body.submissions
          : undefined;
      },
      90_000,
      'the batch to finish',
    );
    expect(all[19]).toBeNull();
    expect(all.slice(0, 19).map((s: { status_id: number }) => s.status_id)).toEqual(
      Array.from({ length: 19 }, (_, i) => expected[i % kinds.length]),
    );
    const tooMany = await j0(server, 'POST', '/submissions/batch', { submissions: Array(21).fill(kinds[0]) });
    expect(tooMany).toMatchObject({
      status: 400,
      body: { error: 'number of submissions in a batch should be less than or equal to 20' },
    });
    const none = await j0(server, 'POST', '/submissions/batch', { submissions: [{ language_id: PY }] });
    expect(none.status).toBe(422);
  });

  it('PUTs the result to callback_url, retried after a failed attempt', async () => {
    received.length = 0;
    failFirst = 1;
    const a = await run({ source_code: 'print("called back")', language_id: PY, callback_url: hookUrl }, 'wait=false');
    const got = await eventually(
      async () => received.find((r) => (r.body as { token: string }).token === a.body.token),
      20_000,
      'the callback',
    );
    expect(got.method).toBe('PUT');
    expect(got.type).toMatch(/^application\/json/);
    expect(got.body).toMatchObject({ stdout: `${b64('called back\n')}\n`, status: { id: 3, description: 'Accepted' } });
    expect(Object.keys(got.body as object)).toEqual(DEFAULT_KEYS);
  });
});

/** The types judge0-python (src/judge0/base_types.py, Config) requires of each /config_info key. */
const CONFIG_TYPES: Record<string, 'boolean' | 'integer' | 'number' | 'array'> = {
  allow_enable_network: 'boolean',
  allow_enable_per_process_and_thread_memory_limit: 'boolean',
  allow_enable_per_process_and_thread_time_limit: 'boolean',
  allowed_languages_for_compile_options: 'array',
  callbacks_max_tries: 'integer',
  callbacks_timeout: 'number',
  cpu_extra_time: 'number',
  cpu_time_limit: 'number',
  enable_additional_files: 'boolean',
  enable_batched_submissions: 'boolean',
  enable_callbacks: 'boolean',
  enable_command_line_arguments: 'boolean',
  enable_compiler_options: 'boolean',
  enable_network: 'boolean',
  enable_per_process_and_thread_memory_limit: 'boolean',
  enable_per_process_and_thread_time_limit: 'boolean',
  enable_submission_delete: 'boolean',
  enable_wait_result: 'boolean',
  maintenance_mode: 'boolean',
  max_cpu_extra_time: 'number',
  max_cpu_time_limit: 'number',
  max_extract_size: 'integer',
  max_file_size: 'integer',
  max_max_file_size: 'integer',
  max_max_processes_and_or_threads: 'integer',
  max_memory_limit: 'integer',
  max_number_of_runs: 'integer',
  max_processes_and_or_threads: 'integer',
  max_queue_size: 'integer',
  max_stack_limit: 'integer',
  max_submission_batch_size: 'integer',
  max_wall_time_limit: 'number',
  memory_limit: 'integer',
  number_of_runs: 'integer',
  redirect_stderr_to_stdout: 'boolean',
  stack_limit: 'integer',
  submission_cache_duration: 'number',
  use_docs_as_homepage: 'boolean',
  wall_time_limit: 'number',
};

/** A JSON value's type as a Python client reads it: an integer is also a float (5.0 is 5 in JSON). */
const typeOf = (v: unknown, wanted: string) =>
  Array.isArray(v)
    ? 'array'
    : typeof v === 'number'
      ? Number.isInteger(v) && wanted !== 'number'
        ? 'integer'
        : 'number'
      : typeof v;

/** Polls as Judge0's clients do (every 100 ms while the status is 1 or 2), at most `tries` times. */
async function poll(path: string, headers: Record<string, string> = {}, tries = 100) {
  for (let i = 0; i < tries; i++) {
    const a = await j0(server, 'GET', path, undefined, headers);
    if (a.status !== 200 || a.body.status.id > 2) return a;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path} still running after ${tries} polls`);
}

// Neither official client is on npm (judge0/ide is a web page, judge0-python is on PyPI): these are
// the requests they send, in their order, with their headers, read from their sources.
describe("Judge0 API: the requests of Judge0's own clients", () => {
  it("judge0-python: its start-up reads (every config key with the SDK's type), a run, a batch", async () => {
    const sdk = { 'X-Judge0-App': 'judge0-python', 'X-Judge0-App-Version': '0.0.8' };
    const languages = await j0(server, 'GET', '/languages', undefined, sdk);
    expect(languages.body.every((l: object) => Object.keys(l).join() === 'id,name')).toBe(true);
    const config = (await j0(server, 'GET', '/config_info', undefined, sdk)).body;
    expect(Object.fromEntries(Object.keys(config).map((k) => [k, typeOf(config[k], CONFIG_TYPES[k])]))).toEqual(
      CONFIG_TYPES,
    );
    expect((await j0(server, 'GET', '/about', undefined, sdk)).body.version).toBe('1.13.1');

    const posted = await j0(
      server,
      'POST',
      '/submissions?base64_encoded=true&wait=false',
      { source_code: b64('print(input()[::-1])'), language_id: PY, stdin: b64('olleh'), expected_output: b64('hello') },
      sdk,
    );
    expect(posted.status).toBe(201);
    const got = await poll(`/submissions/${posted.body.token}?base64_encoded=true&fields=*`, sdk);
    expect(got.body.status).toEqual({ id: 3, description: 'Accepted' });
    // The SDK drops newlines before a strict decode.
    expect(Buffer.from(got.body.stdout.replace(/\n/g, ''), 'base64').toString()).toBe('hello\n');

    const batch = await j0(
      server,
      'POST',
      '/submissions/batch?base64_encoded=true',
      { submissions: [1, 2].map((n) => ({ source_code: b64(`print(${n})`), language_id: PY })) },
      sdk,
    );
    const tokens = batch.body.map((t: { token: string }) => t.token).join(',');
    const both = await eventually(
      async () => {
        const a = await j0(
          server,
          'GET',
          `/submissions/batch?base64_encoded=true&fields=*&tokens=${tokens}`,
          undefined,
          sdk,
        );
        return a.body.submissions.every((s: { status: { id: number } }) => s.status.id > 2)
          ? a.body.submissions
          : undefined;
      },
      30_000,
      'the batch',
    );
    expect(both.map((s: { stdout: string }) => unb64(s.stdout))).toEqual(['1\n', '2\n']);
  });

  it('judge0/ide: a run with stderr redirected, polled with the default fields in base64', async () => {
    const posted = await j0(server, 'POST', '/submissions?base64_encoded=true&wait=false', {
      source_code: b64('#include <stdio.h>\nint main(void){ fprintf(stderr, "e"); printf("o"); return 0; }'),
      language_id: C,
      stdin: b64(''),
      compiler_options: '',
      command_line_arguments: '',
      redirect_stderr_to_stdout: true,
    });
    expect(posted.status).toBe(201);
    const got = await poll(`/submissions/${posted.body.token}?base64_encoded=true`);
    expect(got.body.status.description).toBe('Accepted');
    expect(unb64(got.body.stdout)).toBe('oe');
    expect(got.body.stderr).toBeNull();
    expect(got.body.time).toMatch(/^\d+\.\d+$/);
    expect(typeof got.body.memory).toBe('number');
  });
});
