// Judge0 CE 1.13's HTTP API under /judge0 (README: "Judge0's API"): the routes, Judge0's guards in
// its order (authentication, authorization, queue room, fields), its status codes and its error
// bodies. The checks of a submission are lib/judge0/submission-request.ts; storing and running them
// lib/judge0/service.ts; this file only reads requests and writes answers.

import type { Config } from '../config/config';
import { chooseFields, rubySplit, rubyToI, type Field } from '../judge0/fields';
import { judge0Limits } from '../judge0/limits';
import { NotUtf8Error, parseStored, serialize, statusIdOf } from '../judge0/serialize';
import { QueueFullError, type Judge0Service } from '../judge0/service';
import { STATUSES, statusOf } from '../judge0/statuses';
import { checkSubmission, type SubmissionContext } from '../judge0/submission-request';
import { getRuntime } from '../server/runtime';
import type { StoredSubmission } from '../store/submission-store';
import { errorMessage } from '../util/error-message';
import { ApiError } from './api-error';
import { corsHeaders } from './cors';
import { AUTH_HEADER, tokenAccepted } from './auth-token';
import { requestClient, takeRuns } from './admission';
import { bodyLimit, memoryLimitUnavailable, readBody } from './compile-request';
import { about, configInfo, JUDGE0_VERSION, judge0Languages, languageBody } from './judge0-info';

export const JUDGE0_PREFIX = '/judge0';

/** Judge0's answer for anything it refuses with a message: `{"error": "..."}`. */
class Judge0Refusal extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body && 'error' in body ? String(body.error) : `HTTP ${status}`);
  }
}

const refuse = (status: number, error: string, headers?: Record<string, string>) =>
  new Judge0Refusal(status, { error }, headers);
/** 401 and 403 come with an empty body, as Judge0's do. */
const emptyRefusal = (status: number) => new Judge0Refusal(status, null);
const NOT_FOUND = new Judge0Refusal(404, { status: 404, error: 'Not Found' });
const BAD_REQUEST = new Judge0Refusal(400, { status: 400, error: 'Bad Request' });

/** The service behind the submissions, or Judge0's 503 when its database would not open. */
function judge0(): Judge0Service {
  const rt = getRuntime();
  if (!rt.judge0) throw refuse(503, rt.judge0Problem ?? 'submissions are unavailable');
  return rt.judge0;
}

function cors(config: Config): Record<string, string> {
  return corsHeaders(config.corsOrigin, 'GET, POST, DELETE, OPTIONS');
}

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const h = { ...cors(getRuntime().config), 'Cache-Control': 'no-store', ...headers };
  if (body === null) return new Response(null, { status, headers: h });
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...h },
  });
}

/** One request on its way: its URL, its parameters (the query, then the JSON body's, as Rails merges them). */
interface Call {
  request: Request;
  url: URL;
  config: Config;
  client: string;
  body: Record<string, unknown>;
}

/** The body's value wins, as in Rails; one that is no string (a JSON true) is no "true" either. */
function param(call: Call, name: string): string | null {
  if (Object.hasOwn(call.body, name)) {
    const fromBody = call.body[name];
    return typeof fromBody === 'string' ? fromBody : fromBody === null ? null : '';
  }
  return call.url.searchParams.get(name);
}

const flag = (call: Call, name: string) => param(call, name) === 'true';

/** A header, else the parameter of the same name (Judge0 takes both). */
function credential(call: Call, name: string): string | null {
  return call.request.headers.get(name) ?? param(call, name);
}

/** WEBCOMPILE_AUTH_TOKEN: Judge0's X-Auth-Token check (several tokens, separated by spaces). */
function authenticate(call: Call): void {
  if (!tokenAccepted(call.config.authToken, credential(call, AUTH_HEADER))) throw emptyRefusal(401);
}

/** X-Auth-User, for listing and deleting; with no token configured these are always refused (403). */
function authorize(call: Call): void {
  const tokens = call.config.judge0AuthzToken;
  if (tokens.trim() === '' || !tokenAccepted(tokens, credential(call, 'X-Auth-User'))) throw emptyRefusal(403);
}

