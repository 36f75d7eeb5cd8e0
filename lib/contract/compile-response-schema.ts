// The answer of POST /api/compile as a zod schema, for the OpenAPI document (lib/http/openapi.ts).
// A file of its own so that the browser, which imports compile-response.ts, does not load zod; the
// checks at the end keep the schema and the interfaces the same.

import { z } from 'zod';
import { agree, type Agree } from '../util/agree';
import { STATUS_TEXT, type RunResult, type RunStatus, type TestResult } from './compile-response';
import type { Diagnostic } from './diagnostic';

export const diagnosticSchema = z
  .object({
    file: z.string().optional().meta({
      description: 'The file the compiler named (folders kept, a leading "./" dropped); absent when it names none.',
    }),
    line: z.number(),
    column: z.number(),
    severity: z.enum(['error', 'warning']),
    code: z.string(),
    message: z.string(),
  })
  .meta({ description: 'One compiler message with its place in the source, as the editor underlines it.' });

// STATUS_TEXT names every status (its type says so): one list, not two.
export const runStatusSchema = z.enum(Object.keys(STATUS_TEXT) as [RunStatus, ...RunStatus[]]).meta({
  description: '`wrong_answer` only with `tests`: a test ran fine and printed something else than its expected output.',
});

const ms = z.number().nullable();

export const testResultSchema = z
  .object({
    Status: runStatusSchema,
    Output: z.string().meta({ description: "The test's stdout (what is compared with its expected output)." }),
    ErrorString: z.string().meta({ description: "The test's stderr, then WebCompile's own note." }),
    ExitCode: z.number().nullable(),
    Timeout: z.boolean(),
    Truncated: z.boolean(),
    RunMS: ms,
    CpuTimeMS: ms,
    MemoryKB: z.number().nullable(),
    Passed: z.boolean().nullable().meta({ description: 'Null for a test without an expected output.' }),
  })
  .meta({
    description: "One test of a request's `tests`: its own run in its own sandbox, of the program compiled once.",
  });

export const runResultSchema = z
  .object({
    Output: z.string().meta({ description: "The program's stdout." }),
    LatencyInMS: z.number(),
    ErrorString: z.string().meta({
      description:
        "What a terminal would show: the compiler's messages, the program's stderr, then WebCompile's own note.",
    }),
    Timeout: z.boolean(),
    Status: runStatusSchema,
    ExitCode: z.number().nullable(),
    Truncated: z.boolean(),
    Diagnostics: z.array(diagnosticSchema),
    QueueMS: z.number(),
    CompileMS: ms,
    CompileCached: z.boolean().meta({
      description: 'The compiled program came from the cache (same source, same compiler and settings).',
    }),
    RunMS: ms,
    CpuTimeMS: ms,
    MemoryKB: z.number().nullable(),
    Language: z.string(),
    Tests: z
      .array(testResultSchema)
      .optional()
      .meta({
        description:
          'Only for a request with `tests`: one per test, in order (none after a failed compile). Status is then `ok` ' +
          'when every test ran fine and passed, else the first other test Status; Output, ErrorString and ExitCode ' +
          "are the compile's.",
      }),
  })
  .meta({ description: "The result of a run; the first four names are the seed's and never change." });

agree<Agree<Diagnostic, z.output<typeof diagnosticSchema>>>();
agree<Agree<TestResult, z.output<typeof testResultSchema>>>();
agree<Agree<RunResult, z.output<typeof runResultSchema>>>();
