// Piston's answers (GET /api/v2/runtimes, POST /api/v2/execute and its errors) as zod schemas: the
// types piston-execute.ts answers with follow from them, and the OpenAPI document (openapi.ts) shows them.

import { z } from 'zod';

const nullableNumber = z.number().nullable();

export const pistonStageSchema = z
  .object({
    stdout: z.string(),
    stderr: z.string(),
    output: z.string().meta({ description: 'stdout and stderr together, in the order they came.' }),
    code: nullableNumber.meta({ description: 'The exit code; null when a signal ended the stage (or a limit did).' }),
    signal: z.string().nullable().meta({ description: 'The signal that ended the stage ("SIGKILL" for a limit).' }),
    message: z.string().nullable(),
    status: z
      .enum(['RE', 'SG', 'TO', 'OL', 'EL', 'XX'])
      .nullable()
      .meta({
        description:
          "Piston's: RE runtime error, SG killed by a signal, TO timed out, OL stdout too long, EL stderr too long, " +
          'XX other; null when it went fine.',
      }),
    cpu_time: nullableNumber.meta({ description: 'ms' }),
    wall_time: nullableNumber.meta({ description: 'ms' }),
    memory: nullableNumber.meta({ description: 'bytes' }),
  })
  .meta({ description: 'One stage (compile or run) as Piston reports it.' });

export const pistonResponseSchema = z
  .object({
    language: z.string(),
    version: z.string(),
    run: pistonStageSchema,
    compile: pistonStageSchema.optional(),
  })
  .meta({
    description:
      "Piston's answer to a run: `compile` only for a compiled language; when the compile failed there was no run " +
      'and `run` is a copy of `compile`.',
  });

export const pistonRuntimeSchema = z.object({
  language: z.string().meta({ description: "Piston's name for the language." }),
  version: z.string().meta({ description: "x.y.z, from the image's version label." }),
  aliases: z.array(z.string()),
  runtime: z.string().optional().meta({ description: 'The Piston package, where one provides several languages.' }),
});
export const pistonRuntimesSchema = z.array(pistonRuntimeSchema).meta({ description: 'The enabled languages.' });

export const pistonErrorSchema = z.object({ message: z.string() }).meta({ description: "Piston's error shape." });
