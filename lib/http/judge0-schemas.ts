// Judge0 CE 1.13's requests and answers under /judge0 as zod schemas, for the OpenAPI document
// (lib/http/openapi.ts). The server checks a submission by hand (lib/judge0/submission-request.ts:
// Judge0's casts, bounds and 422 messages) and writes its answers in lib/judge0/serialize.ts,
// judge0-info.ts and judge0-api.ts; these schemas say the same. A request is described as Judge0
// takes it (numbers or strings of them, Rails' booleans, null for the default), its bounds those of
// judge0Limits(config); an answer with the exact JSON types the server writes. The checks at the end
// hold the schemas of the fixed answers to the functions that make them; tests/unit/openapi.test.ts
// holds the submission's to serialize's output.

import { z } from 'zod';
import type { Config } from '../config/config';
import { LANGUAGES } from '../core/languages';
import { ALL_FIELDS, DEFAULT_FIELDS, type Field } from '../judge0/fields';
import { judge0Id } from '../judge0/languages';
import { judge0Limits, type Bound, type LimitField } from '../judge0/limits';
import type { STATUSES } from '../judge0/statuses';
import { compileOptionLanguages } from '../judge0/submission-request';
import { agree, type Agree } from '../util/agree';
import { memoryLimitUnavailable } from './compile-request';
import { JUDGE0_VERSION, type about, type configInfo, type languageBody } from './judge0-info';

// ---------------------------------------------------------------------------------------------
// Requests

/** Rails' numericality: a JSON number, or a string that is one (an empty string is the default). */
const NUMERIC_STRING = /^(|\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*)$/;

/** The unit and meaning of each limit a submission may set. */
const LIMIT_TEXT: Record<LimitField, string> = {
  cpu_time_limit: 'CPU time the program may use, in seconds',
  cpu_extra_time: 'Seconds of CPU time past cpu_time_limit before the program is stopped',
  wall_time_limit: 'Wall-clock time the program may take, in seconds',
  memory_limit: "The sandbox's memory, in KB",
  stack_limit: 'Stack size, in KB',
  max_processes_and_or_threads: 'Processes and threads the program may have at once',
  max_file_size: 'The largest file (and each output stream) the program may write, in KB',
  number_of_runs: 'How many times the program is run; time and memory are the means',
};

const shownBound = (n: number, b: Bound) => (b.decimal && Number.isInteger(n) ? `${n}.0` : String(n));

function limitField(field: LimitField, b: Bound, extra = '') {
  const number = (b.minExclusive ? z.number().gt(b.min) : z.number().min(b.min)).max(b.max);
  const least = b.minExclusive ? `more than ${b.min}` : `at least ${b.min}`;
  return z
    .union([number, z.string().regex(NUMERIC_STRING)])
    .nullable()
    .optional()
    .meta({
      description:
        `${LIMIT_TEXT[field]}: ${least}, at most ${shownBound(b.max, b)}; absent, null or "": ` +
        `${shownBound(b.default, b)}. A number or a string holding one (Judge0 casts it)` +
        `${b.decimal ? '' : '; a fraction is cut to its whole part'}.${extra}`,
    });
}

/**
 * Rails' boolean cast: false, 0, "0", "f", "F", "false", "FALSE", "off" and "OFF" are false, "" is the
 * default, anything else is true.
 */
const railsBoolean = (description: string) =>
  z.union([z.boolean(), z.string(), z.number()]).nullable().optional().meta({ description });

const text = (description: string, max?: number) =>
  (max === undefined ? z.string() : z.string().max(max)).nullable().optional().meta({ description });

/** The enabled languages' Judge0 ids, for the request's description. */
function judge0LanguageList(enabled: readonly string[]): string {
  return enabled
    .flatMap((ours) => {
      const id = judge0Id(ours);
      return id === null ? [] : [`${id} (${LANGUAGES[ours].name})`];
    })
    .join(', ');
}

