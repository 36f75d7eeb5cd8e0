// Reads what a sandbox's agent (images/common/wc-agent) sends back through the attach stream:
// the compile report and compiler output, the program's stdout and stderr, and the run report.
// Reports start with "\n<nonce>", a fresh random value per job, so program output never passes for
// one. Program output is capped per stream; bytes past the cap are counted, never kept.

import type { StreamName } from '../docker/demux';

export interface StageStats {
  exitCode: number;
  wallMs: number;
  cpuTimeMs: number;
  maxRssKb: number;
  oomKills: number;
  pidsLimitHits: number;
}

export interface AgentStreamEvents {
  /** The compile step ended (its output has been read). */
  onCompiled?: (stats: StageStats) => void;
  /** A program stream passed the cap; called for every chunk past it with the bytes received so far. */
  onOverflow?: (stream: StreamName, received: number) => void;
  /** Everything the job will report has arrived. */
  onFinished?: () => void;
}

export interface AgentResult {
  compile: { stats: StageStats; output: string } | null;
  run: StageStats | null;
  stdout: Buffer;
  stderr: Buffer;
  /** Anything the agent itself printed before the job started (an unpacking error). */
  agentLog: string;
  truncated: boolean;
  received: Record<StreamName, number>;
  /** Any report at all arrived (the agent was alive). */
  sawReport: boolean;
}

/** Parses "<exit> <wall s> <user s> <sys s> <maxrss> <oom> <pids>" (+ extra numbers) or null. */
function parseStats(fields: string[]): { stats: StageStats; rest: number[] } | null {
  const n = fields.map(Number);
  if (n.length < 7 || n.some((x) => !Number.isFinite(x))) return null;
  const [exitCode, wall, user, sys, maxRssKb, oomKills, pidsLimitHits, ...rest] = n;
  return {
    stats: {
      exitCode,
      wallMs: Math.round(wall * 1000),
      cpuTimeMs: Math.round((user + sys) * 1000),
      maxRssKb,
      oomKills,
      pidsLimitHits,
    },
    rest,
  };
}

/** A report line is short; a longer "marker" is program output that happens to start like one. */
const MAX_MARKER_LINE = 256;

/**
 * Splits one stream into data and marker lines ("\n<nonce>...\n"), across chunk boundaries. What it
 * holds back is bounded (a marker's length plus MAX_MARKER_LINE), whatever the program writes.
 */
class MarkerScanner {
  private pending: Buffer = Buffer.alloc(0);
  private raw = 0;

  constructor(
    private readonly marker: Buffer,
    private readonly onData: (b: Buffer) => void,
    private readonly onMarker: (line: string) => void,
    private readonly onRaw: (b: Buffer) => void = () => {},
  ) {}

  /** The next n bytes pass through onRaw unscanned (compiler output of a known length). */
  passRaw(n: number): void {
    this.raw = n;
  }

  get rawRemaining(): number {
    return this.raw;
  }

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (this.raw > 0) {
        const take = Math.min(this.raw, this.pending.length);
        if (take === 0) return;
        this.raw -= take;
        this.onRaw(this.pending.subarray(0, take));
        this.pending = this.pending.subarray(take);
        continue;
      }
      const at = this.pending.indexOf(this.marker);
      if (at < 0) {
        // Keep back what could be the start of a marker cut by the chunk boundary.
        const safe = Math.max(0, this.pending.length - (this.marker.length - 1));
        if (safe > 0) {
          this.onData(this.pending.subarray(0, safe));
          this.pending = this.pending.subarray(safe);
        }
        return;
      }
      const nl = this.pending.indexOf(0x0a, at + this.marker.length);
      if (nl < 0 || nl - at > this.marker.length + MAX_MARKER_LINE) {
        if (nl < 0 && this.pending.length - at <= this.marker.length + MAX_MARKER_LINE) {
          if (at > 0) this.onData(this.pending.subarray(0, at));
          this.pending = this.pending.subarray(at);
          return;
        }
        // Too long for a report: it is data, and scanning goes on after its first byte.
        this.onData(this.pending.subarray(0, at + 1));
        this.pending = this.pending.subarray(at + 1);
        continue;
      }
      if (at > 0) this.onData(this.pending.subarray(0, at));
      const line = this.pending.subarray(at + this.marker.length, nl).toString('latin1');
      this.pending = this.pending.subarray(nl + 1);
      this.onMarker(line);
    }
  }

  flush(): void {
    if (this.pending.length) this.onData(this.pending);
    this.pending = Buffer.alloc(0);
  }
}

