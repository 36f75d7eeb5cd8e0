// Length-prefixed fields, "<byte length>\n<bytes>": the framing of the sandbox agent's job and of the
// warm compilers' requests and answers (docs/agent-protocol.md, docs/compiler-protocol.md).

/** The longest length header: ten digits cover every field we accept. */
const MAX_HEADER = 11;

export function encodeFields(fields: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [];
  for (const v of fields) {
    const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
    parts.push(Buffer.from(`${b.length}\n`), b);
  }
  return Buffer.concat(parts);
}

export class MalformedFieldError extends Error {}

/** The fields of a buffer that holds whole fields and nothing else. Throws MalformedFieldError. */
export function decodeFields(b: Buffer): Buffer[] {
  const fields: Buffer[] = [];
  for (let at = 0; at < b.length;) {
    const nl = at + b.subarray(at, at + MAX_HEADER).indexOf(0x0a);
    if (nl < at) throw new MalformedFieldError('field header without a newline');
    const text = b.toString('latin1', at, nl);
    if (!/^\d+$/.test(text)) throw new MalformedFieldError(`bad field length "${text}"`);
    const start = nl + 1;
    const end = start + Number(text);
    if (end > b.length) throw new MalformedFieldError(`field of ${text} bytes cut short`);
    fields.push(b.subarray(start, end));
    at = end;
  }
  return fields;
}

/**
 * Takes bytes as they come and hands out whole fields, in order. Chunks are joined only once a
 * field is complete, so a large field that arrives in many chunks is copied a fixed number of
 * times, not once per chunk.
 */
export class FieldReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The length of the field being read, once its header is in. */
  private want: number | null = null;

  constructor(private readonly maxFieldBytes: number) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next whole field, or null until its bytes are in. Throws MalformedFieldError. */
  next(): Buffer | null {
    if (this.want === null) {
      const head = this.peek(Math.min(this.buffered, MAX_HEADER));
      const nl = head.indexOf(0x0a);
      if (nl < 0) {
        if (head.length >= MAX_HEADER) throw new MalformedFieldError('field header without a newline');
        return null;
      }
      const text = head.subarray(0, nl).toString('latin1');
      if (!/^\d+$/.test(text)) throw new MalformedFieldError(`bad field length "${text}"`);
      const n = Number(text);
      if (n > this.maxFieldBytes) throw new MalformedFieldError(`field of ${n} bytes`);
      this.take(nl + 1);
      this.want = n;
    }
    if (this.buffered < this.want) return null;
    const field = this.take(this.want);
    this.want = null;
    return field;
  }

  /** Bytes received that are not yet part of a handed-out field. */
  get pending(): number {
    return this.buffered;
  }

  private peek(n: number): Buffer {
    if (this.chunks.length === 0) return Buffer.alloc(0);
    if (this.chunks[0].length >= n) return this.chunks[0].subarray(0, n);
    return Buffer.concat(this.chunks, this.buffered).subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const out = Buffer.from(all.subarray(0, n));
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}