/** One submission's body, as POST /judge0/submissions takes it (and each item of a batch). */
export function judge0SubmissionRequestSchema(config: Config, enabled: readonly string[]) {
  const limits = judge0Limits(config);
  const unavailable = memoryLimitUnavailable(config);
  const memoryOff = unavailable ? ` Cannot be set here (422): ${unavailable}.` : '';
  const extractKb = config.judge0MaxExtractKb;
  const numbers = Object.fromEntries(
    (Object.keys(limits) as LimitField[]).map((f) => [
      f,
      limitField(f, limits[f], f === 'memory_limit' ? memoryOff : ''),
    ]),
  ) as Record<LimitField, ReturnType<typeof limitField>>;
  return z
    .looseObject({
      source_code: z
        .string()
        .regex(/\S/)
        .meta({
          description:
            `The program (base64 with base64_encoded=true); not blank, at most ${config.maxCodeBytes} bytes ` +
            '(decoded).',
        }),
      language_id: z.union([z.int(), z.string().regex(/^\s*[+-]?\d+/)]).meta({
        description:
          `Judge0's id of the language; a string of digits is taken too. Here: ${judge0LanguageList(enabled)}. ` +
          'Any other id is a 422.',
      }),
      compiler_options: text(
        `Options added to the compile, for ${compileOptionLanguages()} only, split as command_line_arguments is; ` +
          'each must be on the allowlist (optimisation, language standard, warnings, defines, standard libraries), ' +
          'else a 422. At most 512 characters.',
        512,
      ),
      command_line_arguments: text(
        `The program's arguments, split as a shell splits words (quotes and backslashes; the characters ` +
          `$ & ; < > | \` are removed first). At most 512 characters and ${config.maxArgs} arguments.`,
        512,
      ),
      stdin: text(
        `The program's standard input (base64 with base64_encoded=true); at most ${config.maxStdinBytes} bytes ` +
          '(decoded).',
      ),
      expected_output: text(
        'What stdout must be for Accepted (base64 with base64_encoded=true), compared as Judge0 compares: ' +
          "each line's trailing whitespace and the trailing blank lines ignored; at most " +
          `${config.maxTestsBytes} bytes. Absent or null: any output is Accepted.`,
      ),
      ...numbers,
      enable_per_process_and_thread_time_limit: railsBoolean('Cannot be enabled here: true is a 422.'),
      enable_per_process_and_thread_memory_limit: railsBoolean('Cannot be enabled here: true is a 422.'),
      redirect_stderr_to_stdout: railsBoolean('true: stderr is appended to stdout, and stderr answers null.'),
      enable_network: railsBoolean('The sandbox has no network: true is a 422.'),
      callback_url: text(
        'An http(s) URL the finished submission is PUT to (the eight default fields, base64). Loopback, private, ' +
          'link-local and metadata addresses are refused (422) unless WEBCOMPILE_CALLBACK_ALLOW_HOSTS allows them.',
      ),
      additional_files: text(
        extractKb > 0
          ? `A zip, in base64 whatever base64_encoded says, unpacked beside the source: at most ` +
              `${Math.max(0, config.maxFiles - 1)} files and ${extractKb} KB unpacked.`
          : 'Off here (WEBCOMPILE_JUDGE0_MAX_EXTRACT_KB is 0): a zip is a 422.',
      ),
    })
    .meta({
      description:
        'A Judge0 submission. Absent or null fields take their defaults; fields Judge0 does not know are ' +
        'ignored. The flags (base64_encoded, wait, fields) may come in the body too, as on Judge0.',
    });
}

/** POST /judge0/submissions/batch's body. */
export function judge0BatchRequestSchema(
  submission: ReturnType<typeof judge0SubmissionRequestSchema>,
  maxBatch: number,
) {
  return z.looseObject({
    submissions: z
      .array(submission)
      .min(1)
      .max(maxBatch)
      .meta({ description: `1 to ${maxBatch} submissions; each is checked (and answered) on its own.` }),
  });
}

/** base64_encoded and wait. */
export const judge0FlagSchema = z.string().meta({
  description: 'On only when exactly "true"; anything else, or nothing, is off (Judge0 1.13).',
});

const fieldName = `(${[...ALL_FIELDS, '\\*'].join('|')})`;

