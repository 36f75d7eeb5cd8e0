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
  | 'cancelled';

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
};
