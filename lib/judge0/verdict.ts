// How a run (or number_of_runs runs) ended, in Judge0's words: the status id decided as Judge0
// decides it (isolate's TO, SG by signal, RE, then the expected output), the outputs (null when
// empty), and the times and memory (mean CPU time and memory, the last run's wall time).

import type { ExecutionResult, ExecutionStatus, RunReport } from '../core/result';
import {
  ACCEPTED,
  COMPILATION_ERROR,
  INTERNAL_ERROR,
  RUNTIME_ERROR_NZEC,
  RUNTIME_ERROR_OTHER,
  signalStatus,
  TIME_LIMIT_EXCEEDED,
  WRONG_ANSWER,
} from './statuses';
import type { CheckedSubmission } from './submission-request';

export interface Judge0Result {
  status_id: number;
  stdout: string | null;
  stderr: string | null;
  compile_output: string | null;
  message: string | null;
  exit_code: number | null;
  exit_signal: number | null;
  /** CPU time, ms (the mean over the runs). */
  time: number | null;
  /** The last run's wall time, ms. */
  wall_time: number | null;
  /** KB (the mean over the runs). */
  memory: number | null;
  /**
   * The output's bytes (base64) where they are not the UTF-8 of the text above: bytes that are no
   * UTF-8, or a byte-order mark. base64_encoded=true answers these bytes, as Judge0 does.
   */
  raw?: { stdout?: string; stderr?: string };
}

const orNull = (s: string) => (s === '' ? null : s);

/**
 * Judge0's comparison: both sides split into lines, each line and then the whole without trailing
 * whitespace (NUL counts as whitespace, as Ruby's rstrip has it). No output at all is null, which
 * matches nothing (an expected "" is then a Wrong Answer, as on Judge0).
 */
export function judge0Matches(stdout: Buffer | string | null, expected: string): boolean {
  const bytes = typeof stdout === 'string' ? Buffer.from(stdout) : stdout;
  if (bytes === null || bytes.length === 0) return false;
  // Judge0 compares bytes: each side as latin1 (a character a byte), so the rules apply byte for byte.
  return normalise(bytes.toString('latin1')) === normalise(Buffer.from(expected).toString('latin1'));
}

/** Ruby's rstrip: space, \t, \n, \v, \f, \r and NUL (a loop: a regex here is quadratic on long runs). */
function rstrip(s: string): string {
  let end = s.length;
  for (;;) {
    const c = s.charCodeAt(end - 1);
    if (end > 0 && (c === 32 || (c >= 9 && c <= 13) || c === 0)) end--;
    else return s.slice(0, end);
  }
}

function normalise(text: string): string {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return rstrip(lines.map(rstrip).join('\n'));
}

/** One run's status and message, before its output is compared. */
function runVerdict(
  status: ExecutionStatus,
  run: RunReport | null,
  sub: CheckedSubmission,
): { id: number; message: string | null; signal: number | null } {
  switch (status) {
    case 'timeout':
    case 'idle_timeout':
      return { id: TIME_LIMIT_EXCEEDED, message: 'Time limit exceeded', signal: null };
    case 'memory_limit':
      return { id: RUNTIME_ERROR_OTHER, message: 'Memory limit exceeded', signal: 9 };
    case 'output_limit':
      return { id: signalStatus(25), message: 'Output limit exceeded', signal: 25 };
    case 'process_limit':
      return { id: RUNTIME_ERROR_OTHER, message: 'Process and thread limit exceeded', signal: null };
    case 'runtime_error': {
      const signal = run?.signal ?? null;
      if (signal !== null) return { id: signalStatus(signal), message: `Caught fatal signal ${signal}`, signal };
      return { id: RUNTIME_ERROR_NZEC, message: `Exited with error status ${run?.exitCode ?? 1}`, signal: null };
    }
    case 'ok':
      // The sandbox limits wall time; Judge0's CPU time limit is checked on what the run used.
      if (run?.cpuTimeMs != null && run.cpuTimeMs > sub.cpu_time_limit * 1000) {
        return { id: TIME_LIMIT_EXCEEDED, message: 'Time limit exceeded', signal: null };
      }
      return { id: ACCEPTED, message: null, signal: null };
    default:
      return { id: INTERNAL_ERROR, message: 'the run was stopped before it finished', signal: null };
  }
}

interface OneRun {
  status: ExecutionStatus;
  run: RunReport | null;
}

/** The runs of a result: its tests (number_of_runs > 1) or its one run. */
function runsOf(result: ExecutionResult): OneRun[] {
  if (result.tests) return result.tests.map((t) => ({ status: t.status, run: t.run }));
  return [{ status: result.status, run: result.run }];
}

