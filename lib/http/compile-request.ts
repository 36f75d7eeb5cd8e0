// Reads and validates a compile request. JSON, url-encoded forms and multipart forms are accepted
// (the seed's form post keeps working); their fields are checked by one zod schema, compileBodySchema,
// which can also describe the body (JSON Schema, OpenAPI). Everything happens inside one try, so any
// malformed input becomes a 4xx ApiError, never a 500.

import { z } from 'zod';
import type { Config } from '../config/config';
import { LANGUAGES, MAIN_LANGUAGE } from '../core/languages';
import { ApiError } from './api-error';

export type CompileRequest = z.output<ReturnType<typeof compileBodySchema>>;

type Limits = Pick<Config, 'maxCodeBytes' | 'maxStdinBytes' | 'timeoutMs' | 'maxTimeoutMs' | 'languages'>;

/**
 * Room for field names, quoting and escapes around the code and stdin: JSON may write each byte as a
 * 6-character \u escape (control characters always are), a url-encoded form each byte as a 3-character %XX.
 */
function bodyLimit(l: Limits): number {
  return 6 * (l.maxCodeBytes + l.maxStdinBytes) + 64 * 1024;
}

async function readBody(request: Request, limit: number): Promise<Buffer> {
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

// What does not depend on the limits is built once; compileBodySchema adds the limits.
const code = z
  .string({ error: (issue) => (issue.input === undefined ? 'missing field "code"' : 'field "code" must be a string') })
  .refine((c) => c.trim() !== '', { error: 'field "code" is empty', abort: true });
const language = z.string({ error: 'field "language" must be a string' });
const stdin = z.string({ error: 'field "stdin" must be a string' });
/** A form sends timeoutMs as a string ('' = the default); JSON may too. */
const timeoutInput = z
  .union([z.number(), z.string()], { error: WHOLE_MS })
  .optional()
  .transform((v) => (v === '' ? undefined : typeof v === 'string' ? Number(v) : v));
// Not .int(): it calls an unsafe integer not whole, where the message for it has been "out of range".
const wholeMs = z.number({ error: WHOLE_MS }).refine(Number.isInteger, { error: WHOLE_MS, abort: true });

/**
 * The body of a compile request under the config's limits. Fields are checked in this order and the
 * first failure is the answer, so each message is what it was before the schema.
 */
export function compileBodySchema(l: Limits) {
  const enabled = l.languages.filter((id) => Object.hasOwn(LANGUAGES, id));
  const range = `field "timeoutMs" must be between 1 and ${l.maxTimeoutMs}`;
  return z.object({
    code: code.refine((c) => Buffer.byteLength(c) <= l.maxCodeBytes, tooLarge('code', l.maxCodeBytes)),
    language: language
      .refine((id) => enabled.includes(id), {
        error: (issue) => `unknown language "${String(issue.input)}"; known: ${enabled.join(', ')}`,
        params: { extra: { Reason: 'unknown_language', Languages: enabled } } satisfies IssueParams,
      })
      // A prefault is checked like a value sent: a config may leave the main language out.
      .prefault(MAIN_LANGUAGE),
    stdin: stdin.refine((s) => Buffer.byteLength(s) <= l.maxStdinBytes, tooLarge('stdin', l.maxStdinBytes)).default(''),
    timeoutMs: timeoutInput.pipe(
      wholeMs.min(1, { error: range }).max(l.maxTimeoutMs, { error: range }).default(l.timeoutMs),
    ),
  });
}

/** Built once per limits object: the server passes the same config to every request. */
const schemas = new WeakMap<Limits, ReturnType<typeof compileBodySchema>>();

function validate(f: Record<string, unknown>, l: Limits): CompileRequest {
  let schema = schemas.get(l);
  if (!schema) schemas.set(l, (schema = compileBodySchema(l)));
  // Without zod's compiled fast path: it takes milliseconds to compile and saves microseconds a parse.
  const parsed = schema.safeParse(f, { jitless: true });
  if (parsed.success) return parsed.data;
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
