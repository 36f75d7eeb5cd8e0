// Property-based tests (fast-check) of parseCompileRequest: whatever arrives, the parser answers with a
// valid request or a 4xx ApiError; valid requests come through every accepted encoding unchanged; the
// limits of the config (random configs, built by loadConfig from an environment) are what it enforces.
// Seeds are fixed so a failure reproduces; FC_SEED=<n> explores another part of the input space.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ApiError } from '@/lib/http/api-error';
import { parseCompileRequest, type CompileRequest } from '@/lib/http/compile-request';
import { loadConfig, type Config } from '@/lib/config/config';
import { LANGUAGES, MAIN_LANGUAGE } from '@/lib/core/languages';

const SEED = Number(process.env.FC_SEED ?? 20_240_611);
const runs = (numRuns: number, salt: number) => ({ numRuns, seed: SEED + salt });

const FIELDS = ['code', 'language', 'stdin', 'timeoutMs'] as const;
const KNOWN_IDS = Object.keys(LANGUAGES);
const DEFAULT_CONFIG = loadConfig({});

/** The config's ids that name a language (own keys only: "constructor" is not a language). */
const enabledOf = (c: Config) => c.languages.filter((id) => Object.hasOwn(LANGUAGES, id));
const bytes = (s: string) => Buffer.byteLength(s);
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

// ---------------------------------------------------------------------------------------------------
// Running the parser

type Outcome = { ok: CompileRequest } | { error: ApiError };

/** The parser's answer; anything thrown that is not an ApiError fails the property. */
async function outcome(request: Request, config: Config): Promise<Outcome> {
  try {
    return { ok: await parseCompileRequest(request, config) };
  } catch (e) {
    if (e instanceof ApiError) return { error: e };
    throw new Error(`parseCompileRequest threw a ${Object.prototype.toString.call(e)}, not an ApiError: ${String(e)}`);
  }
}

async function statusOf(request: Request, config: Config): Promise<number> {
  const o = await outcome(request, config);
  return 'ok' in o ? 200 : o.error.status;
}

function post(body: Uint8Array | ReadableStream<Uint8Array>, headers: Record<string, string>): Request {
  // A byte body gets no implicit content-type, so the header is exactly the one given (or none).
  return new Request('http://x/api/compile', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
}

// ---------------------------------------------------------------------------------------------------
// Configs

/**
 * A random config, built the way the server builds it: loadConfig over an environment. Small limits
 * keep runs fast; the default config (64 KiB limits, large next to the body's 64 KiB of slack) is what
 * shows whether a body with code and stdin at their limits still fits.
 */
const configArb: fc.Arbitrary<Config> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(DEFAULT_CONFIG) },
  {
    weight: 6,
    arbitrary: fc
      .record({
        code: fc.integer({ min: 1, max: 3000 }),
        stdin: fc.integer({ min: 0, max: 3000 }),
        timeouts: fc.tuple(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 2 ** 31 - 1 })),
        known: fc.shuffledSubarray(KNOWN_IDS, { minLength: 1 }),
        // Ids a config may name that no language has: the parser must not accept them either.
        unknown: fc.subarray(['cobol', 'fortran', 'constructor', '__proto__']),
      })
      .map(({ code, stdin, timeouts, known, unknown }) =>
        loadConfig({
          WEBCOMPILE_MAX_CODE_BYTES: String(code),
          WEBCOMPILE_MAX_STDIN_BYTES: String(stdin),
          WEBCOMPILE_TIMEOUT_MS: String(Math.min(...timeouts)),
          WEBCOMPILE_MAX_TIMEOUT_MS: String(Math.max(...timeouts)),
          WEBCOMPILE_LANGUAGES: [...known, ...unknown].join(','),
        }),
      ),
  },
);

// ---------------------------------------------------------------------------------------------------
// Strings

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u));
/** Characters that are expensive to encode: control characters (JSON \u00XX), punctuation
 *  (percent-encoded), 2-, 3- and 4-byte UTF-8. */
