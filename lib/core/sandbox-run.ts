// Runs one job in one fresh sandbox container: the job goes in on the agent's stdin, the agent
// compiles (when the job says so) and runs, and everything comes back in frames on one attach stream
// (lib/core/agent-protocol.ts). What the program prints or writes never decides its verdict: the
// verdict (result-builder.ts) comes from how the run ended (our timers), the kernel's counts the agent
// reads, and wait4. This file only says how it ended and what came back.
// Every limit ends in the same way: PID 1 of the container is killed, which ends every process the
// program started (killing only a stream would leave them running).

import { randomBytes } from 'node:crypto';
import { ContainerGoneError, type Engine } from '../engine/engine';
import { AgentProtocolError, encodeJob, type JobFile } from './agent-protocol';
import type { StreamName } from '../engine/demux';
import { AgentStream, type AgentResult, type StageStats } from './agent-stream';
import type { LiveInput } from './live-input';

export interface RunLimits {
  timeoutMs: number;
  compileTimeoutMs: number;
  outputLimitBytes: number;
  memoryMb: number;
  pidsLimit: number;
  /** An interactive run ends after this long with no input and no output (from the run's start). */
  idleMs?: number;
}

export interface SandboxJob {
  /** Files placed in /work (the sources, or what a warm compiler made of them). */
  files: Record<string, JobFile>;
  compile?: string[];
  run: string[];
  stdin: string;
  /** An interactive run: the program's stdin is this, as the user types (then `stdin` is ignored). */
  input?: LiveInput;
  limits: RunLimits;
  /** Aborts when the client goes away. */
  signal?: AbortSignal;
}

/** How the job ended: by itself (the agent's last report, or the stream's end), or by one of our limits. */
export type End = 'finished' | 'ended' | 'timeout' | 'idle' | 'compile_timeout' | 'output_limit' | 'aborted';

export interface SandboxRun {
  end: End;
  agent: AgentResult;
  hasCompile: boolean;
  /** Measured by us: from the job's start to the compile report; null without one. */
  compileMs: number | null;
  /** Measured by us: from the run's start to the end; null when the compile failed. */
  runMs: number | null;
  /** The engine says the OOM killer ended the container before the agent's last report. */
  sandboxOom: boolean;
}

export interface SandboxHooks {
  onCompiled?: (stats: StageStats, output: string, ms: number) => void;
  onOutput?: (stream: StreamName, kept: Buffer) => void;
}

/** How long to wait for the stream to close after the container was killed. */
const KILL_GRACE_MS = 800;
/** After the container stopped, how long its last output may still be on its way to us. */
const STOPPED_GRACE_MS = 300;
/** When to start watching for a container that stopped without its stream ending. */
const WAIT_CHECK_AFTER_MS = 500;
/**
 * Past the output cap a program is stopped after this grace, or at once when it has sent this many
 * times the cap: an endless writer is stopped within milliseconds, while a crashing runtime that
 * prints a long trace (mono's stack overflow: ~77 KB) still ends by itself and is classified by how
 * it ended. Bytes past the cap are counted, never kept.
 */
const OUTPUT_GRACE_MS = 250;
const OUTPUT_HARD_FACTOR = 4;

