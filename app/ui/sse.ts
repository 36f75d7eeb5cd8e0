// A Server-Sent Events reader for a fetch body: EventSource cannot POST, so the page reads the stream
// itself. Only what POST /api/compile sends matters (event and data fields), but the framing follows
// the spec: lines end in CRLF, LF or CR (a CR at a chunk's end may be half of a CRLF), a blank line
// ends a message, a line starting with ':' is a comment, an unfinished message at the end is dropped.

export type SseListener = (event: string, data: string) => void;

const LINE_END = /\r\n|\r|\n/g;

export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  constructor(private readonly onMessage: SseListener) {}

  /** Decoded text as it arrives, in any pieces. */
  push(text: string): void {
    this.buffer += text;
    LINE_END.lastIndex = 0;
    let start = 0;
    for (let m = LINE_END.exec(this.buffer); m; m = LINE_END.exec(this.buffer)) {
      // A CR at the very end may be followed by the LF of the next piece: wait for it.
      if (m[0] === '\r' && m.index === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, m.index));
      start = m.index + m[0].length;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.onMessage(this.event || 'message', this.data.join('\n'));
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }
}