/** Keeps what fits of `b` below `limit`, given `used` bytes kept so far; returns how many it kept. */
function keepUpTo(into: Buffer[], b: Buffer, used: number, limit: number): number {
  const room = limit - used;
  if (room <= 0) return 0;
  const part = b.length <= room ? b : b.subarray(0, room);
  into.push(Buffer.from(part));
  return part.length;
}

export class AgentStream {
  private readonly kept: Record<StreamName, Buffer[]> = { stdout: [], stderr: [] };
  private readonly received: Record<StreamName, number> = { stdout: 0, stderr: 0 };
  private readonly compileOut: Buffer[] = [];
  private compileStats: StageStats | null = null;
  private compileDone: boolean;
  private runStats: StageStats | null = null;
  private stdoutDone = false;
  private agentLog = '';
  private compileOutBytes = 0;
  private sawReport = false;
  private done = false;
  private readonly out: MarkerScanner;
  private readonly err: MarkerScanner;

  constructor(
    nonce: string,
    private readonly limitBytes: number,
    hasCompile: boolean,
    private readonly events: AgentStreamEvents = {},
  ) {
    this.compileDone = !hasCompile;
    const marker = Buffer.from(`\n${nonce}`);
    this.out = new MarkerScanner(
      marker,
      (b) => {
        if (!this.stdoutDone) this.accept('stdout', b);
      },
      (line) => {
        if (line !== '') return;
        this.sawReport = true;
        this.stdoutDone = true;
        this.check();
      },
    );
    this.err = new MarkerScanner(
      marker,
      (b) => {
        if (!this.compileDone) this.agentLog = (this.agentLog + b.toString('utf8')).slice(0, 4096);
        else if (!this.runStats) this.accept('stderr', b);
      },
      (line) => this.onStderrMarker(line),
      (b) => {
        // The agent already cut compiler output at the limit; keep no more than that regardless.
        this.compileOutBytes += keepUpTo(this.compileOut, b, this.compileOutBytes, this.limitBytes);
        if (this.err.rawRemaining === 0) this.finishCompile();
      },
    );
  }

  push(stream: StreamName, payload: Buffer): void {
    if (stream === 'stdout') this.out.push(payload);
    else this.err.push(payload);
  }

  /** The stream ended: whatever is held back is program output. */
  end(): void {
    this.out.flush();
    this.err.flush();
  }

  get finished(): boolean {
    return this.done;
  }

  result(): AgentResult {
    return {
      compile: this.compileStats ? { stats: this.compileStats, output: Buffer.concat(this.compileOut).toString('utf8') } : null,
      run: this.runStats,
      stdout: Buffer.concat(this.kept.stdout),
      stderr: Buffer.concat(this.kept.stderr),
      agentLog: this.agentLog,
      truncated: this.received.stdout > this.limitBytes || this.received.stderr > this.limitBytes,
      received: { ...this.received },
      sawReport: this.sawReport,
    };
  }

  private onStderrMarker(line: string): void {
    const fields = line.trim().split(/\s+/);
    const kind = fields.shift();
    if (kind === 'S') {
      this.sawReport = true;
      return;
    }
    const parsed = parseStats(fields);
    if (!parsed) return;
    this.sawReport = true;
    if (kind === 'C' && !this.compileDone && !this.compileStats) {
      this.compileStats = parsed.stats;
      const n = parsed.rest[0] ?? 0;
      if (n > 0) this.err.passRaw(n);
      else this.finishCompile();
    } else if (kind === 'R' && !this.runStats) {
      this.runStats = parsed.stats;
      this.check();
    }
  }

  private finishCompile(): void {
    if (this.compileDone || !this.compileStats) return;
    this.compileDone = true;
    this.events.onCompiled?.(this.compileStats);
    this.check();
  }

  private accept(stream: StreamName, b: Buffer): void {
    // Kept so far is min(received, limit): only what fits is kept, everything is counted.
    keepUpTo(this.kept[stream], b, Math.min(this.received[stream], this.limitBytes), this.limitBytes);
    this.received[stream] += b.length;
    if (this.received[stream] > this.limitBytes) this.events.onOverflow?.(stream, this.received[stream]);
  }

  private check(): void {
    if (this.done) return;
    const compileFailed = this.compileDone && this.compileStats !== null && this.compileStats.exitCode !== 0;
    if (compileFailed || (this.stdoutDone && this.runStats)) {
      this.done = true;
      this.events.onFinished?.();
    }
  }
}
