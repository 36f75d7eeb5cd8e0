// Compiles and runs one program in one sandbox container: source in as a tar on stdin, compile step,
// run step. Every limit ends in the same way: PID 1 of the container is killed, which ends every
// process the program started (killing only the exec stream would leave them running).

import { randomBytes } from 'node:crypto';
import type { Engine, ExecResult } from '../docker/engine';
import type { Language } from './languages';
import type { RunResult, RunStatus } from './result';
import { makeTar } from './tar';
import { splitTrailer, type StepStats } from './trailer';

export interface RunLimits {
  timeoutMs: number;
  compileTimeoutMs: number;
  outputLimitBytes: number;
  memoryMb: number;
  pidsLimit: number;
}

export interface SandboxJob {
  language: Language;
  code: string;
  stdin: string;
  limits: RunLimits;
  /** Aborts when the client goes away. */
  signal?: AbortSignal;
}

type StepEnd = 'exited' | 'timeout' | 'output_limit' | 'aborted';

interface StepOutcome {
  end: StepEnd;
  result: ExecResult;
  stdout: string;
  stderr: string;
  stats: StepStats | null;
  ms: number;
}

const TRAILER_RESERVE = 256;
/** How long to wait for the exec stream to end after the container was killed. */
const KILL_GRACE_MS = 800;
/**
 * Past the output cap a program is stopped after this grace, or at once when it has sent this many
 * times the cap: an endless writer is stopped within milliseconds, while a crashing runtime that
 * prints a long trace (mono's stack overflow: ~77 KB) still ends by itself and is classified by how
 * it ended. Bytes past the cap are counted, never kept.
 */
const OUTPUT_GRACE_MS = 250;
const OUTPUT_HARD_FACTOR = 4;

export type SandboxOutcome = Omit<RunResult, 'LatencyInMS' | 'QueueMS' | 'Language'> & {
  /** The container was killed (its state is unknown or dead): never reuse it. */
  killed: boolean;
};

