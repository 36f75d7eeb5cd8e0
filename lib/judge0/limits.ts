// The bounds and defaults of a Judge0 submission's limits on this service: Judge0 CE's where our
// sandbox can honour them, ours (from the config) where it sets the sandbox (memory, output, time).
// GET /config_info reports the same values.

import type { Config } from '../config/config';

export interface Bound {
  default: number;
  min: number;
  /** Judge0's message for the minimum: "greater than" or "greater than or equal to". */
  minExclusive?: boolean;
  max: number;
  /** Judge0's time limits are decimals (their maxima print as "15.0"), the rest whole numbers. */
  decimal: boolean;
}

export interface Judge0Limits {
  cpu_time_limit: Bound;
  cpu_extra_time: Bound;
  wall_time_limit: Bound;
  memory_limit: Bound;
  stack_limit: Bound;
  max_processes_and_or_threads: Bound;
  max_file_size: Bound;
  number_of_runs: Bound;
}

export type LimitField = keyof Judge0Limits;

/** The smallest memory limit a sandbox is given (as our own API's `limits.memoryMb`). */
export const MIN_MEMORY_KB = 16 * 1024;

export function judge0Limits(config: Config): Judge0Limits {
  const maxWall = Math.min(20, config.maxTimeoutMs / 1000);
  return {
    cpu_time_limit: {
      default: Math.min(config.judge0CpuTimeLimitS, maxWall),
      min: 0,
      max: Math.min(15, maxWall),
      decimal: true,
    },
    cpu_extra_time: { default: 1, min: 0, max: 5, decimal: true },
    wall_time_limit: { default: Math.min(config.judge0WallTimeLimitS, maxWall), min: 1, max: maxWall, decimal: true },
    // Below MIN_MEMORY_KB a sandbox gets MIN_MEMORY_KB (no runtime starts in 2 MB anyway).
    memory_limit: {
      default: config.memoryMb * 1024,
      min: 2048,
      max: Math.max(config.memoryMb, config.maxMemoryMb) * 1024,
      decimal: false,
    },
    stack_limit: { default: 64000, min: 0, max: 128000, decimal: false },
    max_processes_and_or_threads: {
      default: Math.min(60, config.pidsLimit),
      min: 0,
      minExclusive: true,
      max: config.pidsLimit,
      decimal: false,
    },
    // Checked on the output (each stream cut there, Runtime Error (SIGXFSZ)); the sandbox's own cap
    // (WEBCOMPILE_OUTPUT_LIMIT_BYTES) applies as well.
    max_file_size: { default: 1024, min: 0, max: 4096, decimal: false },
    number_of_runs: { default: 1, min: 0, minExclusive: true, max: config.judge0MaxNumberOfRuns, decimal: false },
  };
}
