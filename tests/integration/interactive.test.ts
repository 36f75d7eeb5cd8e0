// Interactive runs over a WebSocket (issue #15), in Piston's /api/v2/connect protocol: stdin as the
// user types, the limits of an interactive run, misuse, and Piston's exact message shapes.
import { beforeAll, describe, expect, it } from 'vitest';
import { busySandboxes, noRunLeft, Session, streamCompile, type Message } from './helpers/live';
import { compile, instanceIdOf, statsOf, useServer } from './helpers/server';

const resultOf = (s: Session) =>
  (s.messages.find((m) => m.type === 'result')?.result ?? null) as Record<string, unknown> | null;

/** Programs that answer each line they read ("> " + the line upper-cased) and say "bye" at EOF. */
const ECHO: Record<string, string> = {
  csharp: `using System;
class P { static void Main() {
  string line;
  while ((line = Console.ReadLine()) != null) Console.WriteLine("> " + line.ToUpper());
  Console.WriteLine("bye");
} }`,
  python: `import sys
for line in sys.stdin:
    print("> " + line.strip().upper(), flush=True)
print("bye")
`,
  // No fflush: an interactive run's C stdout is line-buffered.
  c: `#include <stdio.h>
#include <ctype.h>
int main(void) {
  char b[256];
  while (fgets(b, sizeof b, stdin)) {
    for (char *p = b; *p; p++) *p = toupper((unsigned char)*p);
    printf("> %s", b);
  }
  puts("bye");
  return 0;
}`,
};

const WAIT_FOREVER = 'import sys\nprint("waiting", flush=True)\nsys.stdin.read()\n';

const IDLE_MS = 1500;

// One server for the runs and the misuse (each later describe has its own settings).
const server = useServer({
  WEBCOMPILE_LANGUAGES: 'csharp,python,c',
  WEBCOMPILE_LANGUAGE_POOL_SIZE: '1',
  WEBCOMPILE_INTERACTIVE_IDLE_MS: String(IDLE_MS),
  WEBCOMPILE_LOG_DIR: 'runs/test-interactive',
});
let instance: string;
beforeAll(async () => {
  instance = await instanceIdOf(server);
});

