// The body's `files` and `args` (lib/http/compile-request.ts): files instead of code, never both;
// plain relative names, no two alike; at most WEBCOMPILE_MAX_FILES of them and WEBCOMPILE_MAX_CODE_BYTES
// in all, decoded; base64 for bytes, UTF-8 for sources; args of strings within WEBCOMPILE_MAX_ARGS and
// WEBCOMPILE_MAX_ARGS_BYTES.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config/config';
import { fileContent, parseCompileRequest, type CompileRequest } from '@/lib/http/compile-request';
import { post, refusalOf } from './helpers/compile-body';

const limits = { ...loadConfig({}), maxCodeBytes: 100, maxFiles: 4, maxArgs: 3, maxArgsBytes: 20 };
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');

const parse = (body: Record<string, unknown>) => parseCompileRequest(post(body), limits);
const refusal = (body: Record<string, unknown>) => refusalOf(parse(body));

const py = (name: string, content = 'print(1)') => ({ name, content });

describe('files', () => {
  it('are read in their order, with the language and no code', async () => {
    const r = await parse({ language: 'python', files: [py('main.py', 'import util'), py('util.py', 'x = 1')] });
    expect(r).toEqual({
      files: [
        { name: 'main.py', content: 'import util' },
        { name: 'util.py', content: 'x = 1' },
      ],
      language: 'python',
      stdin: '',
      timeoutMs: 5000,
    });
    expect(r.code).toBeUndefined();
  });

  it('take folders, dots, dashes and underscores in their names', async () => {
    const names = ['main.py', 'lib/util_2.py', 'a-b/c.d/.hidden', 'data/x..y'];
    const r = await parse({ language: 'python', files: names.map((n) => py(n)) });
    expect(r.files!.map((f) => f.name)).toEqual(names);
  });

  it('decode base64 to the exact bytes, those that are not UTF-8 included', async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a, 0xc3]);
    const r = await parse({
      language: 'python',
      files: [py('main.py'), { name: 'data.bin', content: b64(bytes), encoding: 'base64' }],
    });
    expect(fileContent(r.files![1])).toEqual(bytes);
    expect(fileContent(r.files![0])).toBe('print(1)');
    const utf8 = await parse({ language: 'python', files: [{ ...py('main.py'), encoding: 'utf8' }] });
    expect(fileContent(utf8.files![0])).toBe('print(1)');
  });

  it('accept a base64 source that is UTF-8, and an empty data file', async () => {
    const r = await parse({
      language: 'python',
      files: [
        { name: 'main.py', content: b64('print("é")'), encoding: 'base64' },
        { name: 'empty.txt', content: '' },
        { name: 'empty.bin', content: '', encoding: 'base64' },
      ],
    });
    expect(fileContent(r.files![0]).toString()).toBe('print("é")');
  });

  it('may be as many as WEBCOMPILE_MAX_FILES, of WEBCOMPILE_MAX_CODE_BYTES in all', async () => {
    const files = ['a', 'b', 'c', 'd'].map((n) => py(`${n}.py`, 'x'.repeat(25)));
    expect((await parse({ language: 'python', files })).files).toHaveLength(4);
    // 75 bytes decoded are 100 characters of base64: the decoded size counts.
    const big = { name: 'd.bin', content: b64(Buffer.alloc(75)), encoding: 'base64' };
    expect((await parse({ language: 'python', files: [py('a.py', 'x'.repeat(25)), big] })).files).toHaveLength(2);
  });

  it.each<[string, Record<string, unknown>, number, string]>([
    ['code and files', { code: 'x', files: [py('main.py')] }, 400, 'send either "code" or "files", not both'],
    ['empty code and files', { code: '', files: [py('main.py')] }, 400, 'field "code" is empty'],
    ['neither', {}, 400, 'missing field "code"'],
    [
      'files that are not an array',
      { files: 'main.py' },
      400,
      'field "files" must be an array of {"name", "content"} objects',
    ],
    ['no files', { files: [] }, 400, 'field "files" is empty'],
    [
      'a file that is not an object',
      { files: [py('a.py'), 'b.py'] },
      400,
      'files[1] must be an object like {"name": "main.py", "content": "..."}',
    ],
    ['a file without a name', { files: [py('a.py'), { content: 'x' }] }, 400, 'files[1]: "name" must be a string'],
    ['a name that is not a string', { files: [{ name: 5, content: 'x' }] }, 400, 'files[0]: "name" must be a string'],
    ['a file without content', { files: [py('a.py'), { name: 'b.py' }] }, 400, 'files[1]: "content" must be a string'],
    [
      'content that is not a string',
      { files: [{ name: 'a.py', content: [1] }] },
      400,
      'files[0]: "content" must be a string',
    ],
    [
      'an unknown encoding',
      { files: [{ ...py('a.py'), encoding: 'hex' }] },
      400,
      'files[0]: "encoding" must be "utf8" or "base64"',
    ],
    [
      'too many files',
      { files: ['a', 'b', 'c', 'd', 'e'].map((n) => py(`${n}.py`)) },
      400,
      'too many files: 5 (at most 4)',
    ],
    ['an empty name', { files: [py('a.py'), py('')] }, 400, 'file name "" is empty'],
    [
      'an absolute name',
      { files: [py('/etc/passwd')] },
      400,
      'file name "/etc/passwd" is an absolute path; names are relative to the program\'s folder',
    ],
    [
      'a ".." segment',
      { files: [py('a.py'), py('lib/../../x.py')] },
      400,
      'file name "lib/../../x.py" has a ".." segment',
    ],
    ['a ".." name', { files: [py('..')] }, 400, 'file name ".." has a ".." segment'],
    ['a "." segment', { files: [py('./a.py')] }, 400, 'file name "./a.py" has a "." segment'],
    ['an empty segment', { files: [py('lib//a.py')] }, 400, 'file name "lib//a.py" has an empty segment'],
    ['a name that ends in /', { files: [py('lib/')] }, 400, 'file name "lib/" has an empty segment'],
    [
      'a space',
      { files: [py('my file.py')] },
      400,
      'file name "my file.py" may hold only letters, digits, ".", "_", "-", and "/" between folders',
    ],
    [
      'a backslash',
      { files: [py('a\\b.py')] },
      400,
      'file name "a\\\\b.py" may hold only letters, digits, ".", "_", "-", and "/" between folders',
    ],
    [
      'a NUL',
      { files: [py('a\u0000.py')] },
      400,
      'file name "a\\u0000.py" may hold only letters, digits, ".", "_", "-", and "/" between folders',
    ],
    [
      'a letter that is not ASCII',
      { files: [py('é.py')] },
      400,
      'file name "é.py" may hold only letters, digits, ".", "_", "-", and "/" between folders',
    ],
    ['a leading dash', { files: [py('-o.py')] }, 400, 'file name "-o.py" starts with "-"'],
    [
      'a name too long',
      { files: [py(`${'a'.repeat(256)}`)] },
      400,
      `file name "${'a'.repeat(100)}..." is longer than 255 characters`,
    ],
    ['a name given twice', { files: [py('a.py'), py('b.py'), py('a.py')] }, 400, 'file "a.py" is given twice'],
    [
      'a file inside a file',
      { files: [py('a.py'), py('lib'), py('lib/b.py')] },
      400,
      'file "lib/b.py" is inside the file "lib"',
    ],
    [
      'bad base64',
      { files: [py('a.py'), { name: 'd.bin', content: 'not base64!', encoding: 'base64' }] },
      400,
      'file "d.bin": "content" is not valid base64',
    ],
    [
      'base64 without its padding',
      { files: [py('a.py'), { name: 'd.bin', content: 'YWI', encoding: 'base64' }] },
      400,
      'file "d.bin": "content" is not valid base64',
    ],
    [
      'a lone surrogate',
      { files: [py('a.py', 'print("\ud800")')] },
      400,
      'file "a.py": "content" is not valid Unicode text (a lone surrogate); send bytes as base64',
    ],
    [
      'a source that is not UTF-8',
      {
        language: 'python',
        files: [py('a.py'), { name: 'lib.py', content: b64(Buffer.from([0xff])), encoding: 'base64' }],
      },
      400,
      'file "lib.py" is a source file and is not UTF-8',
    ],
    [
      'an entry that is not UTF-8',
      { language: 'python', files: [{ name: 'run', content: b64(Buffer.from([0xc3])), encoding: 'base64' }] },
      400,
      'file "run" is a source file and is not UTF-8',
    ],
    [
      'too large',
      { files: [py('a.py', 'x'.repeat(60)), py('b.py', 'é'.repeat(21))] },
      413,
      'files are larger than 100 bytes in all (at "b.py")',
    ],
    [
      'too large decoded',
      { files: [py('a.py'), { name: 'd.bin', content: b64(Buffer.alloc(93)), encoding: 'base64' }] },
      413,
      'files are larger than 100 bytes in all (at "d.bin")',
    ],
  ])('refuse %s', async (_what, body, status, text) => {
    expect(await refusal({ language: 'python', ...body })).toEqual([status, text]);
  });

  it("refuse non-UTF-8 bytes only in the language's own sources (a .py is data to C)", async () => {
    const bin = { name: 'x.py', content: b64(Buffer.from([0xff])), encoding: 'base64' };
    expect(await refusal({ language: 'python', files: [py('main.py'), bin] })).toEqual([
      400,
      'file "x.py" is a source file and is not UTF-8',
    ]);
    const r = await parse({ language: 'c', files: [{ name: 'main.c', content: 'int main(){}' }, bin] });
    expect(fileContent(r.files![1])).toEqual(Buffer.from([0xff]));
    expect(
      await refusal({
        language: 'c',
        files: [
          { name: 'main.c', content: 'x' },
          { ...bin, name: 'x.h' },
        ],
      }),
    ).toEqual([400, 'file "x.h" is a source file and is not UTF-8']);
  });

  it('are not taken from a form, which sends code', async () => {
    const form = new Request('http://x', {
      method: 'POST',
      body: new URLSearchParams({ files: 'main.py' }),
    });
    await expect(parseCompileRequest(form, limits)).rejects.toMatchObject({
      status: 400,
      message: 'field "files" must be an array of {"name", "content"} objects',
    });
  });
});

