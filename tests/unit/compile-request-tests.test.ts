// The body's `tests` (lib/http/compile-request.ts): objects of stdin, args and expectedOutput, a cap
// on their count and on their size, each test's stdin and args checked as the request's own.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config/config';
import { parseCompileRequest } from '@/lib/http/compile-request';
import { post, refusalOf } from './helpers/compile-body';

const limits = { ...loadConfig({}), maxTests: 3, maxTestsBytes: 100, maxStdinBytes: 40, maxArgs: 2 };

const parse = (body: Record<string, unknown>) => parseCompileRequest(post(body), limits);
const refusal = (body: Record<string, unknown>) => refusalOf(parse(body));

describe('tests', () => {
  it('are read as sent, and absent otherwise', async () => {
    const tests = [{ stdin: '1 2', expectedOutput: '3' }, { args: ['a b'] }, {}];
    expect((await parse({ code: 'x', tests })).tests).toEqual(tests);
    expect((await parse({ code: 'x' })).tests).toBeUndefined();
  });

  it('too many, or none, is a 400', async () => {
    expect(await refusal({ code: 'x', tests: [{}, {}, {}, {}] })).toEqual([400, 'too many tests: 4 (at most 3)']);
    expect(await refusal({ code: 'x', tests: [] })).toEqual([400, 'field "tests" is empty']);
  });

  it('a malformed test is a 400 that names it', async () => {
    expect(await refusal({ code: 'x', tests: 'abc' })).toEqual([
      400,
      'field "tests" must be an array of {"stdin", "expectedOutput"} objects',
    ]);
    expect(await refusal({ code: 'x', tests: [{}, 5] })).toEqual([
      400,
      'tests[1] must be an object like {"stdin": "1 2", "expectedOutput": "3"}',
    ]);
    expect(await refusal({ code: 'x', tests: [{ stdin: 1 }] })).toEqual([400, 'tests[0]: "stdin" must be a string']);
    expect(await refusal({ code: 'x', tests: [{ expectedOutput: null }] })).toEqual([
      400,
      'tests[0]: "expectedOutput" must be a string',
    ]);
    expect(await refusal({ code: 'x', tests: [{ args: 'a' }] })).toEqual([
      400,
      'tests[0]: "args" must be an array of strings',
    ]);
    expect(await refusal({ code: 'x', tests: [{ expected: '3' }] })).toEqual([
      400,
      'tests[0]: unknown field "expected"; a test has "stdin", "args" and "expectedOutput"',
    ]);
  });

  it("each test's stdin and args have the request's own caps", async () => {
    expect(await refusal({ code: 'x', tests: [{}, { stdin: 'y'.repeat(41) }] })).toEqual([
      413,
      'tests[1]: stdin is larger than 40 bytes',
    ]);
    expect(await refusal({ code: 'x', tests: [{ args: ['a', 'b', 'c'] }] })).toEqual([
      400,
      'too many tests[0].args: 3 (at most 2)',
    ]);
    expect(await refusal({ code: 'x', tests: [{ args: ['a\0'] }] })).toEqual([
      400,
      'tests[0].args[0] holds a NUL character',
    ]);
  });

  it('all together are at most WEBCOMPILE_MAX_TESTS_BYTES (413 beyond)', async () => {
    const test = { stdin: 'i'.repeat(30), expectedOutput: 'o'.repeat(20) };
    expect((await parse({ code: 'x', tests: [test, test] })).tests).toHaveLength(2);
    expect(await refusal({ code: 'x', tests: [test, test, { args: ['z'] }] })).toEqual([
      413,
      'tests are larger than 100 bytes in all',
    ]);
  });
});