/** `fields`: which attributes of a submission an answer carries. */
export const judge0FieldsSchema = z
  .string()
  .regex(new RegExp(`^(${fieldName}(,${fieldName})*)?,*$`))
  .meta({
    description:
      'Field names separated by commas, no spaces (nothing is trimmed); `*` is all 35. Absent or empty: ' +
      `${DEFAULT_FIELDS.join(', ')}. An unknown name is a 400.`,
  });

export const judge0TokensSchema = z.string().meta({
  description:
    'Tokens separated by commas, from 1 to the batch maximum (`max_submission_batch_size`); also taken from a ' +
    '`tokens` header.',
});

export const judge0PageSchema = z.int().min(1).default(1).meta({ description: 'The page, from 1.' });
export const judge0PerPageSchema = z.int().min(0).default(20).meta({ description: 'Submissions a page.' });

// ---------------------------------------------------------------------------------------------
// Answers

/** Judge0's decimals (times and time limits, seconds): strings in plain notation with a decimal ("5.0", "0.002"). */
const decimal = z.string().regex(/^\d+\.\d+$/);
const count = z.int().min(0);

export const judge0StatusSchema = z
  .object({ id: z.int().min(1).max(14), description: z.string() })
  .meta({ description: 'A status: 1 In Queue, 2 Processing, 3 Accepted, then the verdicts (GET /judge0/statuses).' });
export const judge0StatusesSchema = z.array(judge0StatusSchema).meta({ description: "Judge0's 14 statuses." });

export const judge0LanguageSchema = z
  .object({ id: z.int(), name: z.string().meta({ description: 'Name and version, e.g. "Python (3.11.2)".' }) })
  .meta({ description: 'A language under its Judge0 id.' });
export const judge0LanguagesSchema = z
  .array(judge0LanguageSchema)
  .meta({ description: 'The enabled languages Judge0 has an id for, by name.' });
export const judge0LanguageEntrySchema = judge0LanguageSchema
  .extend({ is_archived: z.boolean() })
  .meta({ description: 'A language and whether it is archived (none is here).' });
export const judge0LanguagesAllSchema = z.array(judge0LanguageEntrySchema);
export const judge0LanguageDetailSchema = judge0LanguageEntrySchema
  .extend({
    source_file: z.string().meta({ description: 'The file the source is written to.' }),
    compile_cmd: z.string().nullable().meta({ description: 'The compile command; null for an interpreted language.' }),
    run_cmd: z.string(),
  })
  .meta({ description: 'A language with its source file and commands.' });

const nullableText = (description: string) => z.string().nullable().meta({ description });
const B64 = ' (base64 with base64_encoded=true)';

/** Every field a submission may answer with, in Judge0's order; `fields` chooses which. */
const SUBMISSION_FIELDS = {
  source_code: z.string().meta({ description: `The program${B64}.` }),
  language_id: z.int(),
  stdin: nullableText(`The standard input${B64}.`),
  expected_output: nullableText(`The output the run was compared with${B64}.`),
  stdout: nullableText(`The program's standard output${B64}; null when empty.`),
  status_id: z.int().min(1).max(14),
  created_at: z.iso.datetime().meta({ description: 'ISO 8601, UTC, with milliseconds.' }),
  finished_at: z.iso.datetime().nullable().meta({ description: 'null until the run is done.' }),
  time: decimal.nullable().meta({ description: 'CPU time in seconds (the mean over the runs), a decimal string.' }),
  memory: count.nullable().meta({ description: 'KB (the mean over the runs).' }),
  stderr: nullableText(`The program's standard error${B64}; null when empty.`),
  token: z.uuid(),
  number_of_runs: z.int(),
  cpu_time_limit: decimal,
  cpu_extra_time: decimal,
  wall_time_limit: decimal,
  memory_limit: z.int(),
  stack_limit: z.int(),
  max_processes_and_or_threads: z.int(),
  enable_per_process_and_thread_time_limit: z.boolean(),
  enable_per_process_and_thread_memory_limit: z.boolean(),
  max_file_size: z.int(),
  compile_output: nullableText(`The compiler's output (warnings too)${B64}; null when empty.`),
  exit_code: z.int().nullable().meta({ description: "The program's exit code (0 when a signal ended it)." }),
  exit_signal: z.int().nullable().meta({ description: 'The signal that ended the program.' }),
  message: nullableText(`What happened, in words (e.g. "Time limit exceeded")${B64}.`),
  wall_time: decimal.nullable().meta({ description: "The last run's wall-clock time in seconds, a decimal string." }),
  compiler_options: z.string().nullable(),
  command_line_arguments: z.string().nullable(),
  redirect_stderr_to_stdout: z.boolean(),
  callback_url: z.string().nullable(),
  additional_files: nullableText('The zip as sent, in base64 always.'),
  enable_network: z.boolean(),
  status: judge0StatusSchema,
  language: judge0LanguageSchema,
} satisfies Record<Field, z.ZodType>;