const costlyChar = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }).map((u) => String.fromCharCode(u)),
  fc.constantFrom('"', '\\', '{', '}', '&', '=', '%', '+', '\r\n', '\u00e9', '\u4e2d', '\u{1f600}', '\u2028', '\ufeff'),
);
const anyUnit = (surrogates: boolean) =>
  surrogates
    ? fc.oneof(
        { weight: 8, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
        { weight: 1, arbitrary: loneSurrogate },
      )
    : fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });

/** The longest prefix of s (whole code points) of at most max UTF-8 bytes, as Buffer.byteLength counts them. */
function fit(s: string, max: number): string {
  if (!/\p{Cs}/u.test(s)) {
    // Fast path: cut the UTF-8 bytes at a code point boundary.
    const buf = Buffer.from(s);
    if (buf.length <= max) return s;
    let cut = max;
    while (cut > 0 && (buf[cut] & 0xc0) === 0x80) cut--;
    return buf.subarray(0, cut).toString();
  }
  // A lone surrogate would come back from a Buffer as U+FFFD: walk the code points.
  let out = '';
  let used = 0;
  for (const cp of s) {
    const n = bytes(cp);
    if (used + n > max) break;
    out += cp;
    used += n;
  }
  return out;
}

/** unit repeated to (at most) target bytes. */
const fill = (unit: string, target: number) =>
  fit(unit.repeat(Math.ceil(target / Math.max(1, bytes(unit))) + 1), target);

/** Byte sizes biased toward 0 and the limit. */
const sizeUpTo = (max: number) =>
  fc.oneof(
    fc.constant(max),
    fc.integer({ min: Math.max(0, max - 4), max }),
    fc.integer({ min: 0, max }),
    fc.constant(0),
  );

/**
 * A string of at most maxBytes UTF-8 bytes: short arbitrary ones, and ones filled up to a size near
 * the limit with a repeated arbitrary chunk (often of characters that are costly to encode).
 */
function textUpTo(maxBytes: number, surrogates: boolean): fc.Arbitrary<string> {
  const unit = anyUnit(surrogates);
  return fc.oneof(
    fc.string({ unit, maxLength: 40 }).map((s) => fit(s, maxBytes)),
    fc
      .tuple(fc.oneof(fc.string({ unit, minLength: 1, maxLength: 8 }), costlyChar), sizeUpTo(maxBytes))
      .map(([chunk, size]) => fill(chunk, size)),
  );
}

const nonBlankChar = (surrogates: boolean) => anyUnit(surrogates).filter((c) => c.trim() !== '');

/** Code the parser must accept: not blank, at most maxBytes. */
function codeUpTo(maxBytes: number, surrogates: boolean): fc.Arbitrary<string> {
  return fc
    .tuple(nonBlankChar(surrogates), textUpTo(maxBytes, surrogates), fc.boolean())
    .map(([head, rest, headFirst]) => {
      const h = bytes(head) <= maxBytes ? head : 'x';
      const s = fit(h + rest, maxBytes);
      // Sometimes the non-blank character comes last, after what may be only whitespace.
      return headFirst ? s : fit(rest, maxBytes - bytes(h)) + h;
    });
}

/** A string of more than maxBytes bytes (by at most a few hundred), not blank. */
function textOver(maxBytes: number, surrogates: boolean): fc.Arbitrary<string> {
  return fc
    .tuple(
      nonBlankChar(surrogates),
      fc.oneof(fc.string({ unit: anyUnit(surrogates), minLength: 1, maxLength: 8 }), costlyChar),
      fc.integer({ min: 1, max: 300 }),
    )
    .map(([head, chunk, extra]) => {
      const s = head + fill(chunk, maxBytes + extra);
      return bytes(s) > maxBytes ? s : s + 'x'.repeat(maxBytes + 1 - bytes(s));
    });
}

// ---------------------------------------------------------------------------------------------------
// Encodings

