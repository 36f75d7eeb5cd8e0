// Piston's v2 HTTP API on the real engine: GET /api/v2/runtimes and POST /api/v2/execute answer in
// Piston's exact shapes (every stage field, Piston's statuses and signals), refuse as Piston does
// (400 {message}, 415), and the third-party npm client piston-client works against them.
import { piston } from 'piston-client';
import { describe, expect, it } from 'vitest';
import { semverOf } from '@/lib/http/piston-names';
import { useServer } from './helpers/server';

const server = useServer({
  WEBCOMPILE_LANGUAGES: 'python,c,javascript,bash',
  WEBCOMPILE_LANGUAGE_POOL_SIZE: '1',
  // Piston's own default cap on each stream.
  WEBCOMPILE_OUTPUT_LIMIT_BYTES: '1024',
  WEBCOMPILE_CLIENT_MAX_IN_FLIGHT: '8',
  WEBCOMPILE_ACQUIRE_TIMEOUT_MS: '30000',
  WEBCOMPILE_LOG_DIR: 'runs/test-piston-api',
});

async function execute(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const r = await fetch(`${server.url}/api/v2/execute`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}

/** A 200 answer's body. */
async function ok(body: Record<string, unknown>) {
  const r = await execute(body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const STAGE_KEYS = [
  'code',
  'cpu_time',
  'memory',
  'message',
  'output',
  'signal',
  'status',
  'stderr',
  'stdout',
  'wall_time',
].sort();

describe('GET /api/v2/runtimes', () => {
  it("lists every enabled language as Piston does: its name, x.y.z, its packages' aliases and runtime", async () => {
    const langs: { id: string; version: string | null }[] = await (await fetch(`${server.url}/api/languages`)).json();
    const v = Object.fromEntries(langs.map((l) => [l.id, semverOf(l.version)]));
    expect(v.python).toMatch(/^3\.\d+\.\d+$/);
    const r = await fetch(`${server.url}/api/v2/runtimes`);
    expect(r.status).toBe(200);
    const expected: Record<string, unknown> = {
      python: {
        language: 'python',
        version: v.python,
        aliases: ['py', 'py3', 'python3', `python${v.python.replace(/\.\d+$/, '')}`],
      },
      c: { language: 'c', version: v.c, aliases: ['gcc'], runtime: 'gcc' },
      javascript: {
        language: 'javascript',
        version: v.javascript,
        aliases: ['node-javascript', 'node-js', 'javascript', 'js'],
        runtime: 'node',
      },
      bash: { language: 'bash', version: v.bash, aliases: ['sh'] },
    };
    // In the order of the enabled languages, as /api/languages lists them.
    expect(langs.map((l) => l.id).sort()).toEqual(['bash', 'c', 'javascript', 'python']);
    expect(await r.json()).toEqual(langs.map((l) => expected[l.id]));
  });
});

describe('POST /api/v2/execute', () => {
  it('a compiled program: the exact answer, compile and run stages with every field', async () => {
    const body = await ok({
      language: 'gcc',
      version: '*',
      files: [{ content: '#include <stdio.h>\nint main(void) { puts("hi"); fprintf(stderr, "err\\n"); return 0; }' }],
    });
    expect(Object.keys(body).sort()).toEqual(['compile', 'language', 'run', 'version']);
    expect(body.language).toBe('c');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Object.keys(body.compile).sort()).toEqual(STAGE_KEYS);
    expect(Object.keys(body.run).sort()).toEqual(STAGE_KEYS);
    expect(body.compile).toMatchObject({ stdout: '', code: 0, signal: null, status: null, message: null });
    expect(body.compile.wall_time).toEqual(expect.any(Number));
    expect(body.run).toMatchObject({
      stdout: 'hi\n',
      stderr: 'err\n',
      code: 0,
      signal: null,
      status: null,
      message: null,
    });
    expect([...body.run.output].sort().join('')).toBe([...'hi\nerr\n'].sort().join(''));
    expect(body.run.wall_time).toEqual(expect.any(Number));
    expect(body.run.cpu_time).toEqual(expect.any(Number));
    expect(body.run.memory).toBeGreaterThan(0);
  });

  it('a failed compile: RE with the compiler messages, and run is the same stage (no run)', async () => {
    const body = await ok({ language: 'c', version: '*', files: [{ name: 'bad.c', content: 'int main( {' }] });
    expect(body.compile).toMatchObject({ code: 1, signal: null, status: 'RE', message: 'Exited with error status 1' });
    expect(body.compile.stderr).toMatch(/bad\.c:1:\d+: error/);
    expect(body.compile.output).toBe(body.compile.stderr);
    expect(body.run).toEqual(body.compile);
  });

  it('a runtime error: RE with the exit code; an interpreted language has no compile stage', async () => {
    const body = await ok({
      language: 'py',
      version: '3',
      files: [{ content: 'import sys\nprint("out")\nsys.exit(3)' }],
    });
    expect(body).not.toHaveProperty('compile');
    expect(body).toMatchObject({ language: 'python', run: { stdout: 'out\n', code: 3, signal: null, status: 'RE' } });
    expect(body.run.message).toBe('Exited with error status 3');
  });

  it('a signal: SG with its name and no code', async () => {
    const body = await ok({
      language: 'python',
      version: '*',
      files: [{ content: 'import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)' }],
    });
    expect(body.run).toMatchObject({ code: null, signal: 'SIGSEGV', status: 'SG', message: 'Caught fatal signal 11' });
  });

  it('a run past run_timeout: TO with SIGKILL, keeping what it printed', async () => {
    const body = await ok({
      language: 'python',
      version: '*',
      run_timeout: 700,
      files: [{ content: 'print("started", flush=True)\nwhile True: pass' }],
    });
    expect(body.run).toMatchObject({ stdout: 'started\n', code: null, signal: 'SIGKILL', status: 'TO' });
    // Stopped at its own limit, not before.
    expect(body.run.wall_time).toBeGreaterThanOrEqual(600);
  });

  it('a compile past compile_timeout: TO with SIGKILL, and run is the compile stage; its maximum is ours', async () => {
    // A compile that never ends: the preprocessor reads an endless file.
    const body = await ok({
      language: 'c',
      version: '*',
      compile_timeout: 800,
      files: [{ name: 'main.c', content: '#include "/dev/zero"\nint main() {}' }],
    });
    expect(body.compile).toMatchObject({ code: null, signal: 'SIGKILL', status: 'TO' });
    expect(body.run).toEqual(body.compile);
    // Above the default compile limit (10 s) and within WEBCOMPILE_MAX_COMPILE_TIMEOUT_MS (30 s): taken.
    const slowAllowed = await ok({
      language: 'c',
      version: '*',
      compile_timeout: 25000,
      files: [{ content: '#include <stdio.h>\nint main() { puts("ok"); }' }],
    });
    expect(slowAllowed.run).toMatchObject({ stdout: 'ok\n', code: 0 });
    expect(await execute({ language: 'c', version: '*', compile_timeout: 30001, files: [{ content: '' }] })).toEqual({
      status: 400,
      body: { message: 'compile_timeout cannot exceed the configured limit of 30000' },
    });
  });

  it('output past the cap: OL with SIGKILL, stdout cut at the cap', async () => {
    const body = await ok({
      language: 'bash',
      version: '*',
      files: [{ content: 'while true; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done' }],
    });
    expect(body.run).toMatchObject({ code: null, signal: 'SIGKILL', status: 'OL', message: 'stdout length exceeded' });
    expect(body.run.stdout.length).toBeLessThanOrEqual(1024);
    expect(body.run.stdout).toMatch(/^(x+\n)+x*$/);
  });

  it('stdin (with the newline Piston adds) and args, exactly', async () => {
    const body = await ok({
      language: 'javascript',
      version: '*',
      stdin: 'line one\nline two',
      args: ['a b', '', '$HOME', '*'],
      files: [
        {
          name: 'prog.js',
          content:
            "const input = require('fs').readFileSync(0, 'utf8');\nconsole.log(JSON.stringify([input, process.argv.slice(2)]));",
        },
      ],
    });
    expect(JSON.parse(body.run.stdout)).toEqual(['line one\nline two\n', ['a b', '', '$HOME', '*']]);
  });

  it('files in base64 and hex arrive as bytes; a program of several files, Piston names for unnamed ones', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0x80, 0x0a, 0x41]);
    const body = await ok({
      language: 'python',
      version: '*',
      files: [
        {
          content:
            "import util, os\nfor n in ['blob.bin', 'x.hex', 'file3.code']:\n    print(n, open(n, 'rb').read().hex())\nprint(util.twice(21))",
        },
        { name: 'blob.bin', content: bytes.toString('base64'), encoding: 'base64' },
        { name: 'x.hex', content: bytes.toString('hex'), encoding: 'hex' },
        { content: 'plain' },
        { name: 'util.py', content: 'def twice(x): return 2 * x' },
      ],
    });
    const hex = bytes.toString('hex');
    expect(body.run.stdout).toBe(
      `blob.bin ${hex}\nx.hex ${hex}\nfile3.code ${Buffer.from('plain').toString('hex')}\n42\n`,
    );
  });

  it('a C program of several files, the entry without a name', async () => {
    const body = await ok({
      language: 'c',
      version: '*',
      files: [
        {
          content:
            '#include <stdio.h>\n#include "lib/util.h"\nint main(void) { printf("%d\\n", twice(21)); return 0; }',
        },
        { name: 'lib/util.h', content: 'int twice(int);' },
        { name: 'lib/util.c', content: '#include "util.h"\nint twice(int x) { return 2 * x; }' },
      ],
    });
    expect(body.compile).toMatchObject({ code: 0, status: null });
    expect(body.run).toMatchObject({ stdout: '42\n', code: 0 });
  });

  it("refuses as Piston does: 400 {message} in Piston's order and texts, 415 for another type", async () => {
    const cases: [unknown, string][] = [
      [{}, 'language is required as a string'],
      [{ language: 'python' }, 'version is required as a string'],
      [{ language: 'python', version: '*', files: {} }, 'files is required as an array'],
      [{ language: 'python', version: '*', files: [{ name: 'a' }] }, 'files[0].content is required as a string'],
      [{ language: 'cobol', version: '*', files: [] }, 'cobol-* runtime is unknown'],
      [{ language: 'python', version: '2', files: [{ content: '' }] }, 'python-2 runtime is unknown'],
      [{ language: 'python', version: '*', files: [] }, 'files must include at least one utf8 encoded file'],
      [
        { language: 'python', version: '*', files: [{ content: '' }], run_timeout: 10 ** 9 },
        'run_timeout cannot exceed the configured limit of 20000',
      ],
      [
        { language: 'python', version: '*', files: [{ content: '' }], compile_timeout: '1' },
        'If specified, compile_timeout must be a number',
      ],
    ];
    const answers = await Promise.all(cases.map(([body]) => execute(body)));
    expect(answers).toEqual(cases.map(([, message]) => ({ status: 400, body: { message } })));
    expect(await execute('{"language":', { 'content-type': 'application/json' })).toEqual({
      status: 400,
      body: { message: 'request body is not valid JSON' },
    });
    expect(await execute('<x/>', { 'content-type': 'application/xml' })).toEqual({
      status: 415,
      body: { message: 'requests must be of type application/json' },
    });
    const get = await fetch(`${server.url}/api/v2/execute`);
    expect(get.status).toBe(405);
    expect(await get.json()).toEqual({ message: 'method not allowed; use POST, OPTIONS' });
  });
});

