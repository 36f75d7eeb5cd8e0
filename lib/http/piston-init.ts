// The `init` message of Piston's /api/v2/connect (the same fields as its /api/v2/execute), checked in
// Piston's order with Piston's error texts, the first failure winning. Limits a request may only
// lower: run_timeout becomes the interactive run's wall-clock limit; compile_timeout and the memory
// limits are checked against ours (our sandboxes are made ahead with the configured memory).

import { languageFromPiston, pistonName, versionMatches } from './piston-names';

export class PistonInitError extends Error {}

export interface PistonInit {
  language: string;
  pistonLanguage: string;
  version: string;
  code: string;
  runTimeoutMs: number | null;
}

export interface InitContext {
  enabled: readonly string[];
  /** Each enabled language's version (x.y.z). */
  versions: Record<string, string>;
  /** memoryBytes: the sandbox memory of a language (some get more than the configured default). */
  limits: { runTimeoutMs: number; compileTimeoutMs: number; memoryBytes: (language: string) => number };
  maxCodeBytes: number;
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

export function parsePistonInit(m: Record<string, unknown>, ctx: InitContext): PistonInit {
  const { language, version, files } = m;
  if (!isString(language) || language === '') throw new PistonInitError('language is required as a string');
  if (!isString(version) || version === '') throw new PistonInitError('version is required as a string');
  if (!Array.isArray(files)) throw new PistonInitError('files is required as an array');
  files.forEach((f, i) => {
    if (typeof f !== 'object' || f === null || !isString((f as { content?: unknown }).content)) {
      throw new PistonInitError(`files[${i}].content is required as a string`);
    }
  });
  const id = languageFromPiston(language, ctx.enabled);
  if (!id || !versionMatches(version, ctx.versions[id] ?? '')) {
    throw new PistonInitError(`${language}-${version} runtime is unknown`);
  }
  // Piston takes a file without an encoding (or a falsy one) as utf8.
  const utf8 = (files as { content: string; encoding?: unknown }[]).filter((f) => !f.encoding || f.encoding === 'utf8');
  if (utf8.length === 0) throw new PistonInitError('files must include at least one utf8 encoded file');
  // Until multi-file programs (#16): the program is its first file.
  if (files.length > 1) throw new PistonInitError('only one file per program is supported so far');

  const limits: [string, number][] = [
    ['compile_memory_limit', ctx.limits.memoryBytes(id)],
    ['run_memory_limit', ctx.limits.memoryBytes(id)],
    ['compile_timeout', ctx.limits.compileTimeoutMs],
    ['run_timeout', ctx.limits.runTimeoutMs],
    ['compile_cpu_time', ctx.limits.compileTimeoutMs],
    ['run_cpu_time', ctx.limits.runTimeoutMs],
  ];
  for (const [name, max] of limits) {
    const v = m[name];
    if (!v) continue; // 0 or absent: the configured limit
    if (typeof v !== 'number') throw new PistonInitError(`If specified, ${name} must be a number`);
    if (v > max) throw new PistonInitError(`${name} cannot exceed the configured limit of ${max}`);
    if (v < 0) throw new PistonInitError(`${name} must be non-negative`);
  }
  if (Buffer.byteLength(utf8[0].content) > ctx.maxCodeBytes) {
    throw new PistonInitError(`the program is over the ${ctx.maxCodeBytes}-byte limit`);
  }
  const runTimeout = m.run_timeout;
  return {
    language: id,
    pistonLanguage: pistonName(id),
    version: ctx.versions[id],
    code: utf8[0].content,
    runTimeoutMs: typeof runTimeout === 'number' && runTimeout > 0 ? runTimeout : null,
  };
}
