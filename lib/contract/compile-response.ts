// The answer of POST /api/compile, shared by the server's seed adapter and the browser. The first
// four names are the seed's and never change.

import type { Diagnostic } from './diagnostic';

export type RunStatus =
  | 'ok'
  | 'compile_error'
  | 'compile_timeout'
  | 'runtime_error'
  | 'timeout'
  | 'idle_timeout'
  | 'memory_limit'
  | 'output_limit'
  | 'process_limit'
  | 'cancelled'
  /** Only with `tests`: a test ran fine and printed something else than its expected output. */
  | 'wrong_answer';

/** One test of a request's `tests`: its own run in its own sandbox, of the program compiled once. */
export interface TestResult {
  Status: RunStatus;
  /** The test's stdout (what is compared with its expected output). */
  Output: string;
  /** The test's stderr, then WebCompile's own note. */
  ErrorString: string;
  ExitCode: number | null;
  Timeout: boolean;
  Truncated: boolean;
  RunMS: number | null;
  CpuTimeMS: number | null;
  MemoryKB: number | null;
  /** Null for a test without an expected output. */
  Passed: boolean | null;
}

export interface RunResult {
  Output: string;
  LatencyInMS: number;
  ErrorString: string;
  Timeout: boolean;
  Status: RunStatus;
  ExitCode: number | null;
  Truncated: boolean;
  Diagnostics: Diagnostic[];
  QueueMS: number;
  CompileMS: number | null;
  /** The compiled program came from the cache (same source, same compiler and settings). */
  CompileCached: boolean;
  RunMS: number | null;
  CpuTimeMS: number | null;
  MemoryKB: number | null;
  Language: string;
  /**
   * Only for a request with `tests`: one per test, in order (none after a failed compile). Status is
   * then `ok` when every test ran fine and passed, else the first other test Status; Output is
   * empty, ErrorString and ExitCode are the compile's, RunMS, CpuTimeMS and MemoryKB null.
   */
  Tests?: TestResult[];
}

export const STATUS_TEXT: Record<RunStatus, string> = {
  ok: 'Compiled and ran',
  compile_error: 'Compile error',
  compile_timeout: 'Compile timed out',
  runtime_error: 'Runtime error',
  timeout: 'Timed out',
  idle_timeout: 'Stopped: no input or output',
  memory_limit: 'Memory limit exceeded',
  output_limit: 'Output limit exceeded',
  process_limit: 'Process limit reached',
  cancelled: 'Cancelled',
  wrong_answer: 'Wrong answer',
};
