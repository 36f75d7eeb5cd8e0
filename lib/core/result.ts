// What the core answers: how the compile and the run went, in its own words. Front doors build
// their wire formats from it (the seed's PascalCase answer: lib/http/seed-response.ts).

import type { Diagnostic } from '../contract/diagnostic';
import type { RunStatus } from '../contract/compile-response';

export type ExecutionStatus = RunStatus;

export interface CompileReport {
  /** What the compiler printed (capped like program output). */
  output: string;
  /** Null when the compile did not end by itself (a time limit, an out-of-memory kill). */
  exitCode: number | null;
  /** Null when it never finished. */
  ms: number | null;
  /** Taken from the compile cache (same source, compiler and settings). */
  cached: boolean;
}

export interface RunReport {
  stdout: string;
  stderr: string;
  /**
   * The output as the program wrote it (within the cap), where a front door needs the bytes (Judge0's
   * base64): stdout and stderr above are these decoded as UTF-8, a leading byte-order mark dropped.
   */
  raw?: { stdout: Buffer; stderr: Buffer };
  /** The exit code, or 128 + the signal; null when we stopped it (a limit) or it never reported. */
  exitCode: number | null;
  /** The signal that ended it, when it did not exit by itself (and we did not stop it). */
  signal: number | null;
  ms: number;
  cpuTimeMs: number | null;
  memoryKb: number | null;
}

export interface ExecutionResult {
  language: string;
  status: ExecutionStatus;
  /** Null for languages without a compile step. */
  compile: CompileReport | null;
  /** Null when the program never ran (its compile failed, the client went away first). */
  run: RunReport | null;
  /** WebCompile's own word on how it ended ("Execution stopped: ..."), or ''. */
  message: string;
  /** A time limit ended it (the run's or the compile's). */
  timedOut: boolean;
  /** Some output was past the cap and not kept. */
  truncated: boolean;
  diagnostics: Diagnostic[];
  /** Time spent waiting for a turn and a sandbox. */
  queueMs: number;
  /** From the moment the request arrived to the answer. */
  latencyMs: number;
  /** A request with tests: one outcome per test, in order; none when the compile failed. */
  tests?: TestOutcome[];
}

/** How one test went: its run's verdict, then the check of its output. */
export interface TestOutcome {
  /** The run's status, or `wrong_answer` when it ran fine and its stdout is not the expected output. */
  status: ExecutionStatus;
  run: RunReport | null;
  message: string;
  timedOut: boolean;
  truncated: boolean;
  /** Null for a test without an expected output. */
  passed: boolean | null;
}

/** The exit code a client is told: the program's when it ran, else the compiler's; none for a run the client left. */
export function reportedExitCode(r: ExecutionResult): number | null {
  if (r.status === 'cancelled') return null;
  return r.run ? r.run.exitCode : (r.compile?.exitCode ?? null);
}