export function judge0Verdict(result: ExecutionResult, sub: CheckedSubmission): Judge0Result {
  const compileOutput = result.compile ? orNull(result.compile.output) : null;
  if (result.status === 'compile_error' || result.status === 'compile_timeout') {
    return {
      status_id: COMPILATION_ERROR,
      stdout: null,
      stderr: null,
      compile_output:
        result.status === 'compile_timeout' ? 'Compilation time limit exceeded.' : (compileOutput ?? null),
      message: null,
      exit_code: null,
      exit_signal: null,
      time: null,
      wall_time: null,
      memory: null,
    };
  }
  const runs = runsOf(result);
  const done: {
    verdict: ReturnType<typeof runVerdict>;
    run: RunReport | null;
    stdout: string | null;
    rawOut: Buffer;
    rawErr: Buffer;
  }[] = [];
  for (const r of runs) {
    const verdict = runVerdict(r.status, r.run, sub);
    let stdout = r.run ? r.run.stdout : '';
    let stderr = r.run ? r.run.stderr : '';
    let rawOut = r.run?.raw?.stdout ?? Buffer.from(stdout);
    let rawErr = r.run?.raw?.stderr ?? Buffer.from(stderr);
    if (sub.redirect_stderr_to_stdout) {
      stdout += stderr;
      stderr = '';
      rawOut = Buffer.concat([rawOut, rawErr]);
      rawErr = Buffer.alloc(0);
    }
    // Judge0's max_file_size: a stream past it is cut there and the program ended by SIGXFSZ.
    const maxBytes = sub.max_file_size * 1024;
    if (rawOut.length > maxBytes || rawErr.length > maxBytes) {
      rawOut = rawOut.subarray(0, maxBytes);
      rawErr = rawErr.subarray(0, maxBytes);
      stdout = rawOut.toString('utf8');
      stderr = rawErr.toString('utf8');
      if (verdict.id === ACCEPTED) {
        Object.assign(verdict, { id: signalStatus(25), message: 'File size limit exceeded', signal: 25 });
      }
    }
    if (verdict.id === ACCEPTED && sub.expected_output !== null && !judge0Matches(rawOut, sub.expected_output)) {
      verdict.id = WRONG_ANSWER;
    }
    done.push({ verdict, run: r.run ? { ...r.run, stdout, stderr } : null, stdout: orNull(stdout), rawOut, rawErr });
    // Judge0 stops at the first run that is not Accepted.
    if (verdict.id !== ACCEPTED) break;
  }
  const last = done[done.length - 1];
  const measured = done.map((d) => d.run).filter((r): r is RunReport => r !== null);
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
  const memory = mean(measured.flatMap((r) => (r.memoryKb === null ? [] : [r.memoryKb])));
  const signal = last.verdict.signal;
  return {
    status_id: last.verdict.id,
    stdout: last.stdout,
    stderr: last.run ? orNull(last.run.stderr) : null,
    compile_output: compileOutput,
    message: last.verdict.message,
    // Judge0 reports 0 for a program a signal ended (isolate gives no exit code then).
    exit_code: last.run ? (signal !== null ? 0 : (last.run.exitCode ?? 0)) : null,
    exit_signal: signal,
    time: mean(measured.map((r) => r.cpuTimeMs ?? r.ms)),
    wall_time: last.run ? last.run.ms : null,
    memory: memory === null ? null : Math.trunc(memory),
    ...rawOf(last),
  };
}

/** The bytes of the output, kept only where the text does not say them exactly. */
function rawOf(d: { run: RunReport | null; rawOut: Buffer; rawErr: Buffer }): Pick<Judge0Result, 'raw'> {
  if (!d.run) return {};
  const raw: NonNullable<Judge0Result['raw']> = {};
  if (!d.rawOut.equals(Buffer.from(d.run.stdout))) raw.stdout = d.rawOut.toString('base64');
  if (!d.rawErr.equals(Buffer.from(d.run.stderr))) raw.stderr = d.rawErr.toString('base64');
  return Object.keys(raw).length > 0 ? { raw } : {};
}

/** A submission the service could not run (our failure, not the program's): Judge0's Internal Error. */
export function internalError(message: string): Judge0Result {
  return {
    status_id: INTERNAL_ERROR,
    stdout: null,
    stderr: null,
    compile_output: null,
    message,
    exit_code: null,
    exit_signal: null,
    time: null,
    wall_time: null,
    memory: null,
  };
}
