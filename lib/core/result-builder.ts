// The one place a verdict is made, for every path a request can take: compiled on a warm compiler (or
// taken from the cache) and run in a sandbox, or compiled and run in the sandbox. Inputs are facts
// only: how the job ended (our timers), the agent's reports (wait4, the kernel's counters) and the
// engine's OOM flag; nothing the program printed. Order of the rules: the client left > the compile
// limit > a failed compile > the run's time and output limits > the kernel's memory and process counts
// (whatever the exit code) > the exit code.

import type { Language } from './languages';
import type { ExecutionResult, ExecutionStatus, CompileReport, RunReport } from './result';
import type { RunLimits, SandboxRun } from './sandbox-run';
import { withoutBom } from './text';

/** A compile done before the sandbox (warm compiler or cache), or where the sandbox compile stood. */
export interface CompileStage {
  report: CompileReport;
  /** The compile limit passed. */
  timedOut: boolean;
  /** The compiler said no (or the OOM killer ended it): a compile error. */
  failed: boolean;
  /** The compiler ran out of memory. */
  oom: boolean;
  truncated: boolean;
}

export interface ResultInput {
  language: Language;
  /** The request's limits (the whole compile limit, even when a warm compiler used part of it). */
  limits: RunLimits;
  /** The compile done outside the sandbox, or null when the sandbox compiled (or nothing compiles). */
  warm: CompileStage | null;
  /** Time a warm compiler spent before the sandbox took the compile over. */
  warmSpentMs: number;
  sandbox: SandboxRun | null;
  queueMs: number;
  latencyMs: number;
}

export function buildResult(input: ResultInput): ExecutionResult {
  const { language, limits, sandbox } = input;
  const compile = input.warm ?? (sandbox?.hasCompile ? sandboxCompile(sandbox, limits, input.warmSpentMs) : null);
  const verdict = judge(compile, sandbox, limits);
  return {
    language: language.id,
    status: verdict.status,
    compile: compile?.report ?? null,
    run: verdict.run,
    message: verdict.message,
    timedOut: verdict.status === 'timeout' || verdict.status === 'idle_timeout' || verdict.status === 'compile_timeout',
    truncated: Boolean(compile?.truncated) || Boolean(sandbox?.agent.truncated && verdict.run),
    diagnostics: compile ? (language.parseDiagnostics?.(compile.report.output) ?? []) : [],
    queueMs: Math.round(input.queueMs),
    latencyMs: Math.round(input.latencyMs),
  };
}

/** A compile limit that the warm compiler's time used up before the sandbox could start. */
export function compileLimitSpent(limits: RunLimits): CompileStage {
  return {
    report: { output: '', exitCode: null, ms: limits.compileTimeoutMs, cached: false },
    timedOut: true,
    failed: false,
    oom: false,
    truncated: false,
  };
}

function sandboxCompile(s: SandboxRun, limits: RunLimits, warmSpentMs: number): CompileStage {
  const c = s.agent.compile;
  const timedOut = s.end === 'compile_timeout';
  const ms = timedOut ? limits.compileTimeoutMs : s.compileMs === null ? null : s.compileMs + warmSpentMs;
  // Where the OOM killer took the whole sandbox during the compile, the engine knows.
  const killed = !c && s.sandboxOom;
  return {
    // A report that came in as the limit struck does not make the compile one that exited.
    report: { output: c?.output ?? '', exitCode: timedOut ? null : (c?.stats.exitCode ?? null), ms, cached: false },
    timedOut,
    failed: (c !== null && c.stats.exitCode !== 0) || killed,
    oom: (c?.stats.oomKills ?? 0) > 0 || killed,
    truncated: false,
  };
}

interface Verdict {
  status: ExecutionStatus;
  run: RunReport | null;
  message: string;
}

function judge(compile: CompileStage | null, s: SandboxRun | null, limits: RunLimits): Verdict {
  if (s?.end === 'aborted') {
    // What the program printed before it was stopped stays in the answer (a killed interactive run).
    const ran = !s.hasCompile || s.agent.compile?.stats.exitCode === 0;
    return { status: 'cancelled', run: ran ? runReport(s, null) : null, message: '' };
  }
  if (compile?.timedOut) {
    return {
      status: 'compile_timeout',
      run: null,
      message: `Compilation stopped: it took longer than ${limits.compileTimeoutMs} ms.`,
    };
  }
  if (compile?.failed) {
    const message = compile.oom ? `The compiler ran out of memory (${limits.memoryMb} MiB).` : '';
    return { status: 'compile_error', run: null, message };
  }
  if (!s) throw new Error('a result without a failed compile needs a sandbox run');

  const stats = s.agent.run;
  const exitCode = s.end === 'finished' || s.end === 'ended' ? (stats?.exitCode ?? null) : null;
  let status: ExecutionStatus;
  let message = '';
  if (s.end === 'timeout') {
    status = 'timeout';
    message = `Execution stopped: it ran longer than ${limits.timeoutMs} ms.`;
  } else if (s.end === 'idle') {
    status = 'idle_timeout';
    message = `Execution stopped: no input and no output for ${limits.idleMs} ms.`;
  } else if (s.end === 'output_limit') {
    status = 'output_limit';
    message = `Execution stopped: output passed the ${limits.outputLimitBytes}-byte limit.`;
  } else if ((stats && stats.oomKills > 0) || s.sandboxOom) {
    // The kernel's counts decide, whatever the exit code: a program that survives a killed child or
    // a failed fork has still hit the limit.
    status = 'memory_limit';
    message = `Execution stopped: the program used more than ${limits.memoryMb} MiB of memory.`;
  } else if (stats && stats.pidsLimitHits > 0) {
    status = 'process_limit';
    message = `The program hit the limit of ${limits.pidsLimit} processes and threads.`;
  } else if (exitCode === 0) {
    status = 'ok';
  } else {
    status = 'runtime_error';
    if (exitCode === null) message = 'The sandbox ended before the program reported how it exited.';
    else if (exitCode > 128) message = `The program was killed by signal ${exitCode - 128}.`;
  }
  return { status, run: runReport(s, exitCode), message };
}

function runReport(s: SandboxRun, exitCode: number | null): RunReport {
  const stats = s.agent.run;
  return {
    stdout: withoutBom(s.agent.stdout.toString('utf8')),
    stderr: withoutBom(s.agent.stderr.toString('utf8')),
    raw: { stdout: s.agent.stdout, stderr: s.agent.stderr },
    exitCode,
    signal: exitCode === null ? null : (stats?.signal ?? null),
    ms: s.runMs ?? 0,
    cpuTimeMs: stats?.cpuTimeMs ?? null,
    memoryKb: stats?.maxRssKb ?? null,
  };
}
