// The body of Piston's POST /api/v2/execute and the `init` message of its /api/v2/connect (the same
// fields), checked in Piston's order with Piston's error texts (its api/src/api/v2.js), the first
// failure winning; then what Piston leaves unchecked (stdin, args, names) and our own limits. Limits a
// request may set up to the server's maxima: run_timeout becomes the run's wall-clock limit,
// compile_timeout the compile's; the CPU-time and memory limits are checked against ours only (our sandboxes are made
// ahead with the configured memory, and a CPU limit of their own they have not).

import { isUtf8 } from 'node:buffer';
import type { SourceFile } from '../core/request';
import { LANGUAGES } from '../core/languages';
import { fileNameProblem, MIN_MEMORY_MB } from './compile-request';
import { languageFromPiston, pistonName, versionMatches } from './piston-names';

export class PistonInitError extends Error {}

/** A WebSocket's start: a job whose stdin is the first of what the program reads. */
export type PistonInit = PistonJob;

export interface InitContext {
  enabled: readonly string[];
  /** Each enabled language's version (x.y.z). */
  versions: Record<string, string>;
  /**
   * memoryBytes: the sandbox memory of a language (some get more than the configured default), the
   * compile's limit; runMemoryBytes: the largest run_memory_limit, which is applied where the engine
   * can set a run's memory (null: it cannot, and the sandbox's memory is the run's, only checked).
   */
  limits: {
    runTimeoutMs: number;
    compileTimeoutMs: number;
    memoryBytes: (language: string) => number;
    runMemoryBytes: number | null;
  };
  maxCodeBytes: number;
  maxFiles: number;
  maxArgs: number;
  maxArgsBytes: number;
  maxStdinBytes: number;
}

export type ExecuteContext = InitContext;

/** A checked execute request, in our words. */
export interface PistonJob {
  language: string;
  pistonLanguage: string;
  version: string;
  /** The entry first (Piston's: the first utf8 file), then the others in the request's order. */
  files: Required<SourceFile>[];
  args: string[];
  stdin: string;
  /** Null: ours (the request gave none, or 0). */
  runTimeoutMs: number | null;
  compileTimeoutMs: number | null;
  /** run_memory_limit in MiB, where it is applied; null for the sandbox's. */
  runMemoryMb: number | null;
}

