// The zod schema of Piston's execute body (lib/http/piston-execute-body.ts, which the OpenAPI document
// shows) and the validator the server checks bodies with (parsePistonExecute, Piston's messages in
// Piston's order) take and refuse the same bodies; the few where they differ on purpose are listed.
import { describe, expect, it } from 'vitest';
import { pistonExecuteBodySchema } from '@/lib/http/piston-execute-body';
import { parsePistonExecute, PistonInitError, type ExecuteContext } from '@/lib/http/piston-init';

const MB = 1024 * 1024;
const ctx: ExecuteContext = {
  enabled: ['python', 'cpp', 'csharp'],
  versions: { python: '3.11.2', cpp: '12.2.0', csharp: '6.8.0' },
  limits: {
    runTimeoutMs: 60000,
    compileTimeoutMs: 10000,
    memoryBytes: (id) => (id === 'cpp' ? 512 : 256) * MB,
    runMemoryBytes: null,
  },
  maxCodeBytes: 100,
  maxFiles: 3,
  maxStdinBytes: 10,
  maxArgs: 2,
  maxArgsBytes: 8,
};
const schema = pistonExecuteBodySchema(ctx);

/** Whether the server's validator takes the body (it refuses with a PistonInitError, nothing else). */
function validatorTakes(body: Record<string, unknown>): boolean {
  try {
    parsePistonExecute(body, ctx);
    return true;
  } catch (e) {
    if (e instanceof PistonInitError) return false;
    throw e;
  }
}
const schemaTakes = (body: Record<string, unknown>) => schema.safeParse(body).success;

const py = { language: 'python', version: '3', files: [{ content: 'print(1)' }] };
const file = (content: string, more: Record<string, unknown> = {}) => ({ content, ...more });

const TAKEN: [string, Record<string, unknown>][] = [
  ['the least body', py],
  ['an alias and any version', { ...py, language: 'py3', version: '*' }],
  ['a versioned alias, a selector with x', { ...py, language: 'python3.11', version: '3.x' }],
  ['C++ by its Piston name', { language: 'c++', version: '12', files: [file('int main(){}', { name: 'main.cpp' })] }],
  ['unknown fields (Piston ignores them)', { ...py, stack: 'x' }],
  ['stdin and args within the limits', { ...py, stdin: '0123456789', args: ['abcd', 'efgh'] }],
  ['null stdin, args and name', { ...py, stdin: null, args: null, files: [file('1', { name: null })] }],
  ['limits at ours, 0 and null for ours', { ...py, run_timeout: 60000, compile_timeout: 0, run_cpu_time: null }],
  [
    "memory -1 (Piston's no limit) and at the language's",
    { ...py, run_memory_limit: -1, compile_memory_limit: 256 * MB },
  ],
  ["C++'s larger memory", { language: 'cpp', version: '*', files: [file('x')], run_memory_limit: 512 * MB }],
  ['fractional limits', { ...py, run_timeout: 0.5, run_cpu_time: 1.5 }],
  [
    'a base64 and a hex file beside the utf8 entry',
    {
      ...py,
      files: [
        ...py.files,
        file('AAEC', { name: 'd.bin', encoding: 'base64' }),
        file('ff', { name: 'e.bin', encoding: 'hex' }),
      ],
    },
  ],
  [
    'an encoding Piston does not know, beside a utf8 file',
    { ...py, files: [...py.files, file('x', { name: 'a.txt', encoding: 'latin1' })] },
  ],
  ['files in folders', { ...py, files: [file('import a.b'), file('', { name: 'a/b.py' })] }],
  ['files at 100 bytes in all', { ...py, files: [file('x'.repeat(60)), file('y'.repeat(40), { name: 'b.py' })] }],
];