/** JSON with every UTF-16 unit of every string written as \uXXXX (valid JSON, RFC 8259 §7). */
function jsonEscapingEverything(value: unknown): string {
  return JSON.stringify(value).replace(/"(?:[^"\\]|\\.)*"/g, (lit) => {
    const s: string = JSON.parse(lit);
    let out = '"';
    for (let i = 0; i < s.length; i++) out += `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return `${out}"`;
  });
}

interface Part {
  name: string;
  value: string | Uint8Array;
  filename?: string;
  type?: string;
}

/** A part's headers, up to the blank line that ends them. */
function partHead(p: Part): string {
  let head = `Content-Disposition: form-data; name="${p.name}"`;
  if (p.filename !== undefined) head += `; filename="${p.filename}"`;
  head += '\r\n';
  if (p.type !== undefined) head += `Content-Type: ${p.type}\r\n`;
  return `${head}\r\n`;
}

function multipartBody(boundary: string, parts: Part[]): Uint8Array {
  const chunks: Buffer[] = [];
  for (const p of parts)
    chunks.push(Buffer.from(`--${boundary}\r\n${partHead(p)}`), Buffer.from(p.value), Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return new Uint8Array(Buffer.concat(chunks));
}

/** How many times needle occurs in body, overlaps counted. */
function occurrences(body: Uint8Array, needle: string): number {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let n = 0;
  for (let i = buf.indexOf(needle); i !== -1; i = buf.indexOf(needle, i + 1)) n++;
  return n;
}

/** RFC 2046 boundaries: 1 to 70 bchars, not ending in a space. */
const boundaryArb = fc.stringMatching(/^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/);

// ---------------------------------------------------------------------------------------------------
// 1. Never a crash

/** A header value the Headers class accepts (tests must not fail building the Request). */
const headerValue = (arb: fc.Arbitrary<string>) =>
  arb.filter((v) => {
    try {
      new Headers({ 'content-type': v });
      return true;
    } catch {
      return false;
    }
  });

const mediaTypes = [
  'application/json',
  'APPLICATION/JSON',
  'application/json; charset=utf-8',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'Application/X-WWW-Form-Urlencoded; charset=UTF-8',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-datax; boundary=a',
  'multipart/mixed; boundary=a',
  'text/plain',
  '',
  ';',
  'application/json;;;boundary=',
];
const contentTypeArb = fc.option(
  fc.oneof(
    fc.constantFrom(...mediaTypes),
    fc.tuple(fc.constantFrom(...mediaTypes), boundaryArb).map(([t, b]) => `${t}; boundary="${b}"`),
    headerValue(fc.string({ unit: 'binary-ascii', maxLength: 60 })),
  ),
  { nil: undefined },
);

const jsonArb = fc.jsonValue({ stringUnit: 'binary', maxDepth: 6 });
/** A JSON value that comes with a field of each name, so validation is reached with all kinds of types. */
const fieldValue = fc.oneof(
  jsonArb,
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.double(),
  fc.integer(),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-0',
    '1e3',
    '0x10',
    '1.5',
    'Infinity',
    'NaN',
    '9'.repeat(400),
    'csharp',
    '__proto__',
    'constructor',
  ),
);
const objectWithFields = fc
  .array(fc.tuple(fc.constantFrom(...FIELDS, '__proto__', 'constructor', 'other'), fieldValue), { maxLength: 6 })
  .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
