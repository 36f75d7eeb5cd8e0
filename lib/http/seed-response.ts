// The seed's answer (PascalCase, lib/contract/compile-response.ts) built from the core's result.
// ErrorString is what a terminal would show: the compiler's messages, the program's stderr, then
// WebCompile's own note.

import type { RunResult, TestResult } from '../contract/compile-response';
import { reportedExitCode, type ExecutionResult, type TestOutcome } from '../core/result';
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
    ...(r.tests ? { Tests: r.tests.map(toTestResult) } : {}),
  };
}

export function toTestResult(t: TestOutcome): TestResult {
  return {
    Status: t.status,
    Output: t.run?.stdout ?? '',
    ErrorString: note(t.run?.stderr ?? '', t.message),
    ExitCode: t.status === 'cancelled' ? null : (t.run?.exitCode ?? null),
    Timeout: t.timedOut,
    Truncated: t.truncated,
    RunMS: t.run?.ms ?? null,
    CpuTimeMS: t.run?.cpuTimeMs ?? null,
    MemoryKB: t.run?.memoryKb ?? null,
    Passed: t.passed,
  };
}
