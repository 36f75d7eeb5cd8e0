// The warm compiler's wire format (images/csharp/compiler-server.cs), both directions.
//   request:  "<byte length>\n" + UTF-8 source
//   response: "<exit code> <message bytes> <assembly bytes>\n" + messages + assembly

export interface CompileResponse {
  exitCode: number;
  messages: string;
  assembly: Buffer;
}

export function encodeRequest(source: string): Buffer {
  const body = Buffer.from(source, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}\n`), body]);
}

/** Collects stdout bytes and yields each complete response, however the bytes are cut. */
export class ResponseReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onResponse: (r: CompileResponse) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const nl = this.pending.indexOf(0x0a);
      if (nl < 0) {
        if (this.pending.length > 100) throw new Error('malformed compiler response header');
        return;
      }
      const head = this.pending.subarray(0, nl).toString('latin1').trim().split(' ').map(Number);
      if (head.length !== 3 || head.some((n) => !Number.isInteger(n) || n < 0)) {
        throw new Error(`malformed compiler response header "${this.pending.subarray(0, nl).toString('latin1')}"`);
      }
      const [exitCode, msgLen, asmLen] = head;
      const total = nl + 1 + msgLen + asmLen;
      if (this.pending.length < total) return;
      const messages = this.pending.subarray(nl + 1, nl + 1 + msgLen).toString('utf8');
      const assembly = Buffer.from(this.pending.subarray(nl + 1 + msgLen, total));
      this.pending = this.pending.subarray(total);
      this.onResponse({ exitCode, messages, assembly });
    }
  }
}
