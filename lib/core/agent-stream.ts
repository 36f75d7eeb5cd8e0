// Reads what a sandbox's agent (images/common/wc-agent.c) sends back through the attach stream: the
// start report, compiler output and the compile report, the program's stdout and stderr, and the run
// report, as frames on the agent's stdout (lib/core/agent-protocol.ts). Program output is capped per
// stream; bytes past the cap are counted, never kept. Anything out of protocol (a malformed or
// misplaced frame or report) ends the reading with an error instead of a verdict.

import type { StreamName } from '../engine/demux';
import { AgentProtocolError, FrameReader, parseReport, type FrameType, type StageStats } from './agent-protocol';

export type { StageStats } from './agent-protocol';

export interface AgentStreamEvents {
  /** The agent unpacked the job (its start report). */
  onStarted?: () => void;
  /** The compile step ended (its output, capped, has been read). */
  onCompiled?: (stats: StageStats, output: string) => void;
  /** Program output as it arrives, only what fits below the cap. */
  onOutput?: (stream: StreamName, kept: Buffer) => void;
  /** A program stream passed the cap; called for every chunk past it with the bytes received so far. */
  onOverflow?: (stream: StreamName, received: number) => void;
  /** Everything the job will report has arrived, or the stream broke the protocol. */
  onFinished?: () => void;
}

export interface AgentResult {
  compile: { stats: StageStats; output: string } | null;
  run: StageStats | null;
  stdout: Buffer;
  stderr: Buffer;
  /** What the agent said of its own failure (an "E" frame, or its stderr). */
  agentLog: string;
  truncated: boolean;
  received: Record<StreamName, number>;
  /** The agent unpacked the job (its start report arrived). */
  started: boolean;
  /** Why the stream was not the agent's protocol, or null. */
  protocolError: string | null;
}

/** Keeps what fits of `b` below `limit`, given `used` bytes kept so far; returns what it kept. */
function keepUpTo(into: Buffer[], b: Buffer, used: number, limit: number): Buffer | null {
  const room = limit - used;
  if (room <= 0) return null;
  const part = Buffer.from(b.length <= room ? b : b.subarray(0, room));
  into.push(part);
  return part;
}

const AGENT_LOG_MAX = 4096;

export class AgentStream {
  private readonly kept: Record<StreamName, Buffer[]> = { stdout: [], stderr: [] };
  private readonly received: Record<StreamName, number> = { stdout: 0, stderr: 0 };
  private readonly compileOut: Buffer[] = [];
  private compileOutBytes = 0;
  private compileStats: StageStats | null = null;
  private runStats: StageStats | null = null;
  private started = false;
  private agentLog = '';
  private protocolError: string | null = null;
  private done = false;
  private readonly frames: FrameReader;

  constructor(
    private readonly nonce: string,
    private readonly limitBytes: number,
    private readonly hasCompile: boolean,
    private readonly events: AgentStreamEvents = {},
  ) {
    this.frames = new FrameReader((type, payload) => this.onFrame(type, payload));
  }

  push(stream: StreamName, payload: Buffer): void {
    if (this.done) return;
    if (stream === 'stderr') {
      // The agent writes nothing there unless its stdout failed; never program output.
      this.log(payload.toString('utf8'));
      return;
    }
    try {
      this.frames.push(payload);
    } catch (e) {
      this.fail(e instanceof AgentProtocolError ? e.message : String(e));
    }
  }

  /**
   * The stream ended. After a kill of ours (`killed`) a frame cut in the middle is expected; when the
   * agent ended by itself, it is a broken answer.
   */
  end(killed = false): void {
    if (!this.done && !killed && this.frames.incomplete > 0)
      this.fail(`stream ended inside a frame (${this.frames.incomplete} bytes)`);
  }

  get finished(): boolean {
    return this.done;
  }

  result(): AgentResult {
    return {
      compile: this.compileStats ? { stats: this.compileStats, output: this.compileOutput() } : null,
      run: this.runStats,
      stdout: Buffer.concat(this.kept.stdout),
      stderr: Buffer.concat(this.kept.stderr),
      agentLog: this.agentLog,
      truncated: this.received.stdout > this.limitBytes || this.received.stderr > this.limitBytes,
      received: { ...this.received },
      started: this.started,
      protocolError: this.protocolError,
    };
  }

  private onFrame(type: FrameType, payload: Buffer): void {
    if (this.done) return;
    if (type === 'E') {
      this.log(payload.toString('utf8'));
      this.fail(`the agent failed: ${payload.toString('utf8').slice(0, 200)}`);
      return;
    }
    if (type === 'S') {
      if (this.started || payload.toString('latin1') !== this.nonce)
        throw new AgentProtocolError('unexpected start report');
      this.started = true;
      this.events.onStarted?.();
      return;
    }
    if (!this.started) throw new AgentProtocolError(`"${type}" frame before the start report`);
    const compiling = this.hasCompile && !this.compileStats;
    switch (type) {
      case 'c':
        if (!compiling) throw new AgentProtocolError('compiler output outside the compile step');
        this.compileOutBytes += keepUpTo(this.compileOut, payload, this.compileOutBytes, this.limitBytes)?.length ?? 0;
        return;
      case 'C':
        if (!compiling) throw new AgentProtocolError('compile report outside the compile step');
        this.compileStats = parseReport(payload, this.nonce);
        this.events.onCompiled?.(this.compileStats, this.compileOutput());
        if (this.compileStats.exitCode !== 0) this.finish();
        return;
      case 'o':
      case 'e':
        if (compiling) throw new AgentProtocolError('program output before the compile report');
        this.accept(type === 'o' ? 'stdout' : 'stderr', payload);
        return;
      case 'R':
        if (compiling) throw new AgentProtocolError('run report before the compile report');
        this.runStats = parseReport(payload, this.nonce);
        this.finish();
        return;
    }
  }

  private accept(stream: StreamName, b: Buffer): void {
    // Kept so far is min(received, limit): only what fits is kept, everything is counted.
    const kept = keepUpTo(this.kept[stream], b, Math.min(this.received[stream], this.limitBytes), this.limitBytes);
    this.received[stream] += b.length;
    if (kept) this.events.onOutput?.(stream, kept);
    if (this.received[stream] > this.limitBytes) this.events.onOverflow?.(stream, this.received[stream]);
  }

  private compileOutput(): string {
    return Buffer.concat(this.compileOut).toString('utf8');
  }

  private log(text: string): void {
    this.agentLog = (this.agentLog + text).slice(0, AGENT_LOG_MAX);
  }

  private fail(why: string): void {
    this.protocolError = why;
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.events.onFinished?.();
  }
}
