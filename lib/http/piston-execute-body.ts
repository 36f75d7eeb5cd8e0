// The body of Piston's POST /api/v2/execute as a zod schema, for the OpenAPI document. The server
// checks bodies with parsePistonExecute (piston-init.ts), by hand, for Piston's exact messages in
// Piston's order; this schema says the same rules (a JSON Schema shows the types and maxima, the
// refinements the rest) and tests/unit/piston-execute-body.test.ts holds the two to the same
// verdicts. Where they differ on purpose, that test lists it.

import { z } from 'zod';
import { LANGUAGES } from '../core/languages';
import { fileNameProblem } from './compile-request';
import type { ExecuteContext } from './piston-init';
import { decodePistonFile } from './piston-init';
import { languageFromPiston, pistonName, versionMatches } from './piston-names';

/** A limit a request may lower: absent, null or 0 mean ours. */
const lowerable = (max: number, description: string) =>
  z.number().min(0).max(max).nullable().optional().meta({ description });

/** A memory limit: as a limit above, or -1, Piston's "no limit" (its clients send it): ours too. */
const memory = (max: number) =>
  z
    .union([z.literal(-1), z.number().min(0).max(max), z.null()])
    .optional()
    .meta({ description: "Bytes; at most the language's sandbox memory. -1, 0 or absent: ours." });

const bytes = (s: string) => Buffer.byteLength(s);

export function pistonExecuteBodySchema(ctx: ExecuteContext) {
  const { limits } = ctx;
  const names = ctx.enabled.map(pistonName);
  const maxMemory = Math.max(0, ...ctx.enabled.map((id) => limits.memoryBytes(id)));
  const file = z.looseObject({
    name: z
      .string()
      .nullable()
      .optional()
      .meta({ description: "A relative path; absent: file<i>.code (the entry gets the language's own name)." }),
    content: z.string(),
    // Piston takes any other value (or none) as utf8.
    encoding: z.unknown().optional().meta({ description: '"utf8" (the default), "base64" or "hex".' }),
  });
  return z
    .looseObject({
      language: z
        .string()
        .min(1)
        .meta({ description: `A language's Piston name, alias or our id; here: ${names.join(', ')}.` }),
      version: z.string().min(1).meta({ description: 'A version selector: "*", or x, x.y or x.y.z (x for any part).' }),
      files: z
        .array(file)
        .max(ctx.maxFiles)
        .meta({
          description:
            'The program; the first utf8 file is the entry (at least one must be utf8). Names are unique, none ' +
            'inside another file, and source files UTF-8.',
        }),
      stdin: z
        .string()
        .nullable()
        .optional()
        .refine((s) => s == null || bytes(s) <= ctx.maxStdinBytes, `stdin is at most ${ctx.maxStdinBytes} bytes`),
      args: z
        .array(z.string().refine((a) => !a.includes('\0'), 'no NUL character'))
        .max(ctx.maxArgs)
        .nullable()
        .optional()
        .refine((a) => a == null || bytes(a.join('')) <= ctx.maxArgsBytes, `at most ${ctx.maxArgsBytes} bytes`),
      compile_timeout: lowerable(limits.compileTimeoutMs, 'ms; 0 or absent: ours.'),
      run_timeout: lowerable(limits.runTimeoutMs, 'ms of wall clock; 0 or absent: ours.'),
      compile_cpu_time: lowerable(limits.compileTimeoutMs, 'ms; checked against our limit only.'),
      run_cpu_time: lowerable(limits.runTimeoutMs, 'ms; checked against our limit only.'),
      compile_memory_limit: memory(maxMemory),
      run_memory_limit: memory(limits.runMemoryBytes ?? maxMemory),
    })
    .check((c) => {
      const fail = (message: string): void => void c.issues.push({ code: 'custom', message, input: c.value });
      const m = c.value;
      const id = languageFromPiston(m.language, ctx.enabled, ctx.versions);
      if (!id || !versionMatches(m.version, ctx.versions[id] ?? '')) return fail('unknown runtime');
      const utf8 = (f: (typeof m.files)[number]) => !f.encoding || f.encoding === 'utf8';
      if (!m.files.some(utf8)) return fail('no utf8 file');
      const memoryMax = [limits.memoryBytes(id), limits.runMemoryBytes ?? limits.memoryBytes(id)];
      for (const [i, v] of [m.compile_memory_limit, m.run_memory_limit].entries()) {
        if (v != null && v > memoryMax[i]) return fail("over the language's memory");
      }
      let total = 0;
      for (const [i, f] of m.files.entries()) {
        const problem = fileNameProblem(f.name || `file${i}.code`);
        if (problem) return fail(`file name ${problem}`);
        const encoding = f.encoding === 'base64' || f.encoding === 'hex' ? f.encoding : 'utf8';
        total += Buffer.byteLength(decodePistonFile(f.content, encoding));
      }
      if (total > ctx.maxCodeBytes) fail(`files are at most ${ctx.maxCodeBytes} bytes in all`);
    })
    .meta({
      description:
        `Piston's execute request. Limits: ${ctx.maxFiles} files, ${ctx.maxCodeBytes} bytes of files in all, ` +
        `${ctx.maxStdinBytes} bytes of stdin, ${ctx.maxArgs} args of ${ctx.maxArgsBytes} bytes in all. ` +
        `Languages: ${ctx.enabled.map((id) => `${pistonName(id)} (${LANGUAGES[id].name})`).join(', ')}.`,
    });
}