/** Number literals JSON.parse reads: huge, tiny, long fractions, big exponents (1e400 is Infinity). */
const numberLiteral = fc.stringMatching(/^-?(0|[1-9][0-9]{0,400})(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,4})?$/);
const deeplyNested = fc
  .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{"code":'), fc.boolean())
  .map(([depth, open, closed]) => {
    const close = open === '[' ? ']' : '}';
    const inner = open === '[' ? '1' : '"x"';
    return `{"code":${open.repeat(depth)}${inner}${closed ? close.repeat(depth) : ''}}`;
  });
const jsonText = fc.oneof(
  jsonArb.map((v) => JSON.stringify(v)),
  objectWithFields,
  numberLiteral.map((n) => `{"code":"x","timeoutMs":${n}}`),
  numberLiteral.map((n) => `{"code":${n},"stdin":${n}}`),
  deeplyNested,
  fc.string({ unit: 'binary', maxLength: 200 }),
);
/** JSON around invalid UTF-8 (lone continuation bytes, overlongs, truncated sequences, surrogates). */
const invalidUtf8Json = fc
  .tuple(
    fc.constantFrom('code', 'stdin', 'language'),
    fc.uint8Array({ minLength: 1, maxLength: 64 }),
    fc.constantFrom([0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xff], [0xf4, 0x90, 0x80, 0x80]),
  )
  .map(([k, rnd, bad]) => {
    const pre = Buffer.from(k === 'code' ? '{"code":"' : `{"code":"x","${k}":"`);
    return new Uint8Array(Buffer.concat([pre, Buffer.from(rnd), Buffer.from(bad), Buffer.from('"}')]));
  });
const urlencodedText = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...FIELDS, '__proto__', 'constructor'), fc.string({ unit: 'binary', maxLength: 10 })),
        fc.string({ unit: 'binary', maxLength: 40 }),
      ),
      {
        maxLength: 8,
      },
    )
    .map((entries) => new URLSearchParams(entries).toString()),
  // Raw text: stray %, bad escapes, percent-encoded invalid UTF-8.
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          'code=',
          'stdin=',
          'language=',
          'timeoutMs=',
          '&',
          '=',
          '%',
          '%zz',
          '%ff',
          '%c0%af',
          '%ed%a0%80',
          '+',
          '%00',
        ),
        fc.string({ unit: 'binary', maxLength: 10 }),
      ),
      {
        maxLength: 20,
      },
    )
    .map((a) => a.join('')),
);

const partArb: fc.Arbitrary<Part> = fc.record(
  {
    name: fc.oneof(
      fc.constantFrom(...FIELDS, '__proto__', 'constructor', ''),
      fc.string({ unit: 'grapheme-ascii', maxLength: 10 }).map((s) => s.replace(/["\\]/g, '')),
    ),
    value: fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.uint8Array({ maxLength: 80 }),
      fc.constantFrom('0', '5000', '-1', '1.5', 'csharp', 'python'),
    ),
    filename: fc.string({ unit: 'grapheme-ascii', maxLength: 10 }).map((s) => s.replace(/["\\]/g, '')),
    type: fc.constantFrom('text/plain', 'application/octet-stream', 'text/plain; charset=utf-16', ''),
  },
  { requiredKeys: ['name', 'value'] },
);
/** Multipart bodies with random boundaries, sometimes corrupted, under a header that may name another boundary. */
const multipartRequest = fc
  .record({
    boundary: boundaryArb,
    headerBoundary: fc.option(boundaryArb, { nil: undefined }),
    quoted: fc.boolean(),
    typeCase: fc.constantFrom('multipart/form-data', 'Multipart/Form-Data', 'MULTIPART/FORM-DATA'),
    parts: fc.array(partArb, { maxLength: 6 }),
    mutation: fc.oneof(
      fc.constant(undefined),
      fc.record({
        kind: fc.constantFrom('truncate', 'flip', 'insert'),
        at: fc.nat(),
        byte: fc.nat(255),
        junk: fc.uint8Array({ maxLength: 20 }),
      }),
    ),
    omitBoundary: fc.boolean(),
  })
  .map(({ boundary, headerBoundary, quoted, typeCase, parts, mutation, omitBoundary }) => {
    let body = multipartBody(boundary, parts);
    if (mutation) {
      const at = mutation.at % (body.length + 1);
      if (mutation.kind === 'truncate') body = body.slice(0, at);
      else if (mutation.kind === 'flip' && at < body.length) body[at] ^= mutation.byte | 1;
      else body = new Uint8Array(Buffer.concat([body.slice(0, at), mutation.junk, body.slice(at)]));
    }
    const b = headerBoundary ?? boundary;
    const type = omitBoundary ? typeCase : `${typeCase}; boundary=${quoted ? `"${b}"` : b}`;
    return { body, type };
  })
  .filter(({ type }) => {
    try {
      new Headers({ 'content-type': type });
      return true;
    } catch {
      return false;
    }
  });

/** Bodies of every kind, with any content type; a few big ones, on both sides of the body limits. */
const anyBody: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).map(utf8) },
  { weight: 2, arbitrary: jsonText.map(utf8) },
  { weight: 2, arbitrary: invalidUtf8Json },
  { weight: 2, arbitrary: urlencodedText.map(utf8) },
  { weight: 2, arbitrary: multipartRequest.map((m) => m.body) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.integer({ min: 0, max: 1_000_000 }))
      .map(([chunk, size]) => new Uint8Array(Buffer.alloc(size, chunk))),
  },
);

const contentLengthArb = fc.option(
  fc.oneof(
    fc.nat().map(String),
    fc.constantFrom('0', '-1', '1e309', '99999999999999999999', 'abc', ' 12 ', '0x10', ''),
  ),
  { nil: undefined },
);

/** The body arrives as one chunk, or as a stream of chunks that may fail midway. */
const deliveryArb = fc.oneof(
  fc.constant({ stream: false as const }),
  fc.record({ stream: fc.constant(true as const), cuts: fc.array(fc.nat(), { maxLength: 6 }), fails: fc.boolean() }),
);

function deliver(
  body: Uint8Array,
  d: { stream: boolean; cuts?: number[]; fails?: boolean },
): Uint8Array | ReadableStream<Uint8Array> {
  if (!d.stream) return body;
  const cuts = [...new Set((d.cuts ?? []).map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const c of [...cuts, body.length]) {
    chunks.push(body.slice(from, c));
    from = c;
  }
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else if (d.fails) controller.error(new TypeError('connection reset'));
      else controller.close();
    },
  });
}

