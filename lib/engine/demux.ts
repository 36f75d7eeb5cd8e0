// Docker multiplexes a non-TTY attach or exec stream's stdout and stderr into frames:
// [stream type: 1 byte][0 0 0][payload length: uint32 big-endian][payload].
// This splitter handles frames cut across chunks in any way and hands each payload on as it comes.

export type StreamName = 'stdout' | 'stderr';

export class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: StreamName, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const type = this.pending[0];
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const payload = this.pending.subarray(8, 8 + size);
      this.pending = this.pending.subarray(8 + size);
      // 0 would be stdin echoed back (never with our settings); anything unknown counts as stdout.
      this.onFrame(type === 2 ? 'stderr' : 'stdout', payload);
    }
  }
}
