// What the page knows about files: the name rule (the server's own), each language's entry file (the
// catalogue's sourceFile, found by its Monaco language), and the request bodies the page sends.
import { describe, expect, it } from 'vitest';
import { entryFileName, monacoLanguageOf, suggestFileName } from '@/app/ui/file-kinds';
import { fileNameProblem, newNameProblem } from '@/app/ui/file-names';
import { fileOf } from '@/app/ui/markers';
import { connectInit, runBody, testsBody } from '@/app/ui/request-body';
import type { Snapshot } from '@/app/ui/share';
import { LANGUAGES } from '@/lib/core/languages';
import { CATALOGUE, LANGUAGE_IDS } from '@/lib/languages/catalogue';

describe('file names', () => {
  it('are plain relative paths (one rule for the page and the server: lib/contract/file-name.ts)', () => {
    for (const name of ['main.py', 'lib/util.py', 'a-b_c.d.txt', 'x'.repeat(255)]) {
      expect(fileNameProblem(name), name).toBeUndefined();
    }
    const refused: [string, string][] = [
      ['', 'is empty'],
      ['/etc/passwd', "is an absolute path; names are relative to the program's folder"],
      ['../up.py', 'has a ".." segment'],
      ['a/../b.py', 'has a ".." segment'],
      ['./a.py', 'has a "." segment'],
      ['a//b.py', 'has an empty segment'],
      ['dir/', 'has an empty segment'],
      ['-rf', 'starts with "-"'],
      ['with space.py', 'may hold only letters, digits, ".", "_", "-", and "/" between folders'],
      ['é.py', 'may hold only letters, digits, ".", "_", "-", and "/" between folders'],
      ['a\\b.py', 'may hold only letters, digits, ".", "_", "-", and "/" between folders'],
      ['x'.repeat(256), 'is longer than 255 characters'],
    ];
    for (const [name, problem] of refused) expect(fileNameProblem(name), name).toBe(problem);
  });

  it('may not repeat a name, nor make a file of a folder or a folder of a file', () => {
    const others = ['main.py', 'lib/util.py'];
    expect(newNameProblem('helper.py', others)).toBeUndefined();
    expect(newNameProblem('lib/more.py', others)).toBeUndefined();
    expect(newNameProblem('main.py', others)).toBe('There is already a file main.py.');
    expect(newNameProblem('lib', others)).toMatch(/lib is a folder/);
    expect(newNameProblem('main.py/x.py', others)).toMatch(/main.py is a file/);
    expect(newNameProblem('a b.py', others)).toBe(
      'The name may hold only letters, digits, ".", "_", "-", and "/" between folders.',
    );
  });
});

describe('file kinds', () => {
  it("name every language's entry as the server names its code", () => {
    for (const id of LANGUAGE_IDS) expect(entryFileName(CATALOGUE[id].monaco), id).toBe(LANGUAGES[id].sourceFile);
    expect(entryFileName(undefined)).toBe('main');
  });

  it("highlight a file by its extension, as Monaco's registry of languages knows it", () => {
    // What monaco.languages.getLanguages() says, in part.
    const known = [
      { id: 'plaintext', extensions: ['.txt'] },
      { id: 'c', extensions: ['.c', '.h'] },
      { id: 'cpp', extensions: ['.cpp', '.cc', '.cxx', '.hpp', '.hh', '.hxx'] },
      { id: 'python', extensions: ['.py', '.rpy', '.pyw', '.cpy', '.gyp', '.gypi'] },
      { id: 'freemarker2' },
    ];
    expect(monacoLanguageOf('util.h', known)).toBe('c');
    expect(monacoLanguageOf('util.hpp', known)).toBe('cpp');
    expect(monacoLanguageOf('lib/x.PY', known)).toBe('python');
    expect(monacoLanguageOf('notes.txt', known, 'go')).toBe('plaintext');
    expect(monacoLanguageOf('data.csv', known)).toBe('plaintext');
    expect(monacoLanguageOf('data.csv', known, 'go')).toBe('go');
    expect(monacoLanguageOf('Makefile', known)).toBe('plaintext');
    expect(monacoLanguageOf('main', known, 'rust')).toBe('rust');
    expect(monacoLanguageOf('.hidden', known, 'rust')).toBe('rust');
  });

  it('suggest a free name with the entry extension', () => {
    expect(suggestFileName(['main.py'])).toBe('helper.py');
    expect(suggestFileName(['main.py', 'helper.py'])).toBe('helper2.py');
    expect(suggestFileName(['main'])).toBe('helper.txt');
  });

  it("put a diagnostic in its file, or in the entry when it names none of the program's", () => {
    const d = { line: 1, column: 1, severity: 'error' as const, code: '', message: '' };
    expect(fileOf({ ...d, file: 'lib/util.py' }, ['main.py', 'lib/util.py'])).toBe('lib/util.py');
    expect(fileOf({ ...d, file: '/usr/include/stdio.h' }, ['main.c', 'x.h'])).toBe('main.c');
    expect(fileOf(d, ['main.c', 'x.h'])).toBe('main.c');
  });
});

describe('request bodies', () => {
  const one: Snapshot = {
    files: [{ name: 'main.py', content: 'print(1)' }],
    stdin: 'in',
    language: 'python',
    args: '',
    tests: [],
  };
  const two: Snapshot = { ...one, files: [...one.files, { name: 'helper.py', content: 'X = 1' }] };

  it('send a program of one file as code, exactly as before, with no args field when there are none', () => {
    expect(runBody(one)).toEqual({ body: { code: 'print(1)', language: 'python', stdin: 'in' }, problem: null });
  });

  it('send several files as files, the entry first, and the arguments split', () => {
    expect(runBody({ ...two, args: `a "b c"` }).body).toEqual({
      files: [
        { name: 'main.py', content: 'print(1)' },
        { name: 'helper.py', content: 'X = 1' },
      ],
      language: 'python',
      stdin: 'in',
      args: ['a', 'b c'],
    });
  });

  it('do not send arguments that cannot be split', () => {
    expect(runBody({ ...one, args: '"open' })).toEqual({
      body: null,
      problem: 'Arguments: a double quote (") is not closed.',
    });
  });

  it("send each test with its stdin, its own arguments or else the program's, and its expected output if any", () => {
    const s: Snapshot = {
      ...one,
      args: 'p',
      tests: [
        { stdin: '1\n', args: '', expectedOutput: '2\n' },
        { stdin: '', args: "'x y'", expectedOutput: '' },
      ],
    };
    expect(testsBody(s).body).toEqual({
      code: 'print(1)',
      language: 'python',
      tests: [
        { stdin: '1\n', args: ['p'], expectedOutput: '2\n' },
        { stdin: '', args: ['x y'] },
      ],
    });
    expect(testsBody({ ...s, tests: [{ stdin: '', args: "'", expectedOutput: '' }] }).problem).toBe(
      "Test 1's arguments: a single quote (') is not closed.",
    );
  });

  it('make the WebSocket init of a run: a lone file nameless as before, several with names, the arguments', () => {
    expect(connectInit(runBody(one).body!)).toEqual({
      type: 'init',
      language: 'python',
      version: '*',
      files: [{ content: 'print(1)' }],
    });
    expect(connectInit(runBody({ ...two, args: "'a b'" }).body!)).toEqual({
      type: 'init',
      language: 'python',
      version: '*',
      files: two.files,
      args: ['a b'],
    });
  });
});
