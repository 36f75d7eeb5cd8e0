// Reads and validates a compile request. JSON, url-encoded forms and multipart forms are accepted
// (the seed's form post keeps working); their fields are checked by one zod schema, compileBodySchema,
// which can also describe the body (JSON Schema, OpenAPI). Everything happens inside one try, so any
// malformed input becomes a 4xx ApiError, never a 500.

import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import type { Config } from '../config/config';
import { LANGUAGES, MAIN_LANGUAGE } from '../core/languages';
import { fileNameProblem } from '../contract/file-name';
import { ApiError } from './api-error';

export { fileNameProblem, MAX_NAME_LENGTH } from '../contract/file-name';

export type CompileRequest = z.output<ReturnType<typeof compileBodySchema>>;

type Limits = Pick<
  Config,
  | 'maxCodeBytes'
  | 'maxStdinBytes'
  | 'timeoutMs'
  | 'maxTimeoutMs'
  | 'compileTimeoutMs'
  | 'maxCompileTimeoutMs'
  | 'languages'
  | 'maxFiles'
  | 'maxArgs'
  | 'maxArgsBytes'
  | 'maxTests'
  | 'maxTestsBytes'
  | 'maxMemoryMb'
  | 'sandboxRuntime'
>;

/** The smallest memory limit a run may ask for: below it no runtime starts. */
export const MIN_MEMORY_MB = 16;

/** Why a run may not have a memory limit of its own here, or undefined. */
export function memoryLimitUnavailable(l: Pick<Limits, 'sandboxRuntime'>): string | undefined {
  return l.sandboxRuntime === 'runsc'
    ? 'the sandboxes run in gVisor, whose memory limit is set when they are made'
    : undefined;
}

/**
 * Room for field names, quoting and escapes around the code (or files), stdin and args: JSON may
 * write each byte as a 6-character \u escape (control characters always are), a url-encoded form
 * each byte as a 3-character %XX; base64 is 4 characters for 3 bytes. Each file's name and each
 * argument's quotes get their own room.
 */
export function bodyLimit(l: Limits): number {
  return (
    6 * (l.maxCodeBytes + l.maxStdinBytes + l.maxArgsBytes + l.maxTestsBytes) +
    64 * 1024 +
    l.maxFiles * 2048 +
    l.maxArgs * 8 +
    l.maxTests * (256 + l.maxArgs * 8)
  );
}

export async function readBody(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    throw new ApiError(413, `request body too large (${declared} bytes; limit ${limit})`);
  }
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new ApiError(413, `request body too large (limit ${limit} bytes)`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The fields of a JSON or url-encoded body; `type` is the media type, lower case, no parameters. */
function fields(type: string, body: Buffer): Record<string, unknown> {
  if (type === 'application/json' || type === '' || type.endsWith('+json')) {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ApiError(400, 'request body is not valid JSON');
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ApiError(400, 'request body must be a JSON object like {"code": "..."}');
    }
    return value as Record<string, unknown>;
  }
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  throw new ApiError(
    415,
    `unsupported content type "${type}"; send application/json, application/x-www-form-urlencoded or multipart/form-data`,
  );
}

async function multipartFields(contentType: string, body: Buffer): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new ApiError(400, 'malformed multipart/form-data body');
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of form.entries()) out[k] = typeof v === 'string' ? v : await v.text();
  return out;
}

/** What a check of the body schema may carry besides its message: the status (400 unless said) and extra fields. */
interface IssueParams {
  status?: number;
  extra?: Record<string, unknown>;
}

const tooLarge = (what: string, max: number) => ({
  error: `${what} is larger than ${max} bytes`,
  params: { status: 413 } satisfies IssueParams,
});

const WHOLE_MS = 'field "timeoutMs" must be a whole number of milliseconds';