export const judge0SubmissionSchema = z
  .object(SUBMISSION_FIELDS)
  .partial()
  .meta({
    description:
      `A submission with the fields \`fields\` asked for (without it: ${DEFAULT_FIELDS.join(', ')}), ` +
      'in this order.',
  });

export const judge0TokenSchema = z
  .object({ token: z.uuid() })
  .meta({ description: 'A stored submission: GET /judge0/submissions/{token} answers it.' });

/** The request fields a 422 may name. */
const REQUEST_FIELDS = [
  'source_code',
  'language_id',
  'compiler_options',
  'command_line_arguments',
  'stdin',
  'expected_output',
  'cpu_time_limit',
  'cpu_extra_time',
  'wall_time_limit',
  'memory_limit',
  'stack_limit',
  'max_processes_and_or_threads',
  'max_file_size',
  'number_of_runs',
  'enable_per_process_and_thread_time_limit',
  'enable_per_process_and_thread_memory_limit',
  'redirect_stderr_to_stdout',
  'enable_network',
  'callback_url',
  'additional_files',
] as const satisfies readonly Field[];

export const judge0ErrorsSchema = z.partialRecord(z.enum(REQUEST_FIELDS), z.array(z.string()).min(1)).meta({
  description: 'A refused submission: each failing field with its messages, e.g. {"stdin": ["is too long"]}.',
});

/** wait=true in plain mode, and the output is no UTF-8: the run is stored, and answered this way (as on Judge0). */
export const judge0NotUtf8Schema = z
  .object({ error: z.string(), token: z.uuid() })
  .meta({ description: 'The run is stored, but its output is no UTF-8: read it with base64_encoded=true.' });

export const judge0CreatedSchema = z.union([judge0TokenSchema, judge0SubmissionSchema, judge0NotUtf8Schema]).meta({
  description:
    'wait=true: the run, with the asked fields (or, in plain mode for output that is no UTF-8, its token and ' +
    'the error); otherwise only its token.',
});

export const judge0BatchCreatedSchema = z
  .array(z.union([judge0TokenSchema, judge0ErrorsSchema]))
  .meta({ description: "In the request's order: a token for each stored submission, the errors of each refused one." });
export const judge0BatchErrorsSchema = z
  .array(judge0ErrorsSchema)
  .meta({ description: "No submission was valid: each one's errors, in the request's order." });

export const judge0BatchSchema = z
  .object({
    submissions: z
      .array(judge0SubmissionSchema.nullable())
      .meta({ description: "In the tokens' order; null for a token nothing is stored under." }),
  })
  .meta({ description: 'Submissions by token.' });

const page = z.int().nullable();
export const judge0SubmissionListSchema = z
  .object({
    submissions: z.array(judge0SubmissionSchema).meta({ description: 'Newest first.' }),
    meta: z.object({
      current_page: z.int(),
      next_page: page,
      prev_page: page,
      total_pages: count,
      total_count: count,
    }),
  })
  .meta({ description: 'A page of the stored submissions.' });

export const judge0ErrorSchema = z
  .object({ error: z.string() })
  .meta({ description: "Judge0's refusal: what went wrong." });