describe('interactive runs', () => {
  it.each(Object.keys(ECHO))(
    '%s: each line typed reaches the program, which answers it before the next',
    async (language) => {
      const s = new Session(server);
      await s.init(language, ECHO[language]);
      await s.stdin('hello\n');
      await s.untilStdout('> HELLO\n');
      await s.stdin('second line\n');
      await s.untilStdout('> SECOND LINE\n');
      expect(s.stdout()).toBe('> HELLO\n> SECOND LINE\n');
      await s.send({ type: 'eof' });
      expect(await s.closed).toEqual({ code: 4999, reason: 'Job Completed' });
      expect(s.stdout()).toBe('> HELLO\n> SECOND LINE\nbye\n');
      expect(s.messages.find((m) => m.type === 'exit' && m.stage === 'run')).toEqual({
        type: 'exit',
        stage: 'run',
        code: 0,
        signal: null,
      });
      expect(resultOf(s)).toMatchObject({ Status: 'ok', ExitCode: 0, Output: '> HELLO\n> SECOND LINE\nbye\n' });
    },
  );

  it('input sent with the init, before the compile ends, reaches the program', async () => {
    const s = new Session(server);
    await s.init('c', ECHO.c);
    await s.stdin('early\n');
    await s.send({ type: 'eof' });
    await s.closed;
    expect(s.stdout()).toBe('> EARLY\nbye\n');
  });

  it("a program of several files gets its args, and reads the init's stdin before what is typed", async () => {
    const s = new Session(server, '/api/v2/connect');
    await s.send({
      type: 'init',
      language: 'python',
      version: '3.x',
      files: [
        {
          name: 'app.py',
          content:
            'import sys, shout\nprint(sys.argv[1:])\nfor line in sys.stdin:\n    print(shout.loud(line), flush=True)\n',
        },
        { name: 'shout.py', content: 'def loud(s):\n    return s.strip().upper() + "!"\n' },
      ],
      args: ['one arg', 'ü'],
      stdin: 'first\n',
    });
    await s.untilStdout('FIRST!\n');
    await s.stdin('typed\n');
    await s.untilStdout('TYPED!\n');
    await s.send({ type: 'eof' });
    expect(await s.closed).toEqual({ code: 4999, reason: 'Job Completed' });
    expect(s.stdout()).toBe("['one arg', 'ü']\nFIRST!\nTYPED!\n");
  });

  it('a kill ends the run, and leaves no container behind', async () => {
    const s = new Session(server);
    await s.init('python', WAIT_FOREVER);
    await s.untilStdout('waiting');
    await s.send({ type: 'signal', signal: 'SIGKILL' });
    expect(await s.closed).toEqual({ code: 4999, reason: 'Job Completed' });
    expect(s.messages.find((m) => m.type === 'exit' && m.stage === 'run')).toMatchObject({
      code: null,
      signal: 'SIGKILL',
    });
    expect(resultOf(s)).toMatchObject({ Status: 'cancelled', Output: 'waiting\n' });
    await expect.poll(() => noRunLeft(server, instance, 'python'), { timeout: 5000, interval: 100 }).toBe(true);
  });

  it('closing the socket kills the run, and leaves no container behind', async () => {
    const before = (await statsOf(server)).requests.byStatus.cancelled ?? 0;
    const s = new Session(server);
    await s.init('python', WAIT_FOREVER);
    await s.untilStdout('waiting');
    expect(await busySandboxes(server, 'python')).toBe(1);
    s.close();
    await s.closed;
    await expect.poll(() => noRunLeft(server, instance, 'python'), { timeout: 5000, interval: 100 }).toBe(true);
    await expect
      .poll(async () => (await statsOf(server)).requests.byStatus.cancelled ?? 0, { timeout: 5000 })
      .toBe(before + 1);
    await expect.poll(async () => (await statsOf(server)).pools.python.idle, { timeout: 20_000 }).toBe(1);
  });

  it('no input and no output for the idle limit ends the run as idle_timeout, with what it printed', async () => {
    const s = new Session(server);
    await s.init('python', WAIT_FOREVER);
    expect(await s.closed).toEqual({ code: 4999, reason: 'Job Completed' });
    expect(resultOf(s)).toMatchObject({ Status: 'idle_timeout', Timeout: true, Output: 'waiting\n', ExitCode: null });
    expect(String(resultOf(s)!.ErrorString)).toContain('no input and no output for 1500 ms');
  });

  it('input keeps an interactive run from its idle limit', async () => {
    // A program that prints nothing until end of input: only the input keeps it alive. The pause
    // between lines is the scenario (a user typing slowly), not a wait for the server.
    const s = new Session(server);
    await s.init('python', 'import sys\nprint(len(sys.stdin.readlines()), "lines")\n');
    await s.until((x) => x.messages.some((m) => m.type === 'stage' && m.stage === 'run'), 'the run');
    const started = Date.now();
    let lines = 0;
    while (Date.now() - started < 3 * IDLE_MS) {
      await s.stdin(`line ${lines++}\n`);
      await new Promise((r) => setTimeout(r, IDLE_MS / 3));
    }
    await s.send({ type: 'eof' });
    await s.closed;
    expect(resultOf(s)).toMatchObject({ Status: 'ok', Output: `${lines} lines\n` });
  });

  it('a prompt without a newline shows before a C program waits for its answer', async () => {
    const s = new Session(server);
    await s.init(
      'c',
      '#include <stdio.h>\nint main(void) {\n  char name[64];\n  printf("Name: ");\n' +
        '  if (!fgets(name, sizeof name, stdin)) return 1;\n  printf("Hi %s", name);\n  return 0;\n}\n',
    );
    await s.untilStdout('Name: ');
    expect(s.stdout()).toBe('Name: ');
    await s.stdin('Ada\n');
    await s.untilStdout('Hi Ada\n');
    await s.closed;
    expect(resultOf(s)).toMatchObject({ Status: 'ok', Output: 'Name: Hi Ada\n' });
  });

  it.each([
    ['an exit code above 128 is a code', 'import sys\nsys.exit(137)\n', { code: 137, signal: null }],
    [
      'a signal is its name',
      'import os, signal\nos.kill(os.getpid(), signal.SIGTERM)\n',
      { code: null, signal: 'SIGTERM' },
    ],
  ])('exit of the run: %s', async (_what, code, exit) => {
    const s = new Session(server);
    await s.init('python', code);
    await s.closed;
    expect(s.messages.find((m) => m.type === 'exit')).toEqual({ type: 'exit', stage: 'run', ...exit });
  });

  it('a run goes on under the idle limit while it prints, and the wall-clock limit ends it as timeout', async () => {
    const s = new Session(server);
    // run_timeout lowers the interactive wall-clock limit, as in Piston.
    await s.init('python', 'import time\nwhile True:\n    print("tick", flush=True)\n    time.sleep(0.3)\n', {
      run_timeout: 4000,
    });
    expect(await s.closed).toEqual({ code: 4999, reason: 'Job Completed' });
    expect(resultOf(s)).toMatchObject({ Status: 'timeout', Timeout: true });
    expect(String(resultOf(s)!.ErrorString)).toContain('longer than 4000 ms');
    expect(s.stdout().split('tick').length - 1).toBeGreaterThan(5);
  });

  it('a compiled language tells Piston its stages in order with their exact shapes', async () => {
    const s = new Session(server, '/api/v2/connect');
    await s.init('c', ECHO.c);
    await s.stdin('x\n');
    await s.untilStdout('> X\n');
    await s.send({ type: 'eof' });
    expect(await s.closed).toEqual({ code: 4999, reason: 'Job Completed' });
    const version = (s.messages[0] as Message & { version: string }).version;
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(s.messages).toEqual([
      { type: 'runtime', language: 'c', version },
      { type: 'stage', stage: 'compile' },
      { type: 'exit', stage: 'compile', code: 0, signal: null },
      { type: 'stage', stage: 'run' },
      { type: 'data', stream: 'stdout', data: '> X\n' },
      { type: 'data', stream: 'stdout', data: 'bye\n' },
      { type: 'exit', stage: 'run', code: 0, signal: null },
    ]);
    // key order as Piston writes them
    expect(Object.keys(s.messages[2])).toEqual(['type', 'stage', 'code', 'signal']);
  });

  it('a compile error ends after the compile stage, with its output on stderr as in Piston', async () => {
    const s = new Session(server, '/api/v2/connect');
    await s.init('c', 'int main(void) { return x; }');
    expect(await s.closed).toEqual({ code: 4999, reason: 'Job Completed' });
    const types = s.messages.map((m) => `${m.type}${m.stage ? `:${m.stage}` : ''}`);
    expect(types[0]).toBe('runtime');
    expect(types[1]).toBe('stage:compile');
    expect(types.at(-1)).toBe('exit:compile');
    expect(types).not.toContain('stage:run');
    const messages = s.messages.filter((m) => m.type === 'data').map((m) => `${m.stream}: ${m.data}`);
    expect(messages).toEqual([expect.stringMatching(/^stderr: [^]*error: .x. undeclared/)]);
    expect(s.messages.at(-1)).toMatchObject({ code: 1, signal: null });
  });

  it("Piston's language names and versions are understood: c++ is cpp, a version prefix matches", async () => {
    const s = new Session(server, '/api/v2/connect');
    await s.send({ type: 'init', language: 'py', version: '3', files: [{ name: 'a.py', content: 'print(1)' }] });
    await s.closed;
    expect(s.messages[0]).toMatchObject({
      type: 'runtime',
      language: 'python',
      version: expect.stringMatching(/^3\./),
    });
    expect(s.stdout()).toBe('1\n');
  });
});

