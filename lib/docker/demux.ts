// Docker multiplexes a non-TTY exec's stdout and stderr into one stream of frames:
// [stream type: 1 byte][0 0 0][payload length: uint32 big-endian][payload].
// This parser handles frames split across chunks in any way and counts bytes per stream so that a
// caller can stop a run the moment a stream passes its cap.

export type StreamName = 'stdout' | 'stderr';

export interface CappedOutput {
  stdout: Buffer;
  stderr: Buffer;
  /** Bytes received per stream, including those dropped past the cap. */
  received: { stdout: number; stderr: number };
  truncated: boolean;
}

export class Demuxer {
  private pending: Buffer = Buffer.alloc(0);
  private readonly kept: Record<StreamName, Buffer[]> = { stdout: [], stderr: [] };
  private readonly keptBytes: Record<StreamName, number> = { stdout: 0, stderr: 0 };
  private readonly received: Record<StreamName, number> = { stdout: 0, stderr: 0 };
  private truncated = false;

  /**
   * @param limitBytes bytes kept per stream; more is counted and dropped
   * @param onOverflow called for every frame that arrives past a stream's limit, with the bytes
   *   received on that stream so far (the caller decides when to stop the program)
   * @param reserveStderr extra stderr bytes kept past the limit, for a trailer the server itself reads
   */
  constructor(
    private readonly limitBytes: number,
    private readonly onOverflow: (stream: StreamName, received: number) => void = () => {},
    private readonly reserveStderr = 0,
  ) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const type = this.pending[0];
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const payload = this.pending.subarray(8, 8 + size);
      this.pending = this.pending.subarray(8 + size);
      // 0 is stdin echoed back (never with our settings); treat anything unknown as stdout.
      this.accept(type === 2 ? 'stderr' : 'stdout', payload);
    }
  }

  private accept(stream: StreamName, payload: Buffer): void {
    this.received[stream] += payload.length;
    const limit = this.limitBytes + (stream === 'stderr' ? this.reserveStderr : 0);
    const room = limit - this.keptBytes[stream];
    if (room > 0) {
      const part = payload.length <= room ? payload : payload.subarray(0, room);
      this.kept[stream].push(Buffer.from(part));
      this.keptBytes[stream] += part.length;
    }
    if (this.received[stream] > limit) {
      this.truncated = true;
      this.onOverflow(stream, this.received[stream]);
    }
  }

  result(): CappedOutput {
    return {
      stdout: Buffer.concat(this.kept.stdout),
      stderr: Buffer.concat(this.kept.stderr),
      received: { ...this.received },
      truncated: this.truncated,
    };
  }
}