export async function runInSandbox(engine: Engine, containerId: string, job: SandboxJob): Promise<SandboxOutcome> {
  const { language, limits } = job;
  const files: Record<string, string> = { [language.sourceFile]: job.code, stdin: job.stdin };
  const archive = await makeTar(files);
  let killed = false;

  const step = async (cmd: string[], stdin: Buffer | undefined, timeoutMs: number): Promise<StepOutcome> => {
    const nonce = `__wc_${randomBytes(12).toString('hex')}`;
    const detach = new AbortController();
    let end: StepEnd = 'exited';
    const stop = (why: StepEnd) => {
      if (end !== 'exited') return;
      end = why;
      killed = true;
      engine.kill(containerId).catch(() => {});
      setTimeout(() => detach.abort(), KILL_GRACE_MS).unref?.();
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    let graceTimer: NodeJS.Timeout | undefined;
    const onOverflow = (_stream: string, received: number) => {
      if (received > OUTPUT_HARD_FACTOR * limits.outputLimitBytes) stop('output_limit');
      else graceTimer ??= setTimeout(() => stop('output_limit'), OUTPUT_GRACE_MS);
    };
    const onAbort = () => stop('aborted');
    job.signal?.addEventListener('abort', onAbort, { once: true });
    if (job.signal?.aborted) onAbort();
    const t0 = performance.now();
    try {
      const wrapped = [
        'wc-run',
        ...(stdin ? ['--untar'] : []),
        nonce,
        stdin ? '/dev/null' : '/work/stdin',
        ...cmd,
      ];
      const result = await engine.exec(containerId, wrapped, {
        stdin,
        limitBytes: limits.outputLimitBytes,
        reserveStderr: TRAILER_RESERVE,
        onOverflow,
        detach: detach.signal,
      });
      const ms = Math.round(performance.now() - t0);
      const split = splitTrailer(result.stderr.toString('utf8'), nonce);
      let stderr = split.stderr;
      if (Buffer.byteLength(stderr) > limits.outputLimitBytes) {
        stderr = Buffer.from(stderr).subarray(0, limits.outputLimitBytes).toString('utf8');
        result.truncated = true;
      }
      return { end, result, stdout: result.stdout.toString('utf8'), stderr, stats: split.stats, ms };
    } finally {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      job.signal?.removeEventListener('abort', onAbort);
    }
  };

  const base = {
    Output: '',
    ErrorString: '',
    Timeout: false,
    ExitCode: null as number | null,
    Truncated: false,
    Diagnostics: [] as RunResult['Diagnostics'],
    CompileMS: null as number | null,
    RunMS: null as number | null,
    CpuTimeMS: null as number | null,
    MemoryKB: null as number | null,
  };

  let runStdin: Buffer | undefined = archive;
  let compilerOutput = '';
  if (language.compile) {
    const c = await step(language.compile, archive, limits.compileTimeoutMs);
    runStdin = undefined;
    compilerOutput = joinText(c.stdout, c.stderr);
    base.CompileMS = c.ms;
    base.Diagnostics = language.parseDiagnostics?.(compilerOutput) ?? [];
    if (c.end === 'aborted') return { ...base, Status: 'cancelled', ErrorString: compilerOutput, killed };
    if (c.end === 'timeout') {
      return {
        ...base,
        Status: 'compile_timeout',
        Timeout: true,
        ErrorString: note(compilerOutput, `Compilation stopped: it took longer than ${limits.compileTimeoutMs} ms.`),
        killed,
      };
    }
    if (c.end === 'output_limit') {
      return {
        ...base,
        Status: 'compile_error',
        Truncated: true,
        ErrorString: note(compilerOutput, 'Compiler output was cut at the output limit.'),
        killed,
      };
    }
    const exit = c.result.exitCode ?? c.stats?.exitCode ?? null;
    if (exit !== 0) {
      const why = c.stats?.oomKills ? `The compiler ran out of memory (${limits.memoryMb} MiB).` : '';
      return { ...base, Status: 'compile_error', ExitCode: exit, ErrorString: note(compilerOutput, why), killed };
    }
  }

  const r = await step(language.run, runStdin, limits.timeoutMs);
  const exitCode = r.end === 'exited' ? (r.result.exitCode ?? r.stats?.exitCode ?? null) : null;
  const stats = r.stats;
  let status: RunStatus;
  let why = '';
  if (r.end === 'aborted') status = 'cancelled';
  else if (r.end === 'timeout') {
    status = 'timeout';
    why = `Execution stopped: it ran longer than ${limits.timeoutMs} ms.`;
  } else if (r.end === 'output_limit') {
    status = 'output_limit';
    why = `Execution stopped: output passed the ${limits.outputLimitBytes}-byte limit.`;
  } else if (stats && stats.oomKills > 0) {
    status = 'memory_limit';
    why = `Execution stopped: the program used more than ${limits.memoryMb} MiB of memory.`;
  } else if (exitCode === 0) status = 'ok';
  else if (stats && stats.pidsLimitHits > 0) {
    status = 'process_limit';
    why = `The program hit the limit of ${limits.pidsLimit} processes and threads.`;
  } else {
    status = 'runtime_error';
    if (exitCode !== null && exitCode > 128) why = `The program was killed by signal ${exitCode - 128}.`;
  }
  // Warnings of a successful compile come first, as a compiler shows them.
  const errorText = joinText(compilerOutput, r.stderr);
  return {
    ...base,
    Output: r.stdout,
    ErrorString: note(errorText, why),
    Timeout: status === 'timeout',
    Status: status,
    ExitCode: exitCode,
    Truncated: r.result.truncated,
    RunMS: r.ms,
    CpuTimeMS: stats?.cpuTimeMs ?? null,
    MemoryKB: stats?.maxRssKb ?? null,
    killed,
  };
}

function joinText(a: string, b: string): string {
  if (!a) return b;
  if (!b) return a;
  return a.endsWith('\n') ? a + b : `${a}\n${b}`;
}

function note(text: string, why: string): string {
  return why ? joinText(text, `[webcompile] ${why}\n`) : text;
}