describe('misuse of the interactive protocol', () => {
  /** Opens a session, sends `messages` (objects or raw text), and returns what came back and the close. */
  async function exchange(path: string, ...messages: unknown[]) {
    const s = new Session(server, path);
    for (const m of messages) await s.send(m);
    return { close: await s.closed, messages: s.messages };
  }

  const notified = { code: 4002, reason: 'Notified Error' };

  it.each([
    ['no init within the init timeout', [], { code: 4001, reason: 'Initialization Timeout' }],
    [
      'stdin before init',
      [{ type: 'data', stream: 'stdin', data: 'x' }],
      { code: 4003, reason: 'Not yet initialized' },
    ],
    ['a signal before init', [{ type: 'signal', signal: 'SIGKILL' }], { code: 4003, reason: 'Not yet initialized' }],
  ])('%s: its close code', async (_what, messages, close) => {
    const r = await exchange('/api/v2/connect', ...messages);
    expect(r.close).toEqual(close);
    expect(r.messages).toEqual([]);
  });

  const init = { type: 'init', language: 'python', version: '*', files: [{ content: 'import sys\nsys.stdin.read()' }] };

  it.each([
    ['a second init', [init, init], { code: 4000, reason: 'Already Initialized' }],
    [
      'writing to stdout',
      [init, { type: 'data', stream: 'stdout', data: 'x' }],
      { code: 4004, reason: 'Can only write to stdin' },
    ],
    ['an unknown signal', [init, { type: 'signal', signal: 'SIGNOPE' }], { code: 4005, reason: 'Invalid signal' }],
  ])('%s: its close code, and the run it began is killed', async (_what, [first, misuse], close) => {
    const s = new Session(server, '/api/v2/connect');
    await s.send(first);
    await s.until((x) => x.messages.some((m) => m.type === 'stage' && m.stage === 'run'), 'the run');
    expect(await busySandboxes(server, 'python')).toBe(1);
    await s.send(misuse);
    expect(await s.closed).toEqual(close);
    expect(s.messages.filter((m) => m.type === 'error')).toEqual([]);
    await expect.poll(() => noRunLeft(server, instance, 'python'), { timeout: 5000, interval: 100 }).toBe(true);
  });

  it.each([
    ['text that is not JSON', ['{nope'], /JSON/],
    ['JSON that is not an object', ['42'], /JSON object/],
    ['an init without a language', [{ type: 'init', version: '*', files: [] }], /^language is required as a string$/],
    [
      'an init without a version',
      [{ type: 'init', language: 'python', files: [] }],
      /^version is required as a string$/,
    ],
    ['an init without files', [{ type: 'init', language: 'python', version: '*' }], /^files is required as an array$/],
    [
      'a file without content',
      [{ type: 'init', language: 'python', version: '*', files: [{ name: 'x' }] }],
      /^files\[0\]\.content is required as a string$/,
    ],
    [
      'an unknown language',
      [{ type: 'init', language: 'cobol', version: '*', files: [{ content: 'x' }] }],
      /^cobol-\* runtime is unknown$/,
    ],
    [
      'a version we do not have',
      [{ type: 'init', language: 'python', version: '2.7', files: [{ content: 'x' }] }],
      /^python-2\.7 runtime is unknown$/,
    ],
    [
      'a run_timeout past the limit',
      [{ ...init, run_timeout: 10_000_000 }],
      /^run_timeout cannot exceed the configured limit of 60000$/,
    ],
    [
      'a run_timeout that is not a number',
      [{ ...init, run_timeout: 'soon' }],
      /^If specified, run_timeout must be a number$/,
    ],
    ['stdin data that is not a string', [init, { type: 'data', stream: 'stdin', data: 5 }], /^data must be a string$/],
  ])('%s: an error message, then close 4002', async (_what, messages, text) => {
    const r = await exchange('/api/v2/connect', ...messages);
    expect(r.close).toEqual(notified);
    const error = r.messages.at(-1) as Message;
    expect(error.type).toBe('error');
    expect(String(error.message)).toMatch(text);
  });

  it('messages of other types are ignored, as Piston does', async () => {
    const r = await exchange('/api/v2/connect', { type: 'hello' }, { ...init, files: [{ content: 'print("ok")' }] });
    expect(r.close).toEqual({ code: 4999, reason: 'Job Completed' });
    const data = r.messages.filter((m) => m.type === 'data');
    expect(data.map((m) => m.data).join('')).toBe('ok\n');
    expect(data.every((m) => m.stream === 'stdout')).toBe(true);
  });

  it('other paths are refused, and the service keeps serving after all of the above', async () => {
    const s = new Session(server, '/api/v3/connect');
    await expect(s.opened).rejects.toThrow(/404/);
    const r = await compile(server, { language: 'python', code: 'print("still here")' });
    expect(r.status).toBe(200);
  });
});

