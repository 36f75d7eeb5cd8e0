// Judge0's `callback_url`: when a submission ends, its result is PUT there as JSON. The URL is the
// client's, so the server must not become its way into our network (SSRF): a host that is, or
// resolves to, a loopback, private, link-local or otherwise internal address is refused unless the
// operator allows it, and the request goes to the very address that was checked (a second DNS
// answer cannot swap it). Unlike Judge0, redirects are never followed and a 5xx or 429 is retried.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { TIMED_OUT, withTimeout } from '../util/timeout';

export interface CallbackOptions {
  /** One attempt's limit: the lookup, the connection, the request and the response together. */
  timeoutMs: number;
  /** The most attempts (at least one). */
  maxTries: number;
  /** The wait before the second attempt, doubled before each one after. */
  backoffMs: number;
  /** Host names, IP addresses and CIDR ranges that may be called although the refused ranges hold them. */
  allowHosts: string[];
  /** Waits between attempts (tests pass one that returns at once). */
  sleep?: (ms: number) => Promise<void>;
  /** The host's addresses (tests pass a fake resolver); `dns.lookup` with `all: true` by default. */
  lookup?: (hostname: string) => Promise<dns.LookupAddress[]>;
}

export interface CallbackRecord {
  /** refused: the URL or an address of its host was not allowed, and no request was made after that. */
  state: 'delivered' | 'failed' | 'refused';
  /** Requests tried (a lookup that failed counts; a refusal does not). */
  attempts: number;
  /** The last attempt's HTTP status, or null when it had no response. */
  status: number | null;
  /** Why the last attempt did not deliver, or null when it did. */
  error: string | null;
  /** When the last attempt (or the refusal) began, in ms since the epoch. */
  at: number;
}

/** The most response bytes read: the body says nothing we use, and a huge one must cost nothing. */
const MAX_RESPONSE_BYTES = 64 * 1024;

// --- Addresses -------------------------------------------------------------------------------

type Address = { v: 4; n: number } | { v: 6; n: bigint };

