// One client cannot starve another: a client has at most WEBCOMPILE_CLIENT_MAX_IN_FLIGHT runs and
// compiles going at once, waiting clients take turns in every pool, and slow compiles that hold the
// warm compilers send others' compiles to the sandbox instead of making them wait. 127.0.0.2 plays
// the second client. The assertions are about order and verdicts, never about speed (see
// `npm run bench -- --fairness` for the numbers).
import { setMaxListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileBomb } from './helpers/programs';
import { streamCompile } from './helpers/live';
import { compileFrom, eventually, GVISOR, useServer, type CompileAnswer } from './helpers/server';

const FLOODER = '127.0.0.1';
const VICTIM = '127.0.0.2';

let flood: AbortController;
beforeEach(() => {
  flood = new AbortController();
  setMaxListeners(32, flood.signal); // one listener per flood request in flight
});
afterEach(() => flood.abort());

/** Starts `n` requests from the flooder; their answers (or failures, once aborted) are collected. */
function startFlood(
  server: Parameters<typeof compileFrom>[0],
  n: number,
  body: (i: number) => Record<string, unknown>,
) {
  const answers: CompileAnswer[] = [];
  for (let i = 0; i < n; i++) {
    compileFrom(server, body(i), { localAddress: FLOODER, signal: flood.signal }).then(
      (a) => answers.push(a),
      () => {}, // aborted at the end of the test
    );
  }
  return answers;
}

const stats = async (server: { url: string }) => (await fetch(`${server.url}/api/stats`)).json();

describe('a client that floods a language with busy loops', () => {
  // The flood's requests over its cap wait (and are not answered) for as long as the test runs.
  const server = useServer({
    WEBCOMPILE_LANGUAGES: 'python',
    WEBCOMPILE_LANGUAGE_POOL_SIZE: '1',
    WEBCOMPILE_CLIENT_MAX_IN_FLIGHT: '4',
    WEBCOMPILE_ACQUIRE_TIMEOUT_MS: '30000',
  });

  it('holds at most its cap of sandboxes, and another client is answered while every flood run still runs', async () => {
    const answers = startFlood(server, 16, (i) => ({
      language: 'python',
      code: `# ${i}\nwhile True:\n    pass\n`,
      timeoutMs: 15000,
    }));
    await eventually(
      async () => (await stats(server)).pools.python.busy === 4,
      20_000,
      'the flood to hold its four sandboxes',
    );
    const victim = await compileFrom(server, { language: 'python', code: 'print("hello")' }, { localAddress: VICTIM });
    expect(victim.status).toBe(200);
    expect(victim.body).toMatchObject({ Status: 'ok', Output: 'hello\n' });
    expect(answers).toEqual([]); // the victim did not wait for any of the flood's runs
    const s = await stats(server);
    expect(s.pools.python.busy).toBeLessThanOrEqual(4);
  });
});

describe('a client that floods C# with slow compiles', () => {
  // The flood's bombs (depth 7) take mcs past the compile limit, the one of depth 5 about a second;
  // a warm compiler gets 200 ms of either.
  const server = useServer({
    WEBCOMPILE_POOL_SIZE: '2',
    WEBCOMPILE_COMPILER_POOL_SIZE: '2',
    WEBCOMPILE_CLIENT_MAX_IN_FLIGHT: '4',
    WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS: '200',
    WEBCOMPILE_ACQUIRE_TIMEOUT_MS: '30000',
    // Under gVisor the victim's fresh sandbox and mono start through ptrace beside four bombs on two
    // cores, which takes seconds. The bombs' compile limit is raised there, so that only waiting behind
    // a bomb, not gVisor's slowness, could let a bomb be answered first.
    ...(GVISOR ? { WEBCOMPILE_COMPILE_TIMEOUT_MS: '30000' } : {}),
  });

  it('another client still gets its program compiled and run first', async () => {
    const answers = startFlood(server, 8, (i) => ({ code: compileBomb(7, `bomb ${i}`) }));
    // All eight reached the server: four compile (warm, then in sandboxes), four wait their turn.
    await eventually(async () => (await stats(server)).requests.inFlight === 8, 20_000, 'the bombs to arrive');
    if (GVISOR) {
      // The bombs passed the warm limit and their compilers are being replaced. Under gVisor a compile
      // in the sandbox (mcs through ptrace, beside four bombs on two cores) takes longer than the
      // bombs' compile limit, so there the victim waits for a fresh warm compiler (those run outside
      // gVisor); its turn and its sandbox are what this test is about.
      await eventually(async () => (await stats(server)).compilers.csharp.idle > 0, 20_000, 'a fresh warm compiler');
    }
    const victim = await compileFrom(
      server,
      { code: 'class P { static void Main() { System.Console.WriteLine("hello " + (6 * 7)); } }' },
      { localAddress: VICTIM },
    );
    expect(victim.body).toMatchObject({ Status: 'ok', Output: 'hello 42\n' });
    expect(answers).toEqual([]);
  });

  it('a compile past the warm limit is finished by the sandbox, within the compile limit', async () => {
    const r = await compileFrom(server, { code: compileBomb(5, 'alone') }, { localAddress: VICTIM });
    // The bomb's calls are ambiguous: mcs says so, after its seconds of work, in the sandbox.
    expect(r.body).toMatchObject({ Status: 'compile_error', Output: '', Timeout: false });
    expect(r.body.ErrorString).toContain('error CS0121: The call is ambiguous');
    expect((await stats(server)).warmCompileFallbacks.timeout).toBeGreaterThanOrEqual(1);
  });
});

describe('a client whose tests ask for more sandboxes than the pool has', () => {
  // Eight busy loops, each stopped by its time limit, eight at once: two sandboxes run them and six
  // wait in the pool's line. The victim arrives then, and the line takes clients in turn.
  const server = useServer({
    WEBCOMPILE_LANGUAGES: 'python',
    WEBCOMPILE_LANGUAGE_POOL_SIZE: '2',
    WEBCOMPILE_TEST_PARALLELISM: '8',
    // No sandbox beyond the two: the line, not a new container, decides who runs next.
    WEBCOMPILE_MAX_CONTAINERS: '2',
    WEBCOMPILE_ACQUIRE_TIMEOUT_MS: '60000',
  });

  it("another client's run takes the first sandbox freed, not the last", async () => {
    let finished = 0;
    const tests = streamCompile(
      server,
      {
        language: 'python',
        code: 'while True:\n    pass\n',
        limits: { timeoutMs: 3000 },
        tests: Array.from({ length: 8 }, () => ({})),
      },
      (e) => {
        if (e.event === 'test_finished') finished++;
      },
      flood.signal,
    ).catch(() => null); // aborted at the end of the test
    await eventually(
      async () => (await stats(server)).pools.python.waiting >= 6,
      20_000,
      'the tests to hold both sandboxes and wait for six',
    );
    const victim = await compileFrom(server, { language: 'python', code: 'print("hello")' }, { localAddress: VICTIM });
    const finishedBeforeVictim = finished;
    expect(victim.body).toMatchObject({ Status: 'ok', Output: 'hello\n' });
    // Served in turn, the victim had the first round's sandbox; first come first served, the seventh.
    expect(finishedBeforeVictim).toBeLessThanOrEqual(2);
    void tests;
  });
});