/** A string with a lone surrogate has no UTF-8 form: it would arrive with U+FFFD in its place. */
const LONE_SURROGATE = /\p{Surrogate}/u;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const shown = (name: string) => JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}...` : name);

/** The size of a file's content once decoded. */
function decodedBytes(f: { content: string; encoding?: string }): number {
  if (f.encoding !== 'base64') return Buffer.byteLength(f.content);
  return (f.content.length / 4) * 3 - (f.content.endsWith('==') ? 2 : f.content.endsWith('=') ? 1 : 0);
}

/** A file's content as the program gets it: text as UTF-8, base64 decoded to its bytes. */
export function fileContent(f: RequestFile): string | Buffer {
  return f.encoding === 'base64' ? Buffer.from(f.content, 'base64') : f.content;
}

/** `files[2]` for an issue at ['files', 2, ...]. */
const at = (path: PropertyKey[] | undefined, field: string) =>
  path && path.length >= 2 ? `${field}[${String(path[1])}]` : field;

// What does not depend on the limits is built once; compileBodySchema adds the limits.
const code = z
  .string({ error: (issue) => (issue.input === undefined ? 'missing field "code"' : 'field "code" must be a string') })
  .refine((c) => c.trim() !== '', { error: 'field "code" is empty', abort: true });
const language = z.string({ error: 'field "language" must be a string' });
const stdin = z.string({ error: 'field "stdin" must be a string' });
const file = z.object(
  {
    name: z.string({ error: (issue) => `${at(issue.path, 'files')}: "name" must be a string` }),
    content: z.string({ error: (issue) => `${at(issue.path, 'files')}: "content" must be a string` }),
    encoding: z
      .enum(['utf8', 'base64'], {
        error: (issue) => `${at(issue.path, 'files')}: "encoding" must be "utf8" or "base64"`,
      })
      .optional(),
  },
  { error: (issue) => `${at(issue.path, 'files')} must be an object like {"name": "main.py", "content": "..."}` },
);
/** One file of a request's `files`, as sent (its content still in its encoding). */
export type RequestFile = z.output<typeof file>;

const args = z.array(z.string({ error: (issue) => `${at(issue.path, 'args')} must be a string` }), {
  error: 'field "args" must be an array of strings',
});
const test = z
  .object(
    {
      stdin: z.string({ error: (issue) => `${at(issue.path, 'tests')}: "stdin" must be a string` }).optional(),
      args: z
        .array(z.string({ error: (issue) => `${at(issue.path, 'tests')}: "args" must be an array of strings` }), {
          error: (issue) => `${at(issue.path, 'tests')}: "args" must be an array of strings`,
        })
        .optional(),
      expectedOutput: z
        .string({ error: (issue) => `${at(issue.path, 'tests')}: "expectedOutput" must be a string` })
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `${at(issue.path, 'tests')}: unknown field ${shown(String(issue.keys[0]))}; a test has "stdin", "args" and "expectedOutput"`
          : `${at(issue.path, 'tests')} must be an object like {"stdin": "1 2", "expectedOutput": "3"}`,
    },
  )
  .strict();
/** One test of a request's `tests`, as sent. */
export type RequestTest = z.output<typeof test>;

/** A form sends timeoutMs as a string ('' = the default); JSON may too. */
const timeoutInput = z
  .union([z.number(), z.string()], { error: WHOLE_MS })
  .optional()
  .transform((v) => (v === '' ? undefined : typeof v === 'string' ? Number(v) : v));
// Not .int(): it calls an unsafe integer not whole, where the message for it has been "out of range".
const wholeMs = z.number({ error: WHOLE_MS }).refine(Number.isInteger, { error: WHOLE_MS, abort: true });

const rangeOf = (field: string, max: number) => `field "${field}" must be between 1 and ${max}`;
const memoryRange = (l: Limits) => `field "limits.memoryMb" must be between ${MIN_MEMORY_MB} and ${l.maxMemoryMb}`;

/**
 * The body of a compile request under the config's limits. Fields are checked in this order and the
 * first failure is the answer, so each message is what it was before the schema.
 */
export function compileBodySchema(l: Limits) {
  const enabled = l.languages.filter((id) => Object.hasOwn(LANGUAGES, id));
  const range = `field "timeoutMs" must be between 1 and ${l.maxTimeoutMs}`;
  /** A check of a field's items together, failing with the first problem it finds (its status kept). */
  const together =
    <T>(check: (value: T, l: Limits, fail: Fail) => void) =>
    (ctx: z.core.ParsePayload<T>) =>
      check(ctx.value, l, (message, params) => ctx.issues.push({ code: 'custom', message, input: ctx.value, params }));
  return z
    .object({
      code: code.refine((c) => Buffer.byteLength(c) <= l.maxCodeBytes, tooLarge('code', l.maxCodeBytes)).optional(),
      files: z
        .array(file, { error: 'field "files" must be an array of {"name", "content"} objects' })
        .check(together(checkFiles))
        .optional(),
      language: language
        .refine((id) => enabled.includes(id), {
          error: (issue) => `unknown language "${String(issue.input)}"; known: ${enabled.join(', ')}`,
          params: { extra: { Reason: 'unknown_language', Languages: enabled } } satisfies IssueParams,
        })
        // A prefault is checked like a value sent: a config may leave the main language out.
        .prefault(MAIN_LANGUAGE),
      stdin: stdin
        .refine((s) => Buffer.byteLength(s) <= l.maxStdinBytes, tooLarge('stdin', l.maxStdinBytes))
        .default(''),
      timeoutMs: timeoutInput.pipe(
        wholeMs.min(1, { error: range }).max(l.maxTimeoutMs, { error: range }).default(l.timeoutMs),
      ),
      limits: z
        .object(
          {
            timeoutMs: wholeMs
              .min(1, { error: rangeOf('limits.timeoutMs', l.maxTimeoutMs) })
              .max(l.maxTimeoutMs, { error: rangeOf('limits.timeoutMs', l.maxTimeoutMs) })
              .optional(),
            compileTimeoutMs: wholeMs
              .min(1, { error: rangeOf('limits.compileTimeoutMs', l.maxCompileTimeoutMs) })
              .max(l.maxCompileTimeoutMs, { error: rangeOf('limits.compileTimeoutMs', l.maxCompileTimeoutMs) })
              .optional(),
            memoryMb: z
              .number({ error: 'field "limits.memoryMb" must be a whole number of MiB' })
              .refine(Number.isInteger, { error: 'field "limits.memoryMb" must be a whole number of MiB', abort: true })
              .min(MIN_MEMORY_MB, { error: memoryRange(l) })
              .max(l.maxMemoryMb, { error: memoryRange(l) })
              .refine(() => !memoryLimitUnavailable(l), {
                error: `field "limits.memoryMb" is not available: ${memoryLimitUnavailable(l)}`,
              })
              .optional(),
          },
          {
            error:
              'field "limits" must be an object like {"timeoutMs": 2000, "compileTimeoutMs": 5000, "memoryMb": 128}',
          },
        )
        .strict()
        .optional(),
      args: args.check(together(checkArgs)).optional(),
      tests: z
        .array(test, { error: 'field "tests" must be an array of {"stdin", "expectedOutput"} objects' })
        .check(together(checkTests))
        .optional(),
    })
    .check((ctx) => {
      const { code, files, language } = ctx.value;
      const fail = (message: string) => ctx.issues.push({ code: 'custom', message, input: ctx.value });
      if (code !== undefined && files !== undefined) fail('send either "code" or "files", not both');
      else if (code === undefined && files === undefined) fail('missing field "code"');
      else if (files) {
        const problem = sourceProblem(files, LANGUAGES[language].sourceExtensions);
        if (problem) fail(problem);
      }
    });
}

type Fail = (message: string, params?: IssueParams) => void;

/** The checks of `files` that look at them together: count, names, encodings, total size. */
function checkFiles(files: RequestFile[], l: Limits, fail: Fail): void {
  if (files.length === 0) return fail('field "files" is empty');
  if (files.length > l.maxFiles) return fail(`too many files: ${files.length} (at most ${l.maxFiles})`);
  const names = new Set<string>();
  let total = 0;
  for (const f of files) {
    const problem = fileNameProblem(f.name);
    if (problem) return fail(`file name ${shown(f.name)} ${problem}`);
    if (names.has(f.name)) return fail(`file ${shown(f.name)} is given twice`);
    names.add(f.name);
    if (f.encoding === 'base64' ? !BASE64.test(f.content) : LONE_SURROGATE.test(f.content)) {
      return fail(
        f.encoding === 'base64'
          ? `file ${shown(f.name)}: "content" is not valid base64`
          : `file ${shown(f.name)}: "content" is not valid Unicode text (a lone surrogate); send bytes as base64`,
      );
    }
    total += decodedBytes(f);
    if (total > l.maxCodeBytes) {
      return fail(`files are larger than ${l.maxCodeBytes} bytes in all (at ${shown(f.name)})`, { status: 413 });
    }
  }
  // The sandbox makes a folder of each name's folders: none may be a file.
  for (const name of names) {
    for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
      if (names.has(name.slice(0, i))) return fail(`file ${shown(name)} is inside the file ${shown(name.slice(0, i))}`);
    }
  }
}

/** A source file (the entry, or a file of one of the language's source extensions) must be UTF-8. */
function sourceProblem(files: RequestFile[], extensions: readonly string[]): string | undefined {
  const bad = files.find(
    (f, i) =>
      f.encoding === 'base64' &&
      (i === 0 || extensions.some((e) => f.name.endsWith(e))) &&
      !isUtf8(Buffer.from(f.content, 'base64')),
  );
  return bad && `file ${shown(bad.name)} is a source file and is not UTF-8`;
}

function checkArgs(list: string[], l: Limits, fail: Fail, field = 'args'): void {
  if (list.length > l.maxArgs) return fail(`too many ${field}: ${list.length} (at most ${l.maxArgs})`);
  let total = 0;
  for (const [i, a] of list.entries()) {
    if (a.includes('\0')) return fail(`${field}[${i}] holds a NUL character`);
    if (LONE_SURROGATE.test(a)) return fail(`${field}[${i}] is not valid Unicode text (a lone surrogate)`);
    total += Buffer.byteLength(a);
  }
  if (total > l.maxArgsBytes) return fail(`${field} are larger than ${l.maxArgsBytes} bytes in all`, { status: 413 });
}

/** Count, each test's stdin and args as the request's own, and all of them together. */
function checkTests(tests: RequestTest[], l: Limits, fail: Fail): void {
  if (tests.length === 0) return fail('field "tests" is empty');
  if (tests.length > l.maxTests) return fail(`too many tests: ${tests.length} (at most ${l.maxTests})`);
  let total = 0;
  for (const [i, t] of tests.entries()) {
    const stdinBytes = Buffer.byteLength(t.stdin ?? '');
    if (stdinBytes > l.maxStdinBytes) {
      return fail(`tests[${i}]: stdin is larger than ${l.maxStdinBytes} bytes`, { status: 413 });
    }
    let failed = false;
    if (t.args) checkArgs(t.args, l, (m, p) => ((failed = true), fail(m, p)), `tests[${i}].args`);
    if (failed) return;
    total += stdinBytes + Buffer.byteLength(t.expectedOutput ?? '');
    total += (t.args ?? []).reduce((sum, a) => sum + Buffer.byteLength(a), 0);
  }
  if (total > l.maxTestsBytes) return fail(`tests are larger than ${l.maxTestsBytes} bytes in all`, { status: 413 });
}

/** Built once per limits object: the server passes the same config to every request. */
const schemas = new WeakMap<Limits, ReturnType<typeof compileBodySchema>>();

function validate(f: Record<string, unknown>, l: Limits): CompileRequest {
  let schema = schemas.get(l);
  if (!schema) schemas.set(l, (schema = compileBodySchema(l)));
  // Without zod's compiled fast path: it takes milliseconds to compile and saves microseconds a parse.
  const parsed = schema.safeParse(f, { jitless: true });
  if (parsed.success) {
    // Two names for one limit: the schema fills in a top-level timeoutMs, so this looks at what was sent.
    const sent = (f.limits as { timeoutMs?: unknown } | undefined)?.timeoutMs;
    if (sent !== undefined && f.timeoutMs !== undefined && f.timeoutMs !== '') {
      throw new ApiError(400, 'send either "timeoutMs" or "limits.timeoutMs", not both');
    }
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  const p: IssueParams = (issue.code === 'custom' && issue.params) || {};
  throw new ApiError(p.status ?? 400, issue.message, {}, p.extra ?? {});
}

export async function parseCompileRequest(request: Request, limits: Limits): Promise<CompileRequest> {
  try {
    const contentType = request.headers.get('content-type') ?? '';
    const type = contentType.split(';')[0].trim().toLowerCase();
    const body = await readBody(request, bodyLimit(limits));
    const f = type.startsWith('multipart/form-data') ? await multipartFields(contentType, body) : fields(type, body);
    return validate(f, limits);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(400, 'could not read the request body');
  }
}