/** What a request the parser accepted must satisfy under the config. */
function expectValid(r: CompileRequest, c: Config) {
  // Random bodies may (rarely) hold valid files or args instead of code.
  const optional = ['code', 'files', 'args', 'limits'];
  expect(
    Object.keys(r)
      .filter((k) => !optional.includes(k))
      .sort(),
  ).toEqual(['language', 'stdin', 'timeoutMs']);
  expect(r.code === undefined).toBe(r.files !== undefined);
  if (r.code !== undefined) {
    expect(typeof r.code).toBe('string');
    expect(r.code.trim()).not.toBe('');
    expect(bytes(r.code)).toBeLessThanOrEqual(c.maxCodeBytes);
  }
  expect(enabledOf(c)).toContain(r.language);
  expect(typeof r.stdin).toBe('string');
  expect(bytes(r.stdin)).toBeLessThanOrEqual(c.maxStdinBytes);
  expect(Number.isInteger(r.timeoutMs)).toBe(true);
  expect(r.timeoutMs).toBeGreaterThanOrEqual(1);
  expect(r.timeoutMs).toBeLessThanOrEqual(c.maxTimeoutMs);
}

/** What a refusal must be: one of the parser's client errors, counted under its status. */
function expectClientError(e: ApiError) {
  expect([400, 413, 415]).toContain(e.status);
  expect(e.reason).toBe(`http_${e.status}`);
  expect(e.message).not.toBe('');
}