export const judge0HttpErrorSchema = z.object({ status: z.int(), error: z.string() }).meta({
  description: 'An HTTP error in Rails\' words: {"status": 404, "error": "Not Found"}, or 400 "Bad Request".',
});
export const judge0BadRequestSchema = z
  .union([judge0ErrorSchema, judge0HttpErrorSchema])
  .meta({ description: 'A refused request: {error}, or {"status": 400, "error": "Bad Request"} for a body not JSON.' });

export const judge0ConfigInfoSchema = z
  .object({
    maintenance_mode: z.boolean(),
    enable_wait_result: z.boolean(),
    enable_compiler_options: z.boolean(),
    allowed_languages_for_compile_options: z.array(z.string()),
    enable_command_line_arguments: z.boolean(),
    enable_submission_delete: z.boolean(),
    enable_callbacks: z.boolean(),
    callbacks_max_tries: z.int(),
    callbacks_timeout: z.number().meta({ description: 'Seconds.' }),
    enable_additional_files: z.boolean(),
    max_queue_size: z.int(),
    cpu_time_limit: z.number(),
    max_cpu_time_limit: z.number(),
    cpu_extra_time: z.number(),
    max_cpu_extra_time: z.number(),
    wall_time_limit: z.number(),
    max_wall_time_limit: z.number(),
    memory_limit: z.int(),
    max_memory_limit: z.int(),
    stack_limit: z.int(),
    max_stack_limit: z.int(),
    max_processes_and_or_threads: z.int(),
    max_max_processes_and_or_threads: z.int(),
    enable_per_process_and_thread_time_limit: z.boolean(),
    allow_enable_per_process_and_thread_time_limit: z.boolean(),
    enable_per_process_and_thread_memory_limit: z.boolean(),
    allow_enable_per_process_and_thread_memory_limit: z.boolean(),
    max_file_size: z.int(),
    max_max_file_size: z.int(),
    number_of_runs: z.int(),
    max_number_of_runs: z.int(),
    redirect_stderr_to_stdout: z.boolean(),
    max_extract_size: z.int().meta({ description: 'KB.' }),
    enable_batched_submissions: z.boolean(),
    max_submission_batch_size: z.int(),
    submission_cache_duration: z.number(),
    use_docs_as_homepage: z.boolean(),
    allow_enable_network: z.boolean(),
    enable_network: z.boolean(),
  })
  .meta({ description: "The 39 settings Judge0 CE 1.13 reports, with this server's values: defaults and maxima." });

export const judge0AboutSchema = z.object({
  version: z.string(),
  homepage: z.string(),
  source_code: z.string(),
  maintainer: z.string(),
});

export const judge0VersionSchema = z
  .literal(JUDGE0_VERSION)
  .meta({ description: 'The Judge0 CE release whose API this is.' });

export const judge0WorkerSchema = z
  .object({
    queue: z.string(),
    size: count.meta({ description: 'Submissions waiting.' }),
    available: count.meta({ description: 'Workers (WEBCOMPILE_JUDGE0_WORKERS).' }),
    idle: count,
    working: count,
    paused: count,
    failed: count,
  })
  .meta({ description: 'The queued submissions and the workers that run them.' });
export const judge0WorkersSchema = z.array(judge0WorkerSchema);

// The answers made by functions of known types: each schema agrees with what its function returns.
type ConfigInfo = ReturnType<typeof configInfo>;
type ConfigInfoBody = z.output<typeof judge0ConfigInfoSchema>;
agree<Agree<keyof ConfigInfo, keyof ConfigInfoBody>>();
agree<ConfigInfo extends ConfigInfoBody ? true : false>();
agree<Agree<ReturnType<typeof about>, z.output<typeof judge0AboutSchema>>>();
agree<Agree<keyof ReturnType<typeof languageBody>, keyof z.output<typeof judge0LanguageDetailSchema>>>();
agree<ReturnType<typeof languageBody> extends z.output<typeof judge0LanguageDetailSchema> ? true : false>();
agree<(typeof STATUSES)[number] extends z.output<typeof judge0StatusSchema> ? true : false>();