function parseAddress(text: string): Address | null {
  const s = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, ''); // URL brackets, an IPv6 zone
  const kind = net.isIP(s);
  if (kind === 4) return { v: 4, n: s.split('.').reduce((n, part) => n * 256 + Number(part), 0) };
  if (kind !== 6) return null;
  let groups = s;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const v4 = parseAddress(dotted[1]) as { n: number };
    groups = `${s.slice(0, dotted.index)}${(v4.n >>> 16).toString(16)}:${(v4.n & 0xffff).toString(16)}`;
  }
  const [head, tail] = groups.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const all = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return { v: 6, n: all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it maps. */
function unmapped(a: Address): Address {
  return a.v === 6 && a.n >> 32n === 0xffffn ? { v: 4, n: Number(a.n & 0xffffffffn) } : a;
}

interface Range {
  base: Address;
  prefix: number;
}

function parseRange(text: string): Range | null {
  const [ip, bits, ...rest] = text.split('/');
  const base = parseAddress(ip);
  if (!base || rest.length > 0 || !/^\d+$/.test(bits ?? '')) return null;
  const prefix = Number(bits);
  return prefix <= (base.v === 4 ? 32 : 128) ? { base, prefix } : null;
}

function inRange(a: Address, r: Range): boolean {
  if (a.v !== r.base.v) return false;
  if (a.v === 4) {
    const shift = 32 - r.prefix;
    return shift === 32 || Math.floor(a.n / 2 ** shift) === Math.floor((r.base.n as number) / 2 ** shift);
  }
  const shift = BigInt(128 - r.prefix);
  return a.n >> shift === (r.base.n as bigint) >> shift;
}

/** The ranges a callback may not reach, each with what it is (IANA's special-purpose registries). */
const REFUSED: [string, string][] = [
  ['0.0.0.0/8', 'an unspecified ("this network") address'],
  ['10.0.0.0/8', 'a private address'],
  ['100.64.0.0/10', 'a carrier-grade NAT address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['169.254.0.0/16', 'a link-local address (cloud metadata services live there)'],
  ['172.16.0.0/12', 'a private address'],
  ['192.0.0.0/24', 'an IETF protocol address'],
  ['192.0.2.0/24', 'a documentation address'],
  ['192.168.0.0/16', 'a private address'],
  ['198.18.0.0/15', 'a benchmarking address'],
  ['198.51.100.0/24', 'a documentation address'],
  ['203.0.113.0/24', 'a documentation address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['240.0.0.0/4', 'a reserved or broadcast address'],
  ['::/128', 'an unspecified address'],
  ['::1/128', 'a loopback address'],
  ['::/96', 'an IPv4-compatible address (deprecated)'],
  ['64:ff9b:1::/48', 'a local NAT64 address'],
  ['100::/64', 'a discard-only address'],
  ['2001::/32', 'a Teredo address'],
  ['2001:db8::/32', 'a documentation address'],
  ['fc00::/7', 'a unique local (private) address'],
  ['fe80::/10', 'a link-local address'],
  ['fec0::/10', 'a site-local address (deprecated)'],
  ['ff00::/8', 'a multicast address'],
];
const REFUSED_RANGES = REFUSED.map(([cidr, what]) => ({ range: parseRange(cidr) as Range, what }));

/** IPv6 ranges that carry an IPv4 address, which is checked in turn: the range, the IPv4 address's lowest bit. */
const EMBEDDING: { range: Range; shift: bigint; via: string }[] = [
  { range: parseRange('64:ff9b::/96') as Range, shift: 0n, via: 'NAT64' },
  { range: parseRange('2002::/16') as Range, shift: 80n, via: '6to4' },
];

/** What `a` is when a callback may not reach it, or null. */
function refusedAs(a: Address): string | null {
  const plain = unmapped(a);
  for (const { range, what } of REFUSED_RANGES) if (inRange(plain, range)) return what;
  if (plain.v === 6) {
    for (const { range, shift, via } of EMBEDDING) {
      if (inRange(plain, range)) {
        const inner = refusedAs({ v: 4, n: Number((plain.n >> shift) & 0xffffffffn) });
        if (inner) return `${inner} behind ${via}`;
      }
    }
  }
  return null;
}

const hostName = (host: string) => host.toLowerCase().replace(/\.$/, '');

/** Whether the operator allows `host` (a name or an address literal) or `address` (one it resolved to). */
function allowed(allow: string[], host: string, address: Address | null): boolean {
  const plain = address && unmapped(address);
  return allow.some((entry) => {
    const e = entry.trim();
    if (e.includes('/')) {
      const range = parseRange(e);
      return !!range && !!plain && inRange(plain, unmappedRange(range));
    }
    const ip = parseAddress(e);
    if (ip) {
      const a = unmapped(ip);
      return !!plain && a.v === plain.v && a.n === plain.n;
    }
    return hostName(e) === hostName(host);
  });
}

/** A range given in IPv4-mapped form (::ffff:10.0.0.0/104) as the IPv4 range it is, as addresses are compared. */
function unmappedRange(r: Range): Range {
  const base = unmapped(r.base);
  return base.v === 4 && r.base.v === 6 && r.prefix >= 96 ? { base, prefix: r.prefix - 96 } : r;
}

// --- The URL ---------------------------------------------------------------------------------

/** The callback URL parsed, or why it is refused. */
function parseCallbackUrl(url: string, allow: string[]): URL | string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http or https URL';
  if (u.username || u.password) return 'must not hold a user name or password';
  // The URL parser has made every IPv4 spelling (2130706433, 0x7f.1, 127.1) dotted, and IPv6 canonical.
  const literal = parseAddress(u.hostname);
  if (literal) {
    const what = refusedAs(literal);
    if (what && !allowed(allow, u.hostname, literal)) {
      return `may not point to ${u.hostname.replace(/^\[|\]$/g, '')}, ${what}`;
    }
  } else {
    const name = hostName(u.hostname);
    // Resolves to loopback by definition (RFC 6761), so it can be refused before any lookup.
    if ((name === 'localhost' || name.endsWith('.localhost')) && !allowed(allow, u.hostname, null)) {
      return `may not point to ${name}, a loopback address`;
    }
  }
  return u;
}

/**
 * Why `url` may not be a callback URL (for the 422 when the submission is made), or null when it may:
 * not a valid URL, not http or https, a user name or password in it, or a host that is an address
 * (or localhost) in a refused range and not in `allow`. Names are resolved only when the callback is
 * delivered (their addresses may change until then).
 */
export function checkCallbackUrl(url: string, allow: string[]): string | null {
  const u = parseCallbackUrl(url, allow);
  return typeof u === 'string' ? u : null;
}

// --- Delivery --------------------------------------------------------------------------------

type Outcome =
  { kind: 'status'; status: number } | { kind: 'error'; error: string } | { kind: 'refused'; error: string };

function describeError(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) return e.errors.map(describeError).join('; ');
  if (e instanceof Error) return e.message || (e as NodeJS.ErrnoException).code || e.name;
  return String(e);
}

const defaultLookup = (hostname: string) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** The addresses to connect to (every one of them checked), or why the attempt ends without a request. */
async function addressesOf(
  u: URL,
  options: CallbackOptions,
  ms: number,
): Promise<dns.LookupAddress[] | Exclude<Outcome, { kind: 'status' }>> {
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const literal = net.isIP(host);
  // Checked with the URL already.
  if (literal) return [{ address: host, family: literal }];
  let found: dns.LookupAddress[] | typeof TIMED_OUT;
  try {
    found = await withTimeout((options.lookup ?? defaultLookup)(host), ms);
  } catch (e) {
    return { kind: 'error', error: describeError(e) };
  }
  if (found === TIMED_OUT)
    return { kind: 'error', error: `timed out after ${options.timeoutMs} ms looking up ${host}` };
  if (found.length === 0) return { kind: 'error', error: `${host} has no address` };
  if (!allowed(options.allowHosts, host, null)) {
    // Any refused address refuses the host: which one a connection would use is not ours to choose.
    for (const { address } of found) {
      const parsed = parseAddress(address);
      const what = parsed ? refusedAs(parsed) : 'not an IP address';
      if (what && !allowed(options.allowHosts, host, parsed)) {
        return { kind: 'refused', error: `${host} resolves to ${address}, ${what}` };
      }
    }
  }
  return found;
}

/** One PUT to the checked addresses, within `ms`: its status, or why there was none. */
function put(u: URL, addresses: dns.LookupAddress[], payload: Buffer, ms: number, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let status: number | null = null;
    let done = false;
    // Once there is a status the callback has been answered, however its body ends.
    const finish = (o: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(status !== null ? { kind: 'status', status } : o);
    };
    const req = (u.protocol === 'https:' ? https : http).request(
      {
        protocol: u.protocol,
        // The name stays in the Host header and the TLS server name; only the address is pinned.
        hostname: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port || undefined,
        path: `${u.pathname}${u.search}`,
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length },
        agent: false,
        lookup: (_hostname, lookupOptions, callback) => {
          if (lookupOptions.all) callback(null, addresses);
          else callback(null, addresses[0].address, addresses[0].family);
        },
      },
      (res) => {
        status = res.statusCode ?? 0;
        // Drained to its end, or to the cap: then the connection is closed.
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) finish({ kind: 'status', status: status as number });
        });
        res.on('end', () => finish({ kind: 'status', status: status as number }));
        res.on('close', () => finish({ kind: 'status', status: status as number }));
        res.on('error', (e) => finish({ kind: 'error', error: describeError(e) }));
      },
    );
    req.on('error', (e) => finish({ kind: 'error', error: describeError(e) }));
    const timer = setTimeout(() => finish({ kind: 'error', error: `timed out after ${timeoutMs} ms` }), ms);
    req.end(payload);
  });
}