function fieldsOf(call: Call): Field[] {
  const raw = param(call, 'fields');
  const choice = chooseFields(raw);
  if (choice.invalid) throw refuse(400, `invalid fields: [${choice.invalid.join(', ')}]`);
  return choice.fields;
}

async function readJson(request: Request, config: Config): Promise<Record<string, unknown>> {
  if (request.method === 'GET' || request.method === 'DELETE' || request.method === 'HEAD') return {};
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  // Room for the largest additional_files zip too, in base64.
  const limit = bodyLimit(config) + Math.ceil((config.judge0MaxExtractKb * 1024 * 4) / 3) + 4096;
  const raw = await readBody(request, limit);
  // Rails reads a JSON body only under a JSON type; fetch without a type is taken as JSON too.
  if (raw.length === 0 || (type !== '' && type !== 'application/json' && type !== 'text/plain')) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw BAD_REQUEST;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function submissionContext(config: Config): SubmissionContext {
  return {
    limits: judge0Limits(config),
    languages: getRuntime().executor.enabledLanguages(),
    maxSourceBytes: config.maxCodeBytes,
    maxStdinBytes: config.maxStdinBytes,
    maxExpectedBytes: config.maxTestsBytes,
    maxArgs: config.maxArgs,
    maxExtraFiles: Math.max(0, config.maxFiles - 1),
    maxExtraBytes: config.judge0MaxExtractKb * 1024,
    memoryUnavailable: memoryLimitUnavailable(config),
    callbackAllow: config.callbackAllowHosts,
  };
}

/** Our per-client rate limit: each run of each submission is a run. */
async function throttle(call: Call, runs: number): Promise<void> {
  const limited = await takeRuns(call.client, runs);
  if (limited) throw refuse(429, limited.message, { 'Retry-After': String(limited.retryAfterS) });
}

/** The languages' names, read (from the images) only when an answer shows `language`. */
async function languageNames(fields: readonly Field[]): Promise<(id: number) => string> {
  if (!fields.includes('language')) return () => '';
  const names = new Map((await judge0Languages()).map((l) => [l.id, l.name]));
  return (id) => names.get(id) ?? '';
}

const NOT_UTF8_ONE =
  'some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true query parameter';
const NOT_UTF8_MANY =
  'some attributes for one or more submissions cannot be converted to UTF-8, use base64_encoded=true query parameter';

async function shown(row: StoredSubmission, fields: Field[], base64: boolean) {
  return serialize(parseStored(row), fields, base64, await languageNames(fields));
}

/** Several submissions' answers; output that is no UTF-8 in plain mode fails them all, as on Judge0. */
async function shownAll(rows: (StoredSubmission | null)[], fields: Field[], base64: boolean) {
  const names = await languageNames(fields);
  try {
    return rows.map((r) => (r ? serialize(parseStored(r), fields, base64, names) : null));
  } catch (e) {
    if (e instanceof NotUtf8Error) throw refuse(400, NOT_UTF8_MANY);
    throw e;
  }
}

async function create(call: Call): Promise<Response> {
  const wait = flag(call, 'wait');
  const base64 = flag(call, 'base64_encoded');
  // Judge0 checks `fields` before the body.
  const fields = fieldsOf(call);
  const checked = checkSubmission(call.body, base64, submissionContext(call.config));
  if (!checked.ok) return answer(422, checked.errors);
  await throttle(call, checked.submission.number_of_runs);
  if (!wait) {
    const [token] = await judge0().enqueue([checked.submission], call.client);
    return answer(201, { token });
  }
  const row = await judge0().runNow(checked.submission, call.client);
  try {
    return answer(201, await shown(row, fields, base64));
  } catch (e) {
    // Judge0 ran and stored it, and says so with the token beside the error.
    if (e instanceof NotUtf8Error) return answer(201, { error: NOT_UTF8_ONE, token: row.token });
    throw e;
  }
}

function tooBig(call: Call, count: number): void {
  const max = call.config.judge0MaxBatch;
  if (count > max) throw refuse(400, `number of submissions in a batch should be less than or equal to ${max}`);
}

async function createBatch(call: Call): Promise<Response> {
  const items = call.body.submissions;
  const count = Array.isArray(items) ? items.length : 0;
  if (count === 0) throw refuse(400, 'there should be at least one submission in a batch');
  tooBig(call, count);
  const base64 = flag(call, 'base64_encoded');
  const ctx = submissionContext(call.config);
  const checked = (items as unknown[]).map((item) => checkSubmission(item, base64, ctx));
  const valid = checked.flatMap((c) => (c.ok ? [c.submission] : []));
  if (valid.length === 0)
    return answer(
      422,
      checked.map((c) => (c.ok ? null : c.errors)),
    );
  await throttle(
    call,
    valid.reduce((n, v) => n + v.number_of_runs, 0),
  );
  const tokens = await judge0().enqueue(valid, call.client, true);
  let next = 0;
  return answer(
    201,
    checked.map((c) => (c.ok ? { token: tokens[next++] } : c.errors)),
  );
}

function tokensOf(call: Call): string[] {
  const raw = (call.request.headers.get('tokens') ?? param(call, 'tokens') ?? '').trim();
  const tokens = rubySplit(raw, ',');
  if (tokens.length === 0) throw refuse(400, 'there should be at least one submission in a batch');
  tooBig(call, tokens.length);
  return tokens;
}

async function showBatch(call: Call): Promise<Response> {
  const fields = fieldsOf(call);
  const tokens = tokensOf(call);
  const base64 = flag(call, 'base64_encoded');
  const rows = await judge0().store.getMany(tokens);
  return answer(200, { submissions: await shownAll(rows, fields, base64) });
}

async function show(call: Call, token: string): Promise<Response> {
  const fields = fieldsOf(call);
  const row = await judge0().store.get(token);
  if (!row) throw NOT_FOUND;
  try {
    return answer(200, await shown(row, fields, flag(call, 'base64_encoded')));
  } catch (e) {
    if (e instanceof NotUtf8Error) throw refuse(400, NOT_UTF8_ONE);
    throw e;
  }
}

function integer(raw: string | null, fallback: number): number {
  return raw === null ? fallback : rubyToI(raw);
}

async function list(call: Call): Promise<Response> {
  authorize(call);
  const fields = fieldsOf(call);
  const page = integer(param(call, 'page'), 1);
  const perPage = integer(param(call, 'per_page'), 20);
  if (page <= 0) throw refuse(400, `invalid page: ${page}`);
  if (perPage < 0) throw refuse(400, `invalid per_page: ${perPage}`);
  // Past any real table: an empty page, not an overflow.
  const big = 2 ** 31;
  const { rows, total } = await judge0().store.list(Math.min((page - 1) * perPage, big), Math.min(perPage, big));
  const totalPages = perPage === 0 ? 0 : Math.ceil(total / perPage);
  return answer(200, {
    submissions: await shownAll(rows, fields, flag(call, 'base64_encoded')),
    meta: {
      current_page: page,
      next_page: page < totalPages ? page + 1 : null,
      prev_page: page > 1 ? page - 1 : null,
      total_pages: totalPages,
      total_count: total,
    },
  });
}

async function remove(call: Call, token: string): Promise<Response> {
  authorize(call);
  const fields = fieldsOf(call);
  if (!call.config.judge0EnableDelete) throw refuse(400, 'delete not allowed');
  const store = judge0().store;
  const row = await store.get(token);
  if (!row) throw NOT_FOUND;
  const status = statusIdOf(parseStored(row));
  if (row.state !== 'done') {
    throw refuse(400, `submission cannot be deleted because its status is ${status} (${statusOf(status).description})`);
  }
  // Judge0 answers a deleted submission in base64 whatever was asked.
  const body = await shown(row, fields, true);
  await store.delete(token);
  return answer(200, body);
}

async function languages(call: Call, rest: string[]): Promise<Response> {
  const all = await judge0Languages();
  if (rest.length === 0)
    return answer(
      200,
      all.map(({ id, name }) => ({ id, name })),
    );
  if (rest.length === 1 && rest[0] === 'all') {
    return answer(
      200,
      all.map(({ id, name }) => ({ id, name, is_archived: false })),
    );
  }
  const found = rest.length === 1 && /^\d+$/.test(rest[0]) ? all.find((l) => l.id === Number(rest[0])) : undefined;
  if (!found) throw NOT_FOUND;
  return answer(200, languageBody(found));
}

async function workers(call: Call): Promise<Response> {
  const j = judge0();
  const pending = await j.store.countPending();
  const working = j.activeRuns;
  const available = call.config.judge0Workers;
  return answer(200, [
    {
      queue: JUDGE0_VERSION,
      size: Math.max(0, pending - working),
      available,
      idle: Math.max(0, available - working),
      working,
      paused: 0,
      failed: 0,
    },
  ]);
}

async function route(call: Call, parts: string[]): Promise<Response> {
  const method = call.request.method;
  const [head, ...rest] = parts;
  if (head === 'submissions') {
    if (rest.length === 0 && method === 'POST') return create(call);
    if (rest.length === 0 && method === 'GET') return list(call);
    if (rest.length === 1 && rest[0] === 'batch') {
      if (method === 'POST') return createBatch(call);
      if (method === 'GET') return showBatch(call);
    }
    if (rest.length === 1 && method === 'GET') return show(call, rest[0]);
    if (rest.length === 1 && method === 'DELETE') return remove(call, rest[0]);
    throw NOT_FOUND;
  }
  if (method === 'GET') {
    if (head === 'languages') return languages(call, rest);
    if (rest.length > 0) throw NOT_FOUND;
    if (head === 'statuses') return answer(200, STATUSES);
    if (head === 'config_info') return answer(200, configInfo(call.config));
    if (head === 'about') return answer(200, about());
    if (head === 'version') {
      return new Response(JUDGE0_VERSION, {
        headers: { ...cors(call.config), 'Cache-Control': 'no-store', 'Content-Type': 'text/plain; charset=utf-8' },
      });
    }
    if (head === 'workers') return workers(call);
  }
  if (method === 'POST' && rest.length === 0) {
    if (head === 'authenticate') return answer(200, null);
    if (head === 'authorize') {
      authorize(call);
      return answer(200, null);
    }
  }
  throw NOT_FOUND;
}

/** Every request under /judge0. */
export async function handleJudge0(request: Request): Promise<Response> {
  const rt = getRuntime();
  const config = rt.config;
  if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors(config) });
  const url = new URL(request.url);
  try {
    let parts: string[];
    try {
      parts = url.pathname
        .slice(JUDGE0_PREFIX.length)
        .split('/')
        .filter(Boolean)
        .map((p) => decodeURIComponent(p));
    } catch {
      throw NOT_FOUND;
    }
    const client = requestClient(request.headers, config);
    const call: Call = { request, url, config, client, body: {} };
    call.body = await readJson(request, config);
    // Judge0's home page needs nothing; everything else the token, when one is set.
    if (parts.length === 0 && request.method === 'GET') return answer(200, null);
    authenticate(call);
    // Judge0's queue check comes before its fields check, and both before the body's.
    if (request.method === 'POST' && parts[0] === 'submissions' && parts.length <= 2) {
      await checkRoom(call, parts);
    }
    return await route(call, parts);
  } catch (e) {
    if (e instanceof Judge0Refusal) return answer(e.status, e.body, e.headers);
    if (e instanceof QueueFullError) return answer(503, { error: 'queue is full' });
    if (e instanceof ApiError) return answer(e.status, { error: e.message }, e.headers);
    // A shared database that does not answer is a 503 to try again, not our failure.
    if (rt.config.databaseUrl && (await rt.sharedServices(true)).database === 'down') {
      rt.logger.warn({ event: 'judge0_database_down', error: errorMessage(e) });
      return answer(503, { error: 'the submissions database does not answer' }, { 'Retry-After': '5' });
    }
    rt.logger.error({ event: 'judge0_unexpected_error', error: errorMessage(e) });
    return answer(500, { error: 'internal error' });
  }
}

async function checkRoom(call: Call, parts: string[]): Promise<void> {
  const n = parts[1] === 'batch' ? (Array.isArray(call.body.submissions) ? call.body.submissions.length : 0) : 1;
  const pending = await judge0().store.countPending();
  if (pending + n > call.config.judge0MaxQueue) throw new QueueFullError('queue is full');
}
