// Reads and validates a compile request. JSON, url-encoded forms and multipart forms are accepted
// (the seed's form post keeps working). Everything happens inside one try, so any malformed input
// becomes a 4xx ApiError, never a 500.

import type { Config } from '../config/config';
import { LANGUAGES, MAIN_LANGUAGE } from '../core/languages';
import { ApiError } from './api-error';

export interface CompileRequest {
  code: string;
  language: string;
  stdin: string;
  timeoutMs: number;
}

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

function validate(f: Record<string, unknown>, l: Limits): CompileRequest {
  const { code, language = MAIN_LANGUAGE, stdin = '' } = f;
  if (code === undefined) throw new ApiError(400, 'missing field "code"');
  if (typeof code !== 'string') throw new ApiError(400, 'field "code" must be a string');
  if (code.trim() === '') throw new ApiError(400, 'field "code" is empty');
  if (Buffer.byteLength(code) > l.maxCodeBytes) {
    throw new ApiError(413, `code is larger than ${l.maxCodeBytes} bytes`);
  }
  if (typeof language !== 'string') throw new ApiError(400, 'field "language" must be a string');
  const enabled = l.languages.filter((id) => Object.hasOwn(LANGUAGES, id));
  if (!enabled.includes(language)) {
    throw new ApiError(400, `unknown language "${language}"; known: ${enabled.join(', ')}`, {}, { Languages: enabled });
  }
  if (typeof stdin !== 'string') throw new ApiError(400, 'field "stdin" must be a string');
  if (Buffer.byteLength(stdin) > l.maxStdinBytes) {
    throw new ApiError(413, `stdin is larger than ${l.maxStdinBytes} bytes`);
  }
  let timeoutMs = l.timeoutMs;
  const rawTimeout = f.timeoutMs;
  if (rawTimeout !== undefined && rawTimeout !== '') {
    const n = typeof rawTimeout === 'string' ? Number(rawTimeout) : rawTimeout;
    if (typeof n !== 'number' || !Number.isFinite(n) || !Number.isInteger(n)) {
      throw new ApiError(400, 'field "timeoutMs" must be a whole number of milliseconds');
    }
    if (n <= 0 || n > l.maxTimeoutMs) {
      throw new ApiError(400, `field "timeoutMs" must be between 1 and ${l.maxTimeoutMs}`);
    }
    timeoutMs = n;
  }
  return { code, language, stdin, timeoutMs };
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
