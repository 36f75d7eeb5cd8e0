// Piston's POST /api/v2/execute: its body checked in Piston's order with its texts, files (names,
// encodings, the entry), stdin and args (lib/http/piston-init.ts), and our results as Piston's stages
// (lib/http/piston-execute.ts).
import { describe, expect, it } from 'vitest';
import { parsePistonExecute, PistonInitError, type ExecuteContext } from '@/lib/http/piston-init';
import { pistonAliases, pistonRuntime, languageFromPiston } from '@/lib/http/piston-names';
import type { ExecutionResult, RunReport, CompileReport } from '@/lib/core/result';
import { toPistonResponse } from '@/lib/http/piston-execute';
import { signalName } from '@/lib/http/piston-names';

const ctx: ExecuteContext = {
  enabled: ['python', 'c', 'java', 'csharp'],
  versions: { python: '3.11.2', c: '12.2.0', java: '17.0.9', csharp: '6.8.0' },
  limits: {
    runTimeoutMs: 20000,
    compileTimeoutMs: 10000,
    memoryBytes: () => 256 * 1024 * 1024,
    runMemoryBytes: 1024 * 1024 * 1024,
  },
  maxCodeBytes: 1000,
  maxFiles: 4,
  maxStdinBytes: 10,
  maxArgs: 3,
  maxArgsBytes: 12,
};
const ok = { language: 'python', version: '3.x', files: [{ content: 'print(1)' }] };
const error = (m: Record<string, unknown>) => {
  try {
    parsePistonExecute(m, ctx);
  } catch (e) {
    if (e instanceof PistonInitError) return e.message;
    throw e;
  }
  return null;
};

