// The wire format between the server and the sandbox agent (images/common/wc-agent.c), both ways;
// docs/agent-protocol.md is the whole contract.
//
// Job, on the agent's stdin: fields "<byte length>\n<bytes>", in order: "wc2", nonce, output limit,
// compile argc + argv (0: no compile step), run argc + argv, stdin, file count + (path, mode, content)
// per file. Binary-safe: no quoting, no shell. A live job (an interactive run) is "wc3", then the rest
// (with an empty stdin) as one more field: the agent reads exactly the job, and what the server
// writes after it is the program's stdin until the server closes it.
//
// Answer, on the agent's stdout only: frames "<type byte><uint32 BE length><payload>". The program's
// stdout and stderr reach the agent through pipes and come back as payloads of "o" and "e" frames, so
// no byte a program writes can ever be read as a report: the framing, not a secret, keeps them apart.
// The nonce stays in the reports as a second check.

import { brandedError } from '../util/branded-error';
import { encodeFields } from '../util/fields';

/** The largest payload the agent sends in one frame; a longer one means the stream is not the agent's. */
export const MAX_FRAME_PAYLOAD = 65536;
const HEADER = 5;

export type FrameType = 'S' | 'c' | 'C' | 'o' | 'e' | 'R' | 'E';
const FRAME_TYPES = new Set<string>(['S', 'c', 'C', 'o', 'e', 'R', 'E']);

/** The agent's stream broke the protocol: an internal failure of that run, never a verdict. */
export class AgentProtocolError extends brandedError('AgentProtocolError') {}

export interface AgentJob {
  nonce: string;
  outputLimitBytes: number;
  compile?: string[];
  run: string[];
  stdin: string | Buffer;
  /** Paths relative to /work. */
  files: Record<string, JobFile>;
  /** The program's stdin follows the job on the agent's stdin (then `stdin` must be empty). */
  live?: boolean;
}

/** A file's content, mode 644; or content and mode (an executable a warm compiler made: 755). */
export type JobFile = string | Buffer | { content: Buffer; mode: number };

export function encodeJob(job: AgentJob): Buffer {
  const argv = (args: string[]) => [String(args.length), ...args];
  const files = Object.entries(job.files).flatMap(([path, file]) => {
    const { content, mode } = typeof file === 'string' || Buffer.isBuffer(file) ? { content: file, mode: 0o644 } : file;
    return [path, mode.toString(8), content];
  });
  if (job.live && job.stdin.length > 0) throw new Error('a live job takes its stdin after the job');
  const rest = encodeFields([
    job.nonce,
    String(job.outputLimitBytes),
    ...argv(job.compile ?? []),
    ...argv(job.run),
    job.stdin,
    String(Object.keys(job.files).length),
    ...files,
  ]);
  // Live: the rest is one more field, so the agent knows where the job ends before reading it.
  return job.live ? encodeFields(['wc3', rest]) : Buffer.concat([encodeFields(['wc2']), rest]);
}

/** Splits the agent's stdout into frames, however the bytes are cut. Throws AgentProtocolError. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (type: FrameType, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= HEADER) {
      const type = String.fromCharCode(this.pending[0]);
      const size = this.pending.readUInt32BE(1);
      if (!FRAME_TYPES.has(type)) throw new AgentProtocolError(`unknown frame type 0x${this.pending[0].toString(16)}`);
      if (size > MAX_FRAME_PAYLOAD) throw new AgentProtocolError(`frame of ${size} bytes`);
      if (this.pending.length < HEADER + size) return;
      const payload = this.pending.subarray(HEADER, HEADER + size);
      this.pending = this.pending.subarray(HEADER + size);
      this.onFrame(type as FrameType, payload);
    }
  }

  /** Bytes of a frame that never completed. */
  get incomplete(): number {
    return this.pending.length;
  }
}

export interface StageStats {
  /** The exit code, or 128 + the signal that killed it (as a shell reports it). */
  exitCode: number;
  /** The signal that killed the step, or null when it exited. */
  signal: number | null;
  cpuTimeMs: number;
  maxRssKb: number;
  oomKills: number;
  pidsLimitHits: number;
}

const WHOLE = /^(0|[1-9][0-9]{0,14})$/;
/** Bounds no honest report exceeds: a day of time, a TiB of memory, 2^31 events. */
const MAX_US = 86_400e6;
const MAX_RSS_KB = 2 ** 30;
const MAX_COUNT = 2 ** 31;

/**
 * Parses "<nonce> <exit|signal> <n> <wall_us> <user_us> <sys_us> <maxrss_kb> <oom_kills> <pids_hits>"
 * strictly: every field present, whole and in range, the nonce this job's. Throws AgentProtocolError.
 */
export function parseReport(payload: Buffer, nonce: string): StageStats {
  const fields = payload.toString('latin1').split(' ');
  if (fields.length !== 9) throw new AgentProtocolError(`report with ${fields.length} fields`);
  const [got, kind, ...rest] = fields;
  if (got !== nonce) throw new AgentProtocolError('report with a wrong nonce');
  if (kind !== 'exit' && kind !== 'signal') throw new AgentProtocolError(`report of kind "${kind.slice(0, 20)}"`);
  if (!rest.every((f) => WHOLE.test(f))) throw new AgentProtocolError('report with a field that is not a whole number');
  // The agent's wall time is not kept: ours (from the job's start) is what a client waited.
  const [n, wallUs, userUs, sysUs, maxRssKb, oomKills, pidsLimitHits] = rest.map(Number);
  const inRange = (v: number, max: number) => v <= max;
  if (kind === 'exit' ? n > 255 : n < 1 || n > 64) throw new AgentProtocolError(`report with ${kind} ${n}`);
  if (![wallUs, userUs, sysUs].every((v) => inRange(v, MAX_US)) || !inRange(maxRssKb, MAX_RSS_KB)) {
    throw new AgentProtocolError('report with a time or memory out of range');
  }
  if (!inRange(oomKills, MAX_COUNT) || !inRange(pidsLimitHits, MAX_COUNT))
    throw new AgentProtocolError('report with a count out of range');
  return {
    exitCode: kind === 'exit' ? n : 128 + n,
    signal: kind === 'signal' ? n : null,
    cpuTimeMs: Math.round((userUs + sysUs) / 1000),
    maxRssKb,
    oomKills,
    pidsLimitHits,
  };
}
