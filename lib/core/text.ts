// Small text rules every result follows: how our notes join program text, how output is capped and
// decoded, and that a leading byte-order mark is no part of a program's output (mono writes one when a
// program sets Console.OutputEncoding to UTF-8; .NET and other runtimes do not).

import { StringDecoder } from 'node:string_decoder';

const BOM = '\uFEFF';

export function joinText(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return a.endsWith('\n') ? a + b : `${a}\n${b}`;
}

/** `text` followed by WebCompile's own note, when there is one. */
export function note(text: string, why: string): string {
  return why ? joinText(text, `[webcompile] ${why}\n`) : text;
}

export function withoutBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/** The first `limitBytes` bytes of `text`, as the sandbox caps a stream. */
export function capText(text: string, limitBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limitBytes) return { text, truncated: false };
  return { text: bytes.subarray(0, limitBytes).toString('utf8'), truncated: true };
}

/** Decodes one output stream chunk by chunk, as the whole would decode: split characters wait, a leading BOM goes. */
export class StreamDecoder {
  private readonly decoder = new StringDecoder('utf8');
  private first = true;

  push(chunk: Buffer): string {
    return this.text(this.decoder.write(chunk));
  }

  /** The stream ended: a character cut at its end becomes U+FFFD, as decoding the whole does. */
  end(): string {
    return this.text(this.decoder.end());
  }

  private text(decoded: string): string {
    if (!this.first || !decoded) return decoded;
    this.first = false;
    return withoutBom(decoded);
  }
}