describe("Piston's execute body", () => {
  it("is checked in Piston's order, with its texts", () => {
    expect(error({ version: '*', files: 'x' })).toBe('language is required as a string');
    expect(error({ language: 1 })).toBe('language is required as a string');
    expect(error({ language: 'py', version: 3 })).toBe('version is required as a string');
    expect(error({ language: 'py', version: '*' })).toBe('files is required as an array');
    expect(error({ language: 'py', version: '*', files: [{}] })).toBe('files[0].content is required as a string');
    // the runtime is checked after the files' contents, named as sent
    expect(error({ language: 'Cobol', version: '1', files: [{ content: 1 }] })).toBe(
      'files[0].content is required as a string',
    );
    expect(error({ language: 'cobol', version: '1', files: [] })).toBe('cobol-1 runtime is unknown');
    expect(error({ language: 'py', version: '3.12', files: [] })).toBe('py-3.12 runtime is unknown');
    expect(error({ language: 'py', version: '*', files: [{ content: '00', encoding: 'hex' }] })).toBe(
      'files must include at least one utf8 encoded file',
    );
    // then the limits: memory, timeout, CPU time; compile before run
    expect(error({ ...ok, run_cpu_time: 'x', run_timeout: 'x', compile_timeout: 1e9 })).toBe(
      'compile_timeout cannot exceed the configured limit of 10000',
    );
    expect(error({ ...ok, run_timeout: 20001 })).toBe('run_timeout cannot exceed the configured limit of 20000');
    expect(error({ ...ok, run_cpu_time: -5 })).toBe('run_cpu_time must be non-negative');
    expect(error({ ...ok, run_memory_limit: '1' })).toBe('If specified, run_memory_limit must be a number');
    expect(error({ ...ok, compile_memory_limit: -2 })).toBe('compile_memory_limit must be non-negative');
    // -1 memory is Piston's "no limit" (piston-client sends it): ours; a -1 timeout is not
    expect(error({ ...ok, compile_memory_limit: -1, run_memory_limit: -1 })).toBeNull();
    expect(error({ ...ok, run_timeout: -1 })).toBe('run_timeout must be non-negative');
    // then what Piston leaves unchecked, and our limits
    expect(error({ ...ok, stdin: 5 })).toBe('stdin must be a string');
    expect(error({ ...ok, stdin: 'x'.repeat(11) })).toBe('stdin is larger than 10 bytes');
    expect(error({ ...ok, args: ['1', 2] })).toBe('args must be an array of strings');
    expect(error({ ...ok, args: '1 2' })).toBe('args must be an array of strings');
    expect(error({ ...ok, args: ['a', 'b', 'c', 'd'] })).toBe('too many args: 4 (at most 3)');
    expect(error({ ...ok, args: ['1234567', '1234567'] })).toBe('args are larger than 12 bytes in all');
    expect(error({ ...ok, args: ['a\0b'] })).toBe('args may not hold a NUL character');
  });

  it("run_memory_limit is the run's memory limit in MiB (at least 16), up to our maximum; compile_memory_limit only checked", () => {
    expect(parsePistonExecute({ ...ok, run_memory_limit: 100 * 1024 * 1024 }, ctx).runMemoryMb).toBe(100);
    expect(parsePistonExecute({ ...ok, run_memory_limit: 100 * 1024 * 1024 + 1 }, ctx).runMemoryMb).toBe(101);
    expect(parsePistonExecute({ ...ok, run_memory_limit: 1000 }, ctx).runMemoryMb).toBe(16);
    expect(parsePistonExecute({ ...ok, run_memory_limit: -1 }, ctx).runMemoryMb).toBeNull();
    expect(parsePistonExecute({ ...ok, compile_memory_limit: 1000 }, ctx).runMemoryMb).toBeNull();
    expect(error({ ...ok, run_memory_limit: 1024 * 1024 * 1024 + 1 })).toBe(
      `run_memory_limit cannot exceed the configured limit of ${1024 * 1024 * 1024}`,
    );
    // Where the engine cannot set a run's memory (gVisor), the sandbox's is the run's: only checked.
    const fixed = { ...ctx, limits: { ...ctx.limits, runMemoryBytes: null } };
    expect(parsePistonExecute({ ...ok, run_memory_limit: 100 * 1024 * 1024 }, fixed).runMemoryMb).toBeNull();
  });

  it('names, aliases and versions: the runtime and its version as Piston answers them', () => {
    const job = parsePistonExecute({ ...ok, language: 'python3.11', version: '3.11.2' }, ctx);
    expect(job).toMatchObject({ language: 'python', pistonLanguage: 'python', version: '3.11.2' });
    expect(parsePistonExecute({ ...ok, language: 'gcc', version: '*' }, ctx).pistonLanguage).toBe('c');
    expect(error({ ...ok, language: 'python3.12' })).toBe('python3.12-3.x runtime is unknown');
    expect(pistonAliases('python', '3.11.2')).toEqual(['py', 'py3', 'python3', 'python3.11']);
    expect(pistonAliases('cpp', '12.2.0')).toEqual(['cpp', 'g++']);
    expect(pistonRuntime('cpp')).toBe('gcc');
    expect(pistonRuntime('javascript')).toBe('node');
    expect(pistonRuntime('python')).toBeUndefined();
    expect(languageFromPiston('mono-c#', ['csharp'])).toBe('csharp');
  });

  it('stdin gets a newline at its end, as Piston gives it; args go as they are', () => {
    expect(parsePistonExecute(ok, ctx)).toMatchObject({ stdin: '\n', args: [] });
    expect(parsePistonExecute({ ...ok, stdin: 'a\nb', args: ['x y', ''] }, ctx)).toMatchObject({
      stdin: 'a\nb\n',
      args: ['x y', ''],
    });
    expect(parsePistonExecute({ ...ok, stdin: 'a\n' }, ctx).stdin).toBe('a\n');
    expect(parsePistonExecute({ ...ok, run_timeout: 1500.4, compile_timeout: 0 }, ctx)).toMatchObject({
      runTimeoutMs: 1500,
      compileTimeoutMs: null,
    });
  });

  it('files: encodings utf8, base64 and hex (any other is utf8, as in Piston), decoded to bytes', () => {
    const job = parsePistonExecute(
      {
        ...ok,
        files: [
          { name: 'data.bin', content: '/wA=', encoding: 'base64' },
          { name: 'main.py', content: 'print(1)' },
          { name: 'x.txt', content: '6869ff', encoding: 'hex' },
          { name: 'y.txt', content: 'é', encoding: 'latin1' },
        ],
      },
      ctx,
    );
    expect(job.files).toEqual([
      { name: 'main.py', content: 'print(1)' },
      { name: 'data.bin', content: Buffer.from([0xff, 0]) },
      { name: 'x.txt', content: Buffer.from([0x68, 0x69, 0xff]) },
      { name: 'y.txt', content: 'é' },
    ]);
    // a source file of bytes must be UTF-8
    expect(error({ ...ok, files: [{ content: 'import m' }, { name: 'm.py', content: 'ff', encoding: 'hex' }] })).toBe(
      'file "m.py" is a source file and is not UTF-8',
    );
  });

  it("names: Piston's file<i>.code for none; an entry without the language's extension becomes its source file", () => {
    const names = (language: string, files: Record<string, unknown>[]) =>
      parsePistonExecute({ language, version: '*', files }, ctx).files.map((f) => f.name);
    expect(names('python', [{ content: 'a' }, { content: 'b' }])).toEqual(['main.py', 'file1.code']);
    expect(names('c', [{ content: 'int main(){}' }])).toEqual(['main.c']);
    expect(names('java', [{ name: 'prog', content: 'class Main {}' }])).toEqual(['Main.java']);
    expect(
      names('c', [
        { name: 'prog.c', content: '' },
        { name: 'lib.h', content: '' },
      ]),
    ).toEqual(['prog.c', 'lib.h']);
    // the entry is the first utf8 file, and its name is free: it keeps its own and gets the extension
    expect(
      names('c', [
        { content: '00', encoding: 'hex' },
        { name: 'prog', content: '' },
        { name: 'main.c', content: '' },
      ]),
    ).toEqual(['prog.c', 'file0.code', 'main.c']);
  });

  it('names: our rules for names, counts and size', () => {
    expect(error({ ...ok, files: [{ name: '../x', content: '' }] })).toBe('file name "../x" has a ".." segment');
    expect(error({ ...ok, files: [{ name: 'a b.py', content: '' }] })).toMatch(/^file name "a b.py" may hold only/);
    expect(error({ ...ok, files: [{ name: 7, content: '' }] })).toBe('files[0].name must be a string');
    expect(
      error({
        ...ok,
        files: [
          { name: 'a.py', content: '' },
          { name: 'a.py', content: '' },
        ],
      }),
    ).toBe('file "a.py" is given twice');
    expect(error({ ...ok, files: Array.from({ length: 5 }, () => ({ content: '' })) })).toBe(
      'too many files: 5 (at most 4)',
    );
    expect(error({ ...ok, files: [{ content: 'x'.repeat(600) }, { content: 'y'.repeat(401) }] })).toBe(
      'files are larger than 1000 bytes in all',
    );
  });
});

