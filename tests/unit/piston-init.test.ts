// Piston's init message checked in Piston's order with its texts (lib/http/piston-init.ts), and its
// language names and version selectors (lib/http/piston-names.ts).
import { describe, expect, it } from 'vitest';
import { parsePistonInit, PistonInitError, SIGNALS, type InitContext } from '@/lib/http/piston-init';
import { LANGUAGES } from '@/lib/core/languages';
import { languageFromPiston, pistonName, semverOf, versionMatches } from '@/lib/http/piston-names';

const ctx: InitContext = {
  enabled: ['python', 'cpp', 'csharp'],
  versions: { python: '3.11.2', cpp: '12.2.0', csharp: '6.8.0' },
  limits: {
    runTimeoutMs: 60000,
    compileTimeoutMs: 10000,
    memoryBytes: (id) => (id === 'cpp' ? 512 : 256) * 1024 * 1024,
    runMemoryBytes: null,
  },
  maxCodeBytes: 100,
  maxFiles: 3,
  maxArgs: 2,
  maxArgsBytes: 16,
  maxStdinBytes: 10,
};
const ok = { language: 'python', version: '3', files: [{ content: 'print(1)' }] };
const error = (m: Record<string, unknown>) => {
  try {
    parsePistonInit(m, ctx);
  } catch (e) {
    if (e instanceof PistonInitError) return e.message;
    throw e;
  }
  return null;
};

describe("Piston's init", () => {
  it('a valid init names our language, its version and the program', () => {
    expect(parsePistonInit({ ...ok, run_timeout: 5000 }, ctx)).toEqual({
      language: 'python',
      pistonLanguage: 'python',
      version: '3.11.2',
      files: [{ name: 'main.py', content: 'print(1)' }],
      args: [],
      stdin: '',
      runTimeoutMs: 5000,
      compileTimeoutMs: null,
      runMemoryMb: null,
    });
    expect(parsePistonInit({ ...ok, language: 'c++', version: '*' }, ctx)).toMatchObject({
      language: 'cpp',
      pistonLanguage: 'c++',
    });
  });

  it('takes files, args and stdin as execute does; its stdin as given (no newline added)', () => {
    const files = [
      { name: 'app.py', content: 'import util' },
      { name: 'util.py', content: 'x = 1' },
    ];
    const init = parsePistonInit({ ...ok, files, args: ['a b', 'c'], stdin: '1 2', compile_timeout: 3000 }, ctx);
    expect(init).toMatchObject({
      files,
      args: ['a b', 'c'],
      stdin: '1 2',
      compileTimeoutMs: 3000,
    });
    expect(error({ ...ok, stdin: 'x'.repeat(11) })).toBe('stdin is larger than 10 bytes');
    expect(error({ ...ok, args: ['1', '2', '3'] })).toBe('too many args: 3 (at most 2)');
    expect(error({ ...ok, files: [1, 2, 3, 4].map((n) => ({ name: `f${n}.py`, content: 'x' })) })).toBe(
      'too many files: 4 (at most 3)',
    );
  });

  it('the first failure wins, in Piston order', () => {
    expect(error({})).toBe('language is required as a string');
    expect(error({ language: '' })).toBe('language is required as a string');
    expect(error({ language: 'python' })).toBe('version is required as a string');
    expect(error({ language: 'python', version: '*', files: {} })).toBe('files is required as an array');
    expect(error({ language: 'python', version: '*', files: [{ content: 'x' }, { content: 1 }] })).toBe(
      'files[1].content is required as a string',
    );
    expect(error({ language: 'cobol', version: '*', files: [] })).toBe('cobol-* runtime is unknown');
    expect(error({ language: 'python', version: '2', files: [] })).toBe('python-2 runtime is unknown');
    expect(error({ language: 'python', version: '*', files: [] })).toBe(
      'files must include at least one utf8 encoded file',
    );
    expect(error({ ...ok, files: [{ content: 'x', encoding: 'base64' }] })).toBe(
      'files must include at least one utf8 encoded file',
    );
  });

  it('limits: not a number, past ours, negative; 0 means ours', () => {
    expect(error({ ...ok, run_timeout: '1' })).toBe('If specified, run_timeout must be a number');
    expect(error({ ...ok, run_timeout: 60001 })).toBe('run_timeout cannot exceed the configured limit of 60000');
    expect(error({ ...ok, compile_timeout: -1 })).toBe('compile_timeout must be non-negative');
    // memory before timeouts, compile before run
    expect(error({ ...ok, run_timeout: 'x', run_memory_limit: 'y', compile_memory_limit: 'z' })).toBe(
      'If specified, compile_memory_limit must be a number',
    );
    expect(parsePistonInit({ ...ok, run_timeout: 0 }, ctx).runTimeoutMs).toBeNull();
    // a language's own memory (C++ gets more)
    expect(error({ ...ok, run_memory_limit: 300 * 1024 * 1024 })).toBe(
      `run_memory_limit cannot exceed the configured limit of ${256 * 1024 * 1024}`,
    );
    expect(error({ ...ok, language: 'c++', version: '*', run_memory_limit: 300 * 1024 * 1024 })).toBeNull();
    expect(error({ ...ok, files: [{ content: 'x', encoding: null }] })).toBeNull();
  });

  it('a program past our size limit is refused with a reason', () => {
    expect(error({ ...ok, files: [{ content: 'x'.repeat(101) }] })).toBe('files are larger than 100 bytes in all');
  });

  it("knows Piston's signal names, and no others", () => {
    for (const s of ['SIGKILL', 'SIGINT', 'SIGTERM', 'SIGRTMIN+3', 'SIGRTMAX-14', 'SIGSTKFLT'])
      expect(SIGNALS.has(s)).toBe(true);
    for (const s of ['KILL', 'sigkill', '9', 'SIGRTMIN+16', 'SIGRTMAX-15']) expect(SIGNALS.has(s)).toBe(false);
  });
});