describe('interactive runs and the rate limit', () => {
  const server = useServer({
    WEBCOMPILE_LANGUAGES: 'python',
    WEBCOMPILE_LANGUAGE_POOL_SIZE: '1',
    WEBCOMPILE_RATE_LIMIT_PER_MINUTE: '2',
    WEBCOMPILE_LOG_DIR: 'runs/test-interactive-rate',
  });

  it("an interactive run counts against the client's rate limit like any run", async () => {
    const run = async () => {
      const s = new Session(server, '/api/v2/connect');
      await s.init('python', 'print(1)');
      return { close: await s.closed, messages: s.messages };
    };
    expect((await run()).close).toEqual({ code: 4999, reason: 'Job Completed' });
    expect((await compile(server, { language: 'python', code: 'print(1)' })).status).toBe(200);
    const refused = await run();
    expect(refused.close).toEqual({ code: 4002, reason: 'Notified Error' });
    expect(refused.messages).toEqual([{ type: 'error', message: 'too many runs from 127.0.0.1; limit is 2 a minute' }]);
    expect((await compile(server, { language: 'python', code: 'print(1)' })).status).toBe(429);
  });
});

describe('a pool with no sandbox free', () => {
  // One Python sandbox, held by another client's long run: a new run waits for its turn.
  const server = useServer({
    WEBCOMPILE_LANGUAGES: 'python',
    WEBCOMPILE_LANGUAGE_POOL_SIZE: '1',
    WEBCOMPILE_ACQUIRE_TIMEOUT_MS: '2000',
    // No second sandbox either (a taken one's replacement would be one).
    WEBCOMPILE_MAX_CONTAINERS: '1',
    WEBCOMPILE_LOG_DIR: 'runs/test-interactive-busy',
  });

  /** Holds the only sandbox (from another address) until the returned function lets it go. */
  async function holdTheSandbox(): Promise<() => Promise<void>> {
    const s = new Session(server, '/api/connect', { localAddress: '127.0.0.2' });
    await s.init('python', 'import sys\nprint("holding", flush=True)\nsys.stdin.read()\n');
    await s.untilStdout('holding');
    return async () => {
      await s.send({ type: 'eof' });
      await s.closed;
    };
  }

  it('a streamed run that gets no sandbox in time is the HTTP error of a synchronous one (503, Retry-After)', async () => {
    const release = await holdTheSandbox();
    const streamed = await streamCompile(server, { language: 'python', code: 'print(1)' });
    const plain = await compile(server, { language: 'python', code: 'print(1)' });
    await release();
    expect(streamed.status).toBe(503);
    expect(streamed.headers.get('retry-after')).toBe(plain.headers.get('retry-after'));
    expect(streamed.events).toEqual([{ event: 'http', data: plain.body }]);
    expect(plain.body).toMatchObject({ Reason: 'busy' });
  });

  it('an interactive run that gets no sandbox in time says so: error, then close 4002', async () => {
    const release = await holdTheSandbox();
    const s = new Session(server, '/api/v2/connect');
    await s.init('python', 'print(1)');
    expect(await s.closed).toEqual({ code: 4002, reason: 'Notified Error' });
    await release();
    expect(s.messages.map((m) => m.type)).toEqual(['runtime', 'error']);
  });

  it('a kill while the run waits for its turn ends it with no stage, as a normal end', async () => {
    const release = await holdTheSandbox();
    const s = new Session(server, '/api/connect');
    await s.init('python', 'print(1)');
    await s.until((x) => x.messages.some((m) => m.type === 'runtime'), 'the runtime message');
    await s.send({ type: 'signal', signal: 'SIGINT' });
    expect(await s.closed).toEqual({ code: 4999, reason: 'Job Completed' });
    await release();
    expect(s.messages.map((m) => m.type)).toEqual(['runtime']);
  });
});
