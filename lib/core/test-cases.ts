// A request with test cases: the program is compiled once, then every test runs in a fresh sandbox of
// its own (a few at once, each taking its turn in the pool's line like any request), and its stdout is
// checked against its expected output. Where the language compiles in the sandbox, the compile runs
// in a sandbox of its own, and every test's sandbox gets what it
// made (lib/core/compile-apart.ts); a warm compiler's artifacts are used as they are. A failed compile
// answers once, with no test.

import type { JobFile } from './agent-protocol';
import { compileApart } from './compile-apart';
import { outputMatches } from '../contract/expected-output';
import type { Language } from './languages';
import type { TestCase } from './request';
import type { CompileReport, ExecutionResult, ExecutionStatus, TestOutcome } from './result';
import { buildResult, compileLimitSpent, type CompileStage } from './result-builder';
import type { RunLimits, SandboxHooks, SandboxJob, SandboxRun } from './sandbox-run';

export type WarmStage =
  { kind: 'compiled'; stage: CompileStage; files: Record<string, JobFile> } | { kind: 'fallback'; spentMs: number };

export interface TestsContext {
  language: Language;
  /** The runs' limits, and the compile's (its memory is the sandbox's, whatever the runs get). */
  limits: RunLimits;
  compileLimits: RunLimits;
  tests: TestCase[];
  /** The program's sources as job files, and how it is built and run. */
  files: Record<string, JobFile>;
  compile?: string[];
  run: string[];
  /** The request's own stdin and args: a test's where it gives none. */
  stdin: string;
  args: string[];
  signal?: AbortSignal;
  parallelism: number;
  /** The largest archive of /work: the sandbox's /work cannot hold more. */
  archiveLimitBytes: number;
  receivedAt: number;
  /** The warm compile, or null for a language without warm compilers. */
  warmStage(): Promise<WarmStage | null>;
  /** Runs a job in a fresh sandbox (lib/core/executor.ts); `started` gets the wait once it has one. */
  runFresh(job: SandboxJob, started: (queueMs: number) => SandboxHooks): Promise<{ run: SandboxRun; queueMs: number }>;
  progress: {
    compileStarted(): void;
    compileFinished(report: CompileReport): void;
    runStarted(queueMs: number): void;
    testFinished(index: number, outcome: TestOutcome): void;
  };
}

export async function runTestCases(c: TestsContext): Promise<ExecutionResult> {
  const compiled = await compileOnce(c);
  if (compiled.kind === 'answer') return compiled.result;
  const { compile, files } = compiled;

  // The tests share one abort: a test refused (no sandbox in time, the engine gone) stops the others.
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  c.signal?.addEventListener('abort', onAbort, { once: true });
  if (c.signal?.aborted) abort.abort();
  const outcomes: TestOutcome[] = new Array(c.tests.length);
  let queueMs = 0;
  let next = 0;
  const worker = async () => {
    while (next < c.tests.length) {
      const index = next++;
      const test = c.tests[index];
      const job: SandboxJob = {
        files,
        run: [...c.run, ...(test.args ?? c.args)],
        stdin: test.stdin ?? c.stdin,
        limits: c.limits,
        signal: abort.signal,
      };
      const { run, queueMs: waited } = await c.runFresh(job, (q) => {
        c.progress.runStarted(q);
        return {};
      });
      queueMs = Math.max(queueMs, waited);
      outcomes[index] = judgeTest(c, run, test);
      c.progress.testFinished(index, outcomes[index]);
    }
  };
  // The first refusal is the answer: the others it caused (a wait for a sandbox cut short) are not.
  let refusal: { error: unknown } | null = null;
  try {
    const workers = Array.from({ length: Math.min(c.parallelism, c.tests.length) }, () =>
      worker().catch((error: unknown) => {
        refusal ??= { error };
        abort.abort();
      }),
    );
    await Promise.all(workers);
    if (refusal) throw (refusal as { error: unknown }).error;
  } finally {
    c.signal?.removeEventListener('abort', onAbort);
  }
  return {
    language: c.language.id,
    status: overallStatus(outcomes),
    compile: compile?.report ?? null,
    run: null,
    message: '',
    timedOut: false,
    truncated: compile?.truncated ?? false,
    diagnostics: compile ? (c.language.parseDiagnostics?.(compile.report.output) ?? []) : [],
    queueMs: Math.round(queueMs + compiled.queueMs),
    latencyMs: Math.round(performance.now() - c.receivedAt),
    tests: outcomes,
  };
}

/** `ok` when every test ran fine (and passed), else the first other status. */
function overallStatus(outcomes: TestOutcome[]): ExecutionStatus {
  return outcomes.find((o) => o.status !== 'ok')?.status ?? 'ok';
}

function judgeTest(c: TestsContext, run: SandboxRun, test: TestCase): TestOutcome {
  const r = buildResult({
    language: c.language,
    limits: c.limits,
    warm: null,
    warmSpentMs: 0,
    sandbox: run,
    queueMs: 0,
    latencyMs: 0,
  });
  const expected = test.expectedOutput;
  const passed = expected === undefined ? null : r.status === 'ok' && outputMatches(r.run?.stdout ?? '', expected);
  return {
    status: r.status === 'ok' && passed === false ? 'wrong_answer' : r.status,
    run: r.run,
    message: r.message,
    timedOut: r.timedOut,
    truncated: r.truncated,
    passed,
  };
}

type Compiled =
  | { kind: 'answer'; result: ExecutionResult }
  | { kind: 'ready'; compile: CompileStage | null; files: Record<string, JobFile>; queueMs: number };

/** The one compile: what every test's sandbox gets, or the answer when the compile failed. */
async function compileOnce(c: TestsContext): Promise<Compiled> {
  if (!c.compile) return { kind: 'ready', compile: null, files: c.files, queueMs: 0 };
  const answer = (warm: CompileStage | null, sandbox: SandboxRun | null, queueMs: number, warmSpentMs = 0) => {
    const result = buildResult({
      language: c.language,
      limits: c.compileLimits,
      warm,
      warmSpentMs,
      sandbox,
      queueMs,
      latencyMs: performance.now() - c.receivedAt,
    });
    if (result.compile) c.progress.compileFinished(result.compile);
    return { kind: 'answer' as const, result: { ...result, tests: [] } };
  };

  const warm = await c.warmStage();
  if (warm?.kind === 'compiled') {
    if (warm.stage.failed) return answer(warm.stage, null, 0);
    return { kind: 'ready', compile: warm.stage, files: { ...c.files, ...warm.files }, queueMs: 0 };
  }
  const warmSpentMs = warm?.spentMs ?? 0;
  const compileTimeoutMs = c.compileLimits.compileTimeoutMs - warmSpentMs;
  if (compileTimeoutMs <= 0) return answer(compileLimitSpent(c.compileLimits), null, 0);

  c.progress.compileStarted();
  const apart = await compileApart({
    language: c.language,
    limits: { ...c.compileLimits, compileTimeoutMs },
    files: c.files,
    compile: c.compile,
    warmSpentMs,
    archiveLimitBytes: c.archiveLimitBytes,
    signal: c.signal,
    runFresh: c.runFresh,
  });
  if (apart.kind === 'failed') return answer(null, apart.run, apart.queueMs, warmSpentMs);
  c.progress.compileFinished(apart.stage.report);
  return { kind: 'ready', compile: apart.stage, files: apart.files, queueMs: apart.queueMs };
}