describe("Piston's names", () => {
  it('maps names and aliases to enabled ids only', () => {
    expect(languageFromPiston('c++', ['cpp'])).toBe('cpp');
    expect(languageFromPiston('cpp', ['cpp'])).toBe('cpp');
    expect(languageFromPiston('PY3', ['python'])).toBe('python');
    expect(languageFromPiston('py', ['csharp'])).toBeUndefined();
    expect(languageFromPiston('cobol', ['python'])).toBeUndefined();
    expect(pistonName('cpp')).toBe('c++');
    expect(pistonName('python')).toBe('python');
  });

  it("resolves each alias Piston's packages give, with every language enabled", () => {
    const all = Object.keys(LANGUAGES);
    const aliases: Record<string, string> = {
      py: 'python',
      py3: 'python',
      python3: 'python',
      js: 'javascript',
      node: 'javascript',
      'node-js': 'javascript',
      ts: 'typescript',
      'node-ts': 'typescript',
      tsc: 'typescript',
      'c++': 'cpp',
      'g++': 'cpp',
      gcc: 'c',
      cs: 'csharp',
      'c#': 'csharp',
      mono: 'csharp',
      'mono-csharp': 'csharp',
      rs: 'rust',
      rb: 'ruby',
      ruby3: 'ruby',
      sh: 'bash',
      golang: 'go',
      pl: 'perl',
    };
    expect(Object.fromEntries(Object.keys(aliases).map((a) => [a, languageFromPiston(a, all)]))).toEqual(aliases);
    expect(languageFromPiston('python3.11', all, { python: '3.11.2' })).toBe('python');
    expect(languageFromPiston('python3.12', all, { python: '3.11.2' })).toBeUndefined();
  });

  it('versions: x.y.z from a label, selectors as SemVer ranges (as Piston reads them)', () => {
    expect(semverOf('rustc 1.63.0')).toBe('1.63.0');
    expect(semverOf('Mono 6.8')).toBe('6.8.0');
    expect(semverOf(null)).toBe('0.0.0');
    expect(versionMatches('*', '3.11.2')).toBe(true);
    expect(versionMatches('3', '3.11.2')).toBe(true);
    expect(versionMatches('3.11', '3.11.2')).toBe(true);
    expect(versionMatches('3.11.2', '3.11.2')).toBe(true);
    expect(versionMatches('3.x', '3.11.2')).toBe(true);
    expect(versionMatches('3.1', '3.11.2')).toBe(false);
    expect(versionMatches('2', '3.11.2')).toBe(false);
    expect(versionMatches('3.11.2.1', '3.11.2')).toBe(false);
    expect(versionMatches('abc', '3.11.2')).toBe(false);
    expect(versionMatches('^3.10', '3.11.2')).toBe(true);
    expect(versionMatches('~3.11.0', '3.11.2')).toBe(true);
    expect(versionMatches('>=3.12', '3.11.2')).toBe(false);
    expect(versionMatches('>=3 <4', '3.11.2')).toBe(true);
    expect(versionMatches('3.10 || 3.11', '3.11.2')).toBe(true);
    expect(versionMatches('latest', '3.11.2')).toBe(false); // not a range: Piston knows no such runtime
  });
});