const run = (r: Partial<RunReport> = {}): RunReport => ({
  stdout: '',
  stderr: '',
  exitCode: 0,
  signal: null,
  ms: 12,
  cpuTimeMs: 7,
  memoryKb: 1000,
  ...r,
});
const result = (r: Partial<ExecutionResult>): ExecutionResult => ({
  language: 'c',
  status: 'ok',
  compile: null,
  run: run(),
  message: '',
  timedOut: false,
  truncated: false,
  diagnostics: [],
  queueMs: 0,
  latencyMs: 30,
  ...r,
});
const built: CompileReport = { output: 'warning: x\n', exitCode: 0, ms: 300, cached: false };
const job = { pistonLanguage: 'c', version: '12.2.0' };
const answer = (r: Partial<ExecutionResult>, chunks: { stream: 'stdout' | 'stderr'; text: string }[] = []) =>
  toPistonResponse(job, result(r), chunks, 100);

describe("our results as Piston's stages", () => {
  it('a run that went well: every field, output in the order it came', () => {
    const chunks = [
      { stream: 'stdout' as const, text: 'a' },
      { stream: 'stderr' as const, text: 'E' },
      { stream: 'stdout' as const, text: 'b' },
    ];
    expect(answer({ compile: built, run: run({ stdout: 'ab', stderr: 'E' }) }, chunks)).toEqual({
      language: 'c',
      version: '12.2.0',
      compile: {
        stdout: '',
        stderr: 'warning: x\n',
        output: 'warning: x\n',
        code: 0,
        signal: null,
        message: null,
        status: null,
        cpu_time: null,
        wall_time: 300,
        memory: null,
      },
      run: {
        stdout: 'ab',
        stderr: 'E',
        output: 'aEb',
        code: 0,
        signal: null,
        message: null,
        status: null,
        cpu_time: 7,
        wall_time: 12,
        memory: 1024000,
      },
    });
  });

  it('no compile stage for an interpreted language; output is stdout then stderr where the chunks differ', () => {
    const a = answer({ run: run({ stdout: 'x', stderr: 'y' }) }, [{ stream: 'stdout', text: '\uFEFFx' }]);
    expect(a).not.toHaveProperty('compile');
    expect(a.run.output).toBe('xy');
  });

  it('a failed compile: RE, and run is a copy of compile', () => {
    const a = answer({ status: 'compile_error', compile: { ...built, exitCode: 1 }, run: null });
    expect(a.compile).toMatchObject({ code: 1, signal: null, status: 'RE', message: 'Exited with error status 1' });
    expect(a.run).toEqual(a.compile);
    const oom = answer({
      status: 'compile_error',
      compile: { ...built, exitCode: null },
      run: null,
      message: 'The compiler ran out of memory (512 MiB).',
    });
    expect(oom.run).toMatchObject({ code: null, signal: 'SIGKILL', status: 'SG', message: /out of memory/ });
  });

  it('a compile past its limit: TO with SIGKILL, run the same', () => {
    const a = answer({ status: 'compile_timeout', compile: { ...built, exitCode: null, ms: 10000 }, run: null });
    expect(a.compile).toMatchObject({ code: null, signal: 'SIGKILL', status: 'TO' });
    expect(a.run).toEqual(a.compile);
  });

  it('runtime errors: RE with the code, SG with the signal name', () => {
    expect(answer({ status: 'runtime_error', run: run({ exitCode: 3 }) }).run).toMatchObject({
      code: 3,
      signal: null,
      status: 'RE',
      message: 'Exited with error status 3',
    });
    expect(answer({ status: 'runtime_error', run: run({ exitCode: 139, signal: 11 }) }).run).toMatchObject({
      code: null,
      signal: 'SIGSEGV',
      status: 'SG',
      message: 'Caught fatal signal 11',
    });
    expect(answer({ status: 'runtime_error', run: run({ exitCode: null }), message: 'gone' }).run).toMatchObject({
      code: null,
      signal: 'SIGKILL',
      status: 'XX',
      message: 'gone',
    });
  });

  it('limits: TO and OL/EL with SIGKILL; memory and processes SG or RE with our message', () => {
    expect(answer({ status: 'timeout', run: run({ exitCode: null, stdout: 'x' }) }).run).toMatchObject({
      code: null,
      signal: 'SIGKILL',
      status: 'TO',
      stdout: 'x',
    });
    expect(answer({ status: 'output_limit', run: run({ exitCode: null, stdout: 'x'.repeat(100) }) }).run).toMatchObject(
      { code: null, signal: 'SIGKILL', status: 'OL', message: 'stdout length exceeded' },
    );
    expect(answer({ status: 'output_limit', run: run({ exitCode: null, stderr: 'x'.repeat(100) }) }).run).toMatchObject(
      { status: 'EL', message: 'stderr length exceeded' },
    );
    expect(
      answer({ status: 'memory_limit', run: run({ exitCode: null }), message: 'Execution stopped: memory.' }).run,
    ).toMatchObject({ code: null, signal: 'SIGKILL', status: 'SG', message: 'Execution stopped: memory.' });
    expect(answer({ status: 'process_limit', run: run({ exitCode: 1 }), message: 'procs' }).run).toMatchObject({
      code: 1,
      signal: null,
      status: 'RE',
      message: 'procs',
    });
  });

  it("Piston's signal names", () => {
    expect([1, 9, 11, 15, 31, 34, 35, 49, 50, 63, 64].map(signalName)).toEqual([
      'SIGHUP',
      'SIGKILL',
      'SIGSEGV',
      'SIGTERM',
      'SIGSYS',
      'SIGRTMIN',
      'SIGRTMIN+1',
      'SIGRTMIN+15',
      'SIGRTMAX-14',
      'SIGRTMAX-1',
      'SIGRTMAX',
    ]);
  });
});