describe('the npm client piston-client', () => {
  it('lists the runtimes and runs programs in several languages (its defaults: the newest version, args 1 2 3)', async () => {
    const client = piston({ server: server.url });
    const runtimes = await client.runtimes();
    expect(runtimes.map((r) => r.language).sort()).toEqual(['bash', 'c', 'javascript', 'python']);
    const [py, c, js] = await Promise.all([
      client.execute('python', 'import sys\nprint(sys.argv[1:], input())', { stdin: 'typed' }),
      client.execute('c', '#include <stdio.h>\nint main(int n, char **a) { printf("%d %s\\n", n, a[3]); }'),
      client.execute({ language: 'javascript', files: [{ content: 'console.log(process.argv.length)' }], args: [] }),
    ]);
    expect(py).toMatchObject({ language: 'python', run: { stdout: "['1', '2', '3'] typed\n", code: 0, status: null } });
    expect(c).toMatchObject({ language: 'c', compile: { code: 0 }, run: { stdout: '4 3\n', code: 0 } });
    expect(js).toMatchObject({ language: 'javascript', run: { stdout: '2\n', code: 0 } });
    const failed = await client.execute('c', 'int main( {');
    expect(failed.run).toMatchObject({ status: 'RE', code: 1 });
    expect(failed.run).toEqual(failed.compile);
  });
});