describe('args', () => {
  const code = { code: 'x' };

  it('are passed exactly, and absent when not sent', async () => {
    const args = ['a b', '"q\'', 'ü→😀'];
    expect((await parse({ ...code, args })).args).toEqual(args);
    expect((await parse({ ...code, args: [] })).args).toEqual([]);
    expect((await parse(code)).args).toBeUndefined();
    const r: CompileRequest = await parse({ files: [py('main.py')], args: ['', '-x'] });
    expect(r.args).toEqual(['', '-x']);
  });

  it('may be as many as WEBCOMPILE_MAX_ARGS, of WEBCOMPILE_MAX_ARGS_BYTES in all', async () => {
    expect((await parse({ ...code, args: ['1234567', '1234567', '123456'] })).args).toHaveLength(3);
  });

  it.each<[string, unknown, number, string]>([
    ['not an array', 'a b', 400, 'field "args" must be an array of strings'],
    ['null', null, 400, 'field "args" must be an array of strings'],
    ['a number among them', ['a', 5], 400, 'args[1] must be a string'],
    ['null among them', [null], 400, 'args[0] must be a string'],
    ['too many', ['a', 'b', 'c', 'd'], 400, 'too many args: 4 (at most 3)'],
    ['a NUL', ['a', 'b\u0000c'], 400, 'args[1] holds a NUL character'],
    ['a lone surrogate', ['\udc00'], 400, 'args[0] is not valid Unicode text (a lone surrogate)'],
    ['too large', ['1234567890', '12345678901'], 413, 'args are larger than 20 bytes in all'],
    ['too large in bytes', ['éééééééééé', 'x'], 413, 'args are larger than 20 bytes in all'],
  ])('refuse %s', async (_what, args, status, text) => {
    expect(await refusal({ ...code, args })).toEqual([status, text]);
  });
});