const REFUSED: [string, Record<string, unknown>][] = [
  ['no language', { version: '3', files: py.files }],
  ['an empty language', { ...py, language: '' }],
  ['a language that is not a string', { ...py, language: 3 }],
  ['no version', { language: 'python', files: py.files }],
  ['an empty version', { ...py, version: '' }],
  ['no files', { language: 'python', version: '3' }],
  ['files not an array', { ...py, files: 'print(1)' }],
  ['no file at all', { ...py, files: [] }],
  ['a file without content', { ...py, files: [{ name: 'a.py' }] }],
  ['a file that is not an object', { ...py, files: [null] }],
  ['content that is not a string', { ...py, files: [file(5 as unknown as string)] }],
  ['a language not enabled', { ...py, language: 'cobol' }],
  ['a version not ours', { ...py, version: '2' }],
  ['a bad version selector', { ...py, version: '3.11.2.1' }],
  ['no utf8 file', { ...py, files: [file('AAEC', { encoding: 'base64' })] }],
  ['only a file of an unknown encoding', { ...py, files: [file('x', { encoding: 'latin1' })] }],
  ['a limit that is not a number', { ...py, run_timeout: '5' }],
  ['a run timeout over ours', { ...py, run_timeout: 60001 }],
  ['a compile timeout over ours', { ...py, compile_timeout: 10001 }],
  ['a CPU time over ours', { ...py, compile_cpu_time: 20000 }],
  ['a negative timeout', { ...py, run_timeout: -1 }],
  ['a memory limit below -1', { ...py, run_memory_limit: -2 }],
  ["memory over the language's", { ...py, run_memory_limit: 512 * MB }],
  ["memory over every language's", { ...py, compile_memory_limit: 513 * MB }],
  ['stdin not a string', { ...py, stdin: 5 }],
  ['stdin over the limit', { ...py, stdin: '01234567890' }],
  ['stdin over the limit in bytes', { ...py, stdin: 'ééééééé' }],
  ['args not an array', { ...py, args: 'a' }],
  ['args not strings', { ...py, args: [1] }],
  ['too many args', { ...py, args: ['a', 'b', 'c'] }],
  ['an arg with NUL', { ...py, args: ['a\0'] }],
  ['args over their bytes', { ...py, args: ['abcde', 'fghi'] }],
  [
    'too many files',
    { ...py, files: [file('1'), file('2', { name: 'b' }), file('3', { name: 'c' }), file('4', { name: 'd' })] },
  ],
  ['a name that is not a string', { ...py, files: [file('1', { name: 5 })] }],
  ['a name with ..', { ...py, files: [file('1'), file('2', { name: '../x' })] }],
  ['an absolute name', { ...py, files: [file('1'), file('2', { name: '/x' })] }],
  ['a name starting with -', { ...py, files: [file('1'), file('2', { name: '-x' })] }],
  ['files over 100 bytes in all', { ...py, files: [file('x'.repeat(60)), file('y'.repeat(41), { name: 'b.py' })] }],
  ['decoded bytes over 100', { ...py, files: [file('x'), file('ab'.repeat(100), { name: 'd', encoding: 'hex' })] }],
];

/** Bodies the validator takes as Piston does and the schema refuses, so that the document shows a limit as a number. */
const SCHEMA_STRICTER: [string, Record<string, unknown>][] = [
  ['false for a limit (Piston: falsy is absent)', { ...py, run_timeout: false }],
  ['"" for a memory limit', { ...py, compile_memory_limit: '' }],
];

/** Bodies the schema takes and the validator refuses: its checks of the files as named for the sandbox (the entry may
 * be renamed to the language's own file), which the document says in words. */
const VALIDATOR_STRICTER: [string, Record<string, unknown>][] = [
  ['a name given twice', { ...py, files: [file('1', { name: 'a.py' }), file('2', { name: 'a.py' })] }],
  [
    'an entry renamed onto another file',
    { ...py, files: [file('1', { name: 'x' }), file('2', { name: 'x.py' }), file('3', { name: 'main.py' })] },
  ],
  ['a file inside a file', { ...py, files: [file('1'), file('2', { name: 'a' }), file('3', { name: 'a/b.py' })] }],
  [
    'a source file that is not UTF-8',
    { ...py, files: [file('1'), file('/w==', { name: 'b.py', encoding: 'base64' })] },
  ],
];

describe("Piston's execute body: the document's schema and the server's validator", () => {
  it.each(TAKEN)('both take %s', (_, body) => {
    expect([validatorTakes(body), schemaTakes(body)]).toEqual([true, true]);
  });
  it.each(REFUSED)('both refuse %s', (_, body) => {
    expect([validatorTakes(body), schemaTakes(body)]).toEqual([false, false]);
  });
  it.each(SCHEMA_STRICTER)('only the schema refuses %s', (_, body) => {
    expect([validatorTakes(body), schemaTakes(body)]).toEqual([true, false]);
  });
  it.each(VALIDATOR_STRICTER)('only the validator refuses %s', (_, body) => {
    expect([validatorTakes(body), schemaTakes(body)]).toEqual([false, true]);
  });
});

describe("where the engine sets a run's memory (run_memory_limit up to WEBCOMPILE_MAX_MEMORY_MB)", () => {
  const applied: ExecuteContext = { ...ctx, limits: { ...ctx.limits, runMemoryBytes: 1024 * MB } };
  const schemaOf = pistonExecuteBodySchema(applied);
  const takes = (body: Record<string, unknown>) => {
    let validator = true;
    try {
      parsePistonExecute(body, applied);
    } catch (e) {
      if (!(e instanceof PistonInitError)) throw e;
      validator = false;
    }
    return [validator, schemaOf.safeParse(body).success];
  };

  it('both take a run limit over the sandbox memory, up to the maximum, and refuse one past it', () => {
    expect(takes({ ...py, run_memory_limit: 700 * MB })).toEqual([true, true]);
    expect(takes({ ...py, run_memory_limit: 1025 * MB })).toEqual([false, false]);
    // The compile's stays the sandbox's.
    expect(takes({ ...py, compile_memory_limit: 300 * MB })).toEqual([false, false]);
  });
});
