// The seed's answer (PascalCase, lib/contract/compile-response.ts) built from the core's result.
// ErrorString is what a terminal would show: the compiler's messages, the program's stderr, then
// WebCompile's own note.

import type { RunResult } from '../contract/compile-response';
import { reportedExitCode, type ExecutionResult } from '../core/result';
import { joinText, note } from '../core/text';

export function toSeedResponse(r: ExecutionResult): RunResult {
  return {
    Output: r.run?.stdout ?? '',
    LatencyInMS: r.latencyMs,
    ErrorString: note(joinText(r.compile?.output ?? '', r.run?.stderr ?? ''), r.message),
    Timeout: r.timedOut,
    Status: r.status,
    ExitCode: reportedExitCode(r),
    Truncated: r.truncated,
    Diagnostics: r.diagnostics,
    QueueMS: r.queueMs,
    CompileMS: r.compile?.ms ?? null,
    CompileCached: r.compile?.cached ?? false,
    RunMS: r.run?.ms ?? null,
    CpuTimeMS: r.run?.cpuTimeMs ?? null,
    MemoryKB: r.run?.memoryKb ?? null,
    Language: r.language,
  };
}