export async function runInSandbox(
  engine: Engine,
  containerId: string,
  job: SandboxJob,
  hooks: SandboxHooks = {},
): Promise<SandboxRun> {
  const { limits } = job;
  const nonce = randomBytes(12).toString('hex');
  const live = job.input;
  const archive = encodeJob({
    ...job,
    nonce,
    outputLimitBytes: limits.outputLimitBytes,
    live: Boolean(live),
    stdin: live ? '' : job.stdin,
  });

  let end: End | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const timers: NodeJS.Timeout[] = [];
  let cleanedUp = false;
  const later = (ms: number, fn: () => void) => {
    // A late answer of the engine (its wait) must not start a timer once the run is over.
    if (cleanedUp) return undefined;
    const t = setTimeout(fn, ms);
    timers.push(t);
    return t;
  };
  let compileTimer: NodeJS.Timeout | undefined;
  const startedAt = performance.now();
  let runStartedAt = startedAt;
  let compileMs: number | null = null;

  const stop = (why: End) => {
    if (end) return;
    end = why;
    if (why === 'finished' || why === 'ended') {
      resolveDone();
      return;
    }
    engine.kill(containerId).catch(() => {});
    later(KILL_GRACE_MS, resolveDone);
  };

  // The idle limit of an interactive run: from the run's start, reset by every input and output.
  // One timer, rescheduled only when it fires: chatty output costs no timer per chunk.
  let lastActive = 0;
  const active = () => {
    lastActive = performance.now();
  };
  const checkIdle = (idleMs: number) => {
    const left = idleMs - (performance.now() - lastActive);
    if (left <= 0) stop('idle');
    else later(left, () => checkIdle(idleMs));
  };
  const runStarts = () => {
    later(limits.timeoutMs, () => stop('timeout'));
    const idleMs = limits.idleMs;
    if (idleMs) {
      active();
      later(idleMs, () => checkIdle(idleMs));
    }
  };

  let graceStarted = false;
  const stream = new AgentStream(nonce, limits.outputLimitBytes, Boolean(job.compile), {
    onCompiled: (stats, output) => {
      clearTimeout(compileTimer); // the compile limit covers the compile only; the run has its own
      compileMs = Math.round(performance.now() - startedAt);
      runStartedAt = performance.now();
      runStarts();
      hooks.onCompiled?.(stats, output, compileMs);
    },
    // A live run's input goes in once the agent has the job: a sandbox found dead before that
    // (and replaced) has taken none of it, so the next one gets all of it.
    onStarted: () => live?.connect({ write: (b) => attached.write(b), end: () => attached.endInput() }),
    onOutput: (s, kept) => {
      active();
      hooks.onOutput?.(s, kept);
    },
    onOverflow: (_s, received) => {
      active();
      if (received > OUTPUT_HARD_FACTOR * limits.outputLimitBytes) stop('output_limit');
      else if (!graceStarted) {
        graceStarted = true;
        later(OUTPUT_GRACE_MS, () => stop('output_limit'));
      }
    },
    onFinished: () => stop('finished'),
  });

  const attached = await engine.attach(containerId, (s, payload) => stream.push(s, payload));
  const onAbort = () => stop('aborted');
  try {
    // The stream's end means all output has arrived: after a kill, too, there is no more to wait for.
    const ended = () => {
      stop('ended');
      resolveDone();
    };
    attached.ended.then(ended);
    // An attach to a container that was stopped from outside may never end; the engine's wait does.
    // Asked only when a job runs long, to spare the engine a call per request.
    later(WAIT_CHECK_AFTER_MS, () => void engine.waitStopped(containerId).then(() => later(STOPPED_GRACE_MS, ended)));
    if (job.compile) compileTimer = later(limits.compileTimeoutMs, () => stop('compile_timeout'));
    else runStarts();
    job.signal?.addEventListener('abort', onAbort, { once: true });
    if (job.signal?.aborted) onAbort();
    attached.write(archive);
    // After the job, the agent's stdin is the program's (it reads exactly the job, never past it).
    if (live) live.onActivity = active;
    else attached.endInput();
    await done;
  } finally {
    cleanedUp = true;
    live?.detach();
    for (const t of timers) clearTimeout(t);
    job.signal?.removeEventListener('abort', onAbort);
    attached.destroy();
  }
  stream.end(end !== 'finished' && end !== 'ended');
  const r = stream.result();
  if (r.protocolError) throw new AgentProtocolError(`the sandbox agent's answer was malformed: ${r.protocolError}`);
  if (end === 'ended' && !r.started && !stream.finished) {
    // The agent never answered: the container was gone or killed from outside.
    throw new ContainerGoneError(`sandbox ended before the job started${r.agentLog ? `: ${r.agentLog.trim()}` : ''}`);
  }
  const runMs = r.compile && r.compile.stats.exitCode !== 0 ? null : Math.round(performance.now() - runStartedAt);
  // The container ended after the job began but before the agent's last report: where the OOM killer
  // took the whole sandbox (gVisor answers a memory limit so), the engine knows.
  const sandboxOom = end === 'ended' && !stream.finished && (await engine.oomKilled(containerId));
  return { end: end!, agent: r, hasCompile: Boolean(job.compile), compileMs, runMs, sandboxOom };
}