// Each property takes well under a second on an idle machine; the timeout is for a loaded one.
describe('parseCompileRequest, properties', { timeout: 30_000 }, () => {
  describe('1. never a crash: a valid request or a 4xx ApiError', () => {
    it('for any body under any content type, chunked or not', async () => {
      await fc.assert(
        fc.asyncProperty(
          configArb,
          anyBody,
          contentTypeArb,
          contentLengthArb,
          deliveryArb,
          async (config, body, type, length, delivery) => {
            const headers: Record<string, string> = {};
            if (type !== undefined) headers['content-type'] = type;
            if (length !== undefined) headers['content-length'] = length;
            const o = await outcome(post(deliver(body, delivery), headers), config);
            if ('ok' in o) expectValid(o.ok, config);
            else expectClientError(o.error);
          },
        ),
        runs(400, 1),
      );
    });

    it('for JSON bodies of every shape (objects with fields of any type, huge numbers, deep nesting, invalid UTF-8)', async () => {
      const body = fc.oneof(jsonText.map(utf8), invalidUtf8Json);
      const type = fc.constantFrom(
        undefined,
        'application/json',
        'application/json; charset=utf-8',
        'application/problem+json',
      );
      await fc.assert(
        fc.asyncProperty(configArb, body, type, async (config, b, t) => {
          const o = await outcome(post(b, t === undefined ? {} : { 'content-type': t }), config);
          if ('ok' in o) expectValid(o.ok, config);
          else {
            expectClientError(o.error);
            expect(o.error.status).not.toBe(415);
          }
        }),
        runs(300, 2),
      );
    });

    it('for url-encoded and multipart bodies with random fields and boundaries', async () => {
      const request = fc.oneof(
        urlencodedText.map((t) => ({ body: utf8(t), type: 'application/x-www-form-urlencoded' })),
        multipartRequest,
      );
      await fc.assert(
        fc.asyncProperty(configArb, request, async (config, { body, type }) => {
          const o = await outcome(post(body, { 'content-type': type }), config);
          if ('ok' in o) expectValid(o.ok, config);
          else {
            expectClientError(o.error);
            expect(o.error.status).not.toBe(415);
          }
        }),
        runs(300, 3),
      );
    });
  });

  // -------------------------------------------------------------------------------------------------
  // 2. Valid requests round-trip

  /** A valid request under the config; optional fields may be left out (undefined). */
  const validArb = (surrogates: boolean) =>
    configArb.chain((config) =>
      fc.record({
        config: fc.constant(config),
        code: codeUpTo(config.maxCodeBytes, surrogates),
        language: fc.option(fc.constantFrom(...enabledOf(config)), { nil: undefined }),
        stdin: fc.option(textUpTo(config.maxStdinBytes, surrogates), { nil: undefined }),
        timeoutMs: fc.option(
          fc.oneof(fc.constant(1), fc.constant(config.maxTimeoutMs), fc.integer({ min: 1, max: config.maxTimeoutMs })),
          { nil: undefined },
        ),
        order: fc.shuffledSubarray([...FIELDS], { minLength: 4 }),
      }),
    );
  type Valid = {
    config: Config;
    code: string;
    language?: string;
    stdin?: string;
    timeoutMs?: number;
    order: (typeof FIELDS)[number][];
  };

  /** The fields present, in the generated order. */
  const present = (v: Valid) => v.order.filter((k) => v[k] !== undefined).map((k) => [k, v[k]!] as const);
  /** What the parser must return: the values sent, the config's defaults for those left out. */
  const expected = (v: Valid): CompileRequest => ({
    code: v.code,
    language: v.language ?? MAIN_LANGUAGE,
    stdin: v.stdin ?? '',
    timeoutMs: v.timeoutMs ?? v.config.timeoutMs,
  });
  // The default language is MAIN_LANGUAGE even when the config does not enable it (then a request
  // must name one), so in those configs the generated requests always name one.
  const withLanguage = (v: Valid): Valid =>
    v.language === undefined && !enabledOf(v.config).includes(MAIN_LANGUAGE)
      ? { ...v, language: enabledOf(v.config)[0] }
      : v;

  async function roundTrip(v: Valid, request: Request) {
    const o = await outcome(request, v.config);
    if ('error' in o) throw new Error(`refused with ${o.error.status}: ${o.error.message}`);
    expect(o.ok).toEqual(expected(v));
  }

  describe('2. valid requests round-trip', () => {
    it('as JSON (plain or with every character \\u-escaped; lone surrogates included)', async () => {
      const type = fc.constantFrom(
        undefined,
        'application/json',
        'application/json; charset=UTF-8',
        'application/vnd.webcompile+json',
      );
      await fc.assert(
        fc.asyncProperty(validArb(true).map(withLanguage), fc.boolean(), type, async (v, escapeAll, t) => {
          const obj = Object.fromEntries(present(v));
          const text = escapeAll ? jsonEscapingEverything(obj) : JSON.stringify(obj);
          await roundTrip(v, post(utf8(text), t === undefined ? {} : { 'content-type': t }));
        }),
        runs(250, 4),
      );
    });

    it('as application/x-www-form-urlencoded', async () => {
      await fc.assert(
        fc.asyncProperty(validArb(false).map(withLanguage), fc.boolean(), async (v, extra) => {
          const entries = present(v).map(([k, x]) => [k, String(x)]);
          if (extra) entries.push(['unrelated', 'field']);
          const text = new URLSearchParams(entries).toString();
          await roundTrip(v, post(utf8(text), { 'content-type': 'application/x-www-form-urlencoded' }));
        }),
        runs(250, 5),
      );
    });

    it('as multipart/form-data with a random boundary (code as a field or as a file)', async () => {
      await fc.assert(
        fc.asyncProperty(
          validArb(false).map(withLanguage),
          boundaryArb,
          fc.boolean(),
          fc.boolean(),
          async (v, boundary, asFile, quoted) => {
            const parts: Part[] = present(v).map(([k, x]) =>
              k === 'code' && asFile
                ? { name: k, value: x as string, filename: 'main.src', type: 'text/plain' }
                : { name: k, value: String(x) },
            );
            const body = multipartBody(boundary, parts);
            // RFC 2046 only forbids "\r\n--" + boundary inside a part, but Node 20's undici rejects a body
            // with the bare boundary anywhere but in its delimiters: in a value, a part's headers, or
            // overlapping a delimiter as "-" or "--" do (the parser answers 400, see property 1;
            // nodejs/undici#5561). And like any WHATWG UTF-8 decode, it drops a byte order mark that
            // starts a value.
            fc.pre(
              occurrences(body, boundary) === parts.length + 1 &&
                parts.every((p) => !String(p.value).startsWith('\ufeff')),
            );
            const type = `multipart/form-data; boundary=${quoted || !/^[0-9A-Za-z'+_\-.]+$/.test(boundary) ? `"${boundary}"` : boundary}`;
            await roundTrip(v, post(body, { 'content-type': type }));
          },
        ),
        runs(250, 6),
      );
    });
  });

  // -------------------------------------------------------------------------------------------------
  // 3. Limits

  /** A JSON request of otherwise valid fields with some of them replaced. */
  const jsonRequest = (fields: Record<string, unknown>) =>
    post(utf8(JSON.stringify(fields)), { 'content-type': 'application/json' });
  const formRequest = (fields: Record<string, string>) =>
    post(utf8(new URLSearchParams(fields).toString()), { 'content-type': 'application/x-www-form-urlencoded' });
  const baseArb = configArb.chain((config) =>
    fc.record({
      config: fc.constant(config),
      code: codeUpTo(config.maxCodeBytes, false),
      language: fc.constantFrom(...enabledOf(config)),
      stdin: textUpTo(config.maxStdinBytes, false),
      form: fc.boolean(),
    }),
  );
  /** JSON values of the wrong type for any field (no undefined: JSON.stringify would drop the field). */
  const notStringOrNumber = fc.oneof(
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  );
  const send = (b: { form: boolean }, fields: Record<string, unknown>) =>
    b.form
      ? formRequest(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])))
      : jsonRequest(fields);

  describe('3. limits come from the config', () => {
    it.each([
      ['code', 'maxCodeBytes', 7],
      ['stdin', 'maxStdinBytes', 8],
    ] as const)('%s over %s is 413', async (field, limit, salt) => {
      await fc.assert(
        fc.asyncProperty(
          baseArb.chain((b) => fc.tuple(fc.constant(b), textOver(b.config[limit], false))),
          async ([b, over]) => {
            expect(bytes(over)).toBeGreaterThan(b.config[limit]);
            const fields = { code: b.code, language: b.language, stdin: b.stdin, [field]: over };
            expect(await statusOf(send(b, fields), b.config)).toBe(413);
          },
        ),
        runs(150, salt),
      );
    });

    it('timeoutMs out of 1..maxTimeoutMs, or not a whole number, is 400', async () => {
      const badTimeout = (c: Config) =>
        fc.oneof(
          fc.integer({ min: -(2 ** 31), max: 0 }),
          fc.nat().map((k) => c.maxTimeoutMs + 1 + k),
          fc.constant(c.maxTimeoutMs + 1),
          fc.double({ min: 1, max: c.maxTimeoutMs, noInteger: true }),
          fc.constantFrom(Number.MAX_VALUE, 1e400, -1e400, NaN, 0.5, -0),
        );
      // Only JSON can carry these types; a string (JSON or form) must spell a whole number in range.
      const wrongType = notStringOrNumber;
      const badString = (c: Config) =>
        fc
          .oneof(
            fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
            badTimeout(c).map(String),
            fc.constantFrom('1.5', 'ten', '5 000', '5000ms', '1e400'),
          )
          .filter((s) => {
            // '' means "use the default"; Number() reads ' 12 ', '0x10', '1e3' as whole numbers.
            const n = Number(s);
            return s !== '' && !(Number.isInteger(n) && n >= 1 && n <= c.maxTimeoutMs);
          });
      await fc.assert(
        fc.asyncProperty(
          baseArb.chain((b) =>
            fc.tuple(
              fc.constant(b),
              b.form ? badString(b.config) : fc.oneof(badTimeout(b.config), wrongType, badString(b.config)),
            ),
          ),
          async ([b, timeoutMs]) => {
            // JSON.stringify writes NaN and ±Infinity as null, which is the wrong type as well.
            expect(
              await statusOf(send(b, { code: b.code, language: b.language, stdin: b.stdin, timeoutMs }), b.config),
            ).toBe(400);
          },
        ),
        runs(200, 9),
      );
    });

    it('a language that is not enabled is 400 and the answer lists the enabled ones', async () => {
      const unknown = (c: Config) =>
        fc
          .oneof(
            fc.constantFrom(
              ...KNOWN_IDS,
              ...c.languages,
              'cobol',
              '__proto__',
              'constructor',
              'toString',
              'CSharp',
              ' csharp',
              'csharp ',
              '',
            ),
            fc.string({ unit: 'binary', maxLength: 12 }),
          )
          .filter((l) => !enabledOf(c).includes(l));
      await fc.assert(
        fc.asyncProperty(
          baseArb.chain((b) => fc.tuple(fc.constant(b), unknown(b.config))),
          async ([b, language]) => {
            const o = await outcome(send(b, { code: b.code, language, stdin: b.stdin }), b.config);
            if ('ok' in o) throw new Error(`accepted language ${JSON.stringify(language)}`);
            expect(o.error.status).toBe(400);
            expect(o.error.extra).toEqual({ Reason: 'unknown_language', Languages: enabledOf(b.config) });
          },
        ),
        runs(200, 10),
      );
    });

    it('a language that is not a string is 400', async () => {
      await fc.assert(
        fc.asyncProperty(
          baseArb,
          fc.oneof(
            fc.integer(),
            fc.double(),
            notStringOrNumber,
            fc.array(fc.constantFrom(...KNOWN_IDS), { minLength: 1, maxLength: 2 }),
          ),
          async (b, language) => {
            expect(await statusOf(jsonRequest({ code: b.code, language, stdin: b.stdin }), b.config)).toBe(400);
          },
        ),
        runs(100, 11),
      );
    });
  });
});