/** Piston's signal names (its globals.js); any other `signal` closes the socket with 4005. */
export const SIGNALS: ReadonlySet<string> = new Set([
  ...'HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS RTMIN RTMAX'
    .split(' ')
    .map((s) => `SIG${s}`),
  ...Array.from({ length: 15 }, (_, i) => `SIGRTMIN+${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `SIGRTMAX-${i + 1}`),
]);

const isString = (v: unknown): v is string => typeof v === 'string';

type Encoding = 'utf8' | 'base64' | 'hex';
interface WireFile {
  name?: unknown;
  content: string;
  encoding?: unknown;
}

/** Piston's checks 1 to 6 (v2.js get_job): the fields it needs, the runtime, a utf8 file. Our id. */
function checkRuntime(m: Record<string, unknown>, ctx: InitContext): { id: string; files: WireFile[] } {
  const { language, version, files } = m;
  if (!isString(language) || language === '') throw new PistonInitError('language is required as a string');
  if (!isString(version) || version === '') throw new PistonInitError('version is required as a string');
  if (!Array.isArray(files)) throw new PistonInitError('files is required as an array');
  files.forEach((f, i) => {
    if (typeof f !== 'object' || f === null || !isString((f as { content?: unknown }).content)) {
      throw new PistonInitError(`files[${i}].content is required as a string`);
    }
  });
  const id = languageFromPiston(language, ctx.enabled, ctx.versions);
  if (!id || !versionMatches(version, ctx.versions[id] ?? '')) {
    throw new PistonInitError(`${language}-${version} runtime is unknown`);
  }
  // Piston counts a file without an encoding (or a falsy one) as utf8 here.
  if (!(files as WireFile[]).some((f) => !f.encoding || f.encoding === 'utf8')) {
    throw new PistonInitError('files must include at least one utf8 encoded file');
  }
  return { id, files: files as WireFile[] };
}

/**
 * Piston's limit checks, in its order (memory, timeout, CPU time; compile before run). 0 or absent
 * means ours. A memory limit of -1 is Piston's "no limit" (its clients send it by default): ours.
 */
function checkLimits(m: Record<string, unknown>, ctx: InitContext, id: string): void {
  const limits: [string, number][] = [
    ['compile_memory_limit', ctx.limits.memoryBytes(id)],
    ['run_memory_limit', ctx.limits.runMemoryBytes ?? ctx.limits.memoryBytes(id)],
    ['compile_timeout', ctx.limits.compileTimeoutMs],
    ['run_timeout', ctx.limits.runTimeoutMs],
    ['compile_cpu_time', ctx.limits.compileTimeoutMs],
    ['run_cpu_time', ctx.limits.runTimeoutMs],
  ];
  for (const [name, max] of limits) {
    const v = m[name];
    if (!v) continue;
    if (typeof v !== 'number') throw new PistonInitError(`If specified, ${name} must be a number`);
    if (v === -1 && name.endsWith('_memory_limit')) continue;
    if (v > max) throw new PistonInitError(`${name} cannot exceed the configured limit of ${max}`);
    if (v < 0) throw new PistonInitError(`${name} must be non-negative`);
  }
}

/** The run's memory limit in MiB (at least the smallest we take), where one is given and can be set. */
function runMemoryMb(v: unknown, ctx: InitContext): number | null {
  if (ctx.limits.runMemoryBytes === null || typeof v !== 'number' || v <= 0) return null;
  return Math.max(MIN_MEMORY_MB, Math.ceil(v / (1024 * 1024)));
}

/** A limit the request lowered (a positive number, checked), in whole milliseconds; null for ours. */
function lowered(v: unknown): number | null {
  return typeof v === 'number' && v > 0 ? Math.max(1, Math.round(v)) : null;
}

/**
 * A WebSocket's `init`: execute's fields, checked the same way (Piston shares one job parser), but its
 * stdin is given as it is (what the client types follows it).
 */
export function parsePistonInit(m: Record<string, unknown>, ctx: InitContext): PistonInit {
  return { ...parsePistonExecute(m, ctx), stdin: checkStdin(m, ctx) };
}

/** A file's bytes as Piston decodes them (Node's Buffer: base64 and hex leniently, as Piston does). */
export function decodePistonFile(content: string, encoding: Encoding): string | Buffer {
  return encoding === 'utf8' ? content : Buffer.from(content, encoding);
}

/**
 * POST /api/v2/execute's body: Piston's checks, then ours. Files: Piston's encodings (another one is
 * utf8, as in Piston), a missing name is Piston's `file<i>.code`; the entry is the first utf8 file (as
 * Piston runs it), and when its name has none of the language's source extensions it becomes the
 * language's own source file (main.c, Main.java; or, when a file has that name, gets its extension),
 * so that a compiler takes it. Piston's stdin gets a newline at its end when it has none.
 */
export function parsePistonExecute(m: Record<string, unknown>, ctx: ExecuteContext): PistonJob {
  const { id, files } = checkRuntime(m, ctx);
  checkLimits(m, ctx, id);

  const stdin = checkStdin(m, ctx);
  const args = checkArgs(m, ctx);
  return {
    language: id,
    pistonLanguage: pistonName(id),
    version: ctx.versions[id],
    files: programFiles(files, ctx, id),
    args,
    stdin: stdin.endsWith('\n') ? stdin : `${stdin}\n`,
    runTimeoutMs: lowered(m.run_timeout),
    compileTimeoutMs: lowered(m.compile_timeout),
    runMemoryMb: runMemoryMb(m.run_memory_limit, ctx),
  };
}

/** `args`: strings, within our count and size. */
function checkArgs(m: Record<string, unknown>, ctx: InitContext): string[] {
  const args = m.args ?? [];
  if (!Array.isArray(args) || !args.every(isString)) throw new PistonInitError('args must be an array of strings');
  if (args.length > ctx.maxArgs) throw new PistonInitError(`too many args: ${args.length} (at most ${ctx.maxArgs})`);
  if (args.some((a) => a.includes('\0'))) throw new PistonInitError('args may not hold a NUL character');
  if (Buffer.byteLength(args.join('')) > ctx.maxArgsBytes) {
    throw new PistonInitError(`args are larger than ${ctx.maxArgsBytes} bytes in all`);
  }

  return args;
}

/**
 * The program's files as the sandbox gets them: Piston's encodings (another one is utf8, as in
 * Piston), a missing name is Piston's `file<i>.code`; the entry (the first utf8 file) first, renamed to
 * the language's own source file when its name has none of the language's source extensions.
 */
function programFiles(files: WireFile[], ctx: InitContext, id: string): Required<SourceFile>[] {
  if (files.length > ctx.maxFiles)
    throw new PistonInitError(`too many files: ${files.length} (at most ${ctx.maxFiles})`);
  const named = files.map((f, i) => {
    if (f.name !== undefined && f.name !== null && !isString(f.name)) {
      throw new PistonInitError(`files[${i}].name must be a string`);
    }
    const encoding: Encoding = f.encoding === 'base64' || f.encoding === 'hex' ? f.encoding : 'utf8';
    return { name: f.name || `file${i}.code`, content: decodePistonFile(f.content, encoding), encoding };
  });
  for (const f of named) {
    const problem = fileNameProblem(f.name);
    if (problem) throw new PistonInitError(`file name ${JSON.stringify(f.name)} ${problem}`);
  }
  const entryAt = named.findIndex((f) => f.encoding === 'utf8');
  const language = LANGUAGES[id];
  const entry = named[entryAt];
  if (!language.sourceExtensions.some((e) => entry.name.endsWith(e))) {
    const own = language.sourceFile;
    const extension = own.slice(own.lastIndexOf('.'));
    entry.name = named.some((f) => f.name === own) ? `${entry.name}${extension}` : own;
  }
  const names = new Set<string>();
  let total = 0;
  for (const f of named) {
    if (names.has(f.name)) throw new PistonInitError(`file ${JSON.stringify(f.name)} is given twice`);
    names.add(f.name);
    total += Buffer.byteLength(f.content);
    if (total > ctx.maxCodeBytes) throw new PistonInitError(`files are larger than ${ctx.maxCodeBytes} bytes in all`);
    const source = f === entry || language.sourceExtensions.some((e) => f.name.endsWith(e));
    if (source && Buffer.isBuffer(f.content) && !isUtf8(f.content)) {
      throw new PistonInitError(`file ${JSON.stringify(f.name)} is a source file and is not UTF-8`);
    }
  }
  for (const name of names) {
    for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
      if (names.has(name.slice(0, i))) {
        throw new PistonInitError(
          `file ${JSON.stringify(name)} is inside the file ${JSON.stringify(name.slice(0, i))}`,
        );
      }
    }
  }
  const ordered = [entry, ...named.filter((f) => f !== entry)];
  return ordered.map((f) => ({ name: f.name, content: f.content }));
}

function checkStdin(m: Record<string, unknown>, ctx: InitContext): string {
  const stdin = m.stdin ?? '';
  if (!isString(stdin)) throw new PistonInitError('stdin must be a string');
  if (Buffer.byteLength(stdin) > ctx.maxStdinBytes) {
    throw new PistonInitError(`stdin is larger than ${ctx.maxStdinBytes} bytes`);
  }
  return stdin;
}