async function attempt(u: URL, payload: Buffer, options: CallbackOptions): Promise<Outcome> {
  const started = Date.now();
  const found = await addressesOf(u, options, options.timeoutMs);
  if (!Array.isArray(found)) return found;
  const left = Math.max(0, options.timeoutMs - (Date.now() - started));
  return put(u, found, payload, left, options.timeoutMs);
}

/** 5xx and 429 may pass; any other answer is the receiver's last word. */
const retried = (status: number) => status >= 500 || status === 429;

/**
 * PUTs `body` as JSON to `url`, retrying network errors, timeouts, 5xx and 429 up to `maxTries`
 * attempts with a doubling backoff. A 2xx delivers; a 3xx (never followed) or another 4xx fails at
 * once. Never throws: the record says what happened.
 */
export async function deliverCallback(url: string, body: unknown, options: CallbackOptions): Promise<CallbackRecord> {
  const record: CallbackRecord = { state: 'failed', attempts: 0, status: null, error: null, at: Date.now() };
  try {
    const u = parseCallbackUrl(url, options.allowHosts);
    if (typeof u === 'string') return { ...record, state: 'refused', error: `callback URL ${u}` };
    const json = JSON.stringify(body);
    if (json === undefined) return { ...record, error: 'the body is not JSON' };
    const payload = Buffer.from(json, 'utf8');
    const sleep = options.sleep ?? ((ms: number) => sleepFor(ms).then(() => undefined));
    const tries = Math.max(1, Math.floor(options.maxTries));
    for (let n = 1; n <= tries; n++) {
      if (n > 1) await sleep(options.backoffMs * 2 ** (n - 2));
      const at = Date.now();
      const outcome = await attempt(u, payload, options);
      if (outcome.kind === 'refused') return { ...record, state: 'refused', error: outcome.error, at };
      record.attempts = n;
      record.at = at;
      if (outcome.kind === 'error') {
        Object.assign(record, { status: null, error: outcome.error });
        continue;
      }
      record.status = outcome.status;
      if (outcome.status >= 200 && outcome.status < 300) return { ...record, state: 'delivered', error: null };
      record.error = `the callback URL answered HTTP ${outcome.status}${outcome.status < 400 ? ' (redirects are not followed)' : ''}`;
      if (!retried(outcome.status)) return record;
    }
    return record;
  } catch (e) {
    // Nothing above should throw (an injected sleep or lookup might); the caller must still get a record.
    return { ...record, state: 'failed', error: describeError(e) };
  }
}
