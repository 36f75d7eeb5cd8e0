// The execution core: one entry point, execute(request, { signal, onEvent }), that takes a turn for
// the client, compiles (on a warm compiler where the language has them, else in the sandbox), runs
// the program in a fresh sandbox and answers with an ExecutionResult, or rejects with an
// ExecutionError carrying a reason. No HTTP here: the front doors in lib/http translate.
//
// A client has at most WEBCOMPILE_CLIENT_MAX_IN_FLIGHT requests going at once (the rest wait their
// turn, within the acquire timeout, which the wait for a sandbox shares). The sandbox is destroyed
// afterwards whatever happened, and the pool starts a fresh one off the response path.

import type { Diagnostic } from '../contract/diagnostic';
import type { CompileCache, SharedCompileCache } from '../compiler/compile-cache';
import type { CompilerPool } from '../compiler/warm-compiler';
import { warmCompileTimeoutFor, type Config } from '../config/config';
import { ContainerGoneError } from '../engine/engine';
import type { Engine } from '../engine/engine';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { ClientGate } from '../pool/client-gate';
import type { SandboxPool } from '../pool/sandbox-pool';
import { errorMessage } from '../util/error-message';
import { AgentProtocolError, type JobFile } from './agent-protocol';
import { checkCompileOptions } from './compile-options';
import { ExecutionError } from './errors';
import type { EventListener, ExecutionEvent } from './events';
import type { LiveInput } from './live-input';
import type { Images } from './images';
import { commandsFor, LANGUAGES, limitsFor, type Language } from './languages';
import { ENGINE_UNAVAILABLE, fromPoolError, isEngineFailure } from './pool-errors';
import type { ExecutionRequest, TestCase } from './request';
import { reportedExitCode, type CompileReport, type ExecutionResult } from './result';
import { buildResult, compileLimitSpent, type CompileStage } from './result-builder';
import { runInSandbox, type RunLimits, type SandboxHooks, type SandboxJob, type SandboxRun } from './sandbox-run';
import { compileApart } from './compile-apart';
import { runTestCases } from './test-cases';
import { StreamDecoder } from './text';
import { warmCompile } from './warm-compile';

/** A sandbox found dead before the program ran is replaced, this many times. */
const GONE_RETRIES = 2;

export interface ExecutorDeps {
  config: Config;
  engine: Engine;
  pools: ReadonlyMap<string, SandboxPool>;
  compilers: ReadonlyMap<string, CompilerPool>;
  compileCache: CompileCache;
  /** The compile cache's tier shared by the instances (Redis), behind compileCache. */
  sharedCompileCache?: SharedCompileCache | null;
  clientGate: ClientGate;
  images: Images;
  metrics: Metrics;
  logger: Logger;
}

export interface ExecuteOptions {
  /** Aborts when the client goes away. */
  signal?: AbortSignal;
  onEvent?: EventListener;
  /** An interactive run: the program's stdin, as the user types it (the request's stdin is ignored). */
  input?: LiveInput;
  /** The output is watched as it comes: the program's stdout is line-buffered where the runtime allows. */
  live?: boolean;
  /** When the request arrived (performance.now()), for the latency; now by default. */
  receivedAt?: number;
}

/** The sources of a job's program, with the commands that build and run them. */
function programOf(job: Job) {
  const sources = job.req.files.map((f) => ({ path: f.name ?? job.language.sourceFile, content: f.content }));
  const commands = commandsFor(
    job.language,
    sources.map((f) => f.path),
  );
  const options = job.req.compileOptions ?? [];
  // Last on the line: a later -O or -std wins over the language's own.
  if (commands.compile && options.length > 0) commands.compile = [...commands.compile, ...options];
  return { sources, commands };
}

/** One request on its way through the core. */
interface Job {
  req: ExecutionRequest;
  language: Language;
  /** The run's limits (its memory the request's, when it names one). */
  limits: RunLimits;
  /** A compile's in the sandbox: the sandbox's own memory, whatever the run gets. */
  compileLimits: RunLimits;
  opts: ExecuteOptions;
  receivedAt: number;
  emit: (e: ExecutionEvent) => void;
}

export class Executor {
  private closing = false;
  private running = 0;

  constructor(private readonly d: ExecutorDeps) {}

  /** Requests inside execute() right now. */
  get inFlight(): number {
    return this.running;
  }

  get shuttingDown(): boolean {
    return this.closing;
  }

  /** Takes no more work: later requests are refused with shutting_down. */
  close(): void {
    this.closing = true;
  }

  /** The languages requests may name. */
  enabledLanguages(): string[] {
    return [...this.d.pools.keys()];
  }

  async execute(req: ExecutionRequest, opts: ExecuteOptions = {}): Promise<ExecutionResult> {
    const receivedAt = opts.receivedAt ?? performance.now();
    const pool = this.d.pools.get(req.language);
    if (!pool) {
      const known = this.enabledLanguages();
      throw new ExecutionError('unknown_language', `unknown language "${req.language}"; known: ${known.join(', ')}`, {
        details: { languages: known },
      });
    }
    if (this.closing) throw new ExecutionError('shutting_down', 'the service is shutting down');
    if (req.files.length === 0) throw new ExecutionError('invalid_request', 'a program needs at least one file');
    if (req.compileOptions?.length) {
      const checked = checkCompileOptions(req.language, req.compileOptions);
      if (checked.problem !== null) throw new ExecutionError('invalid_request', checked.problem);
    }
    if (req.files.length > 1 && req.files.some((f) => f.name === undefined)) {
      throw new ExecutionError('invalid_request', 'every file of a program of several files needs a name');
    }
    const language = LANGUAGES[req.language];
    const sandboxLimits = {
      ...limitsFor(this.d.config, language),
      ...(req.limits.compileTimeoutMs ? { compileTimeoutMs: req.limits.compileTimeoutMs } : {}),
    };
    const job: Job = {
      req,
      language,
      limits: {
        ...sandboxLimits,
        timeoutMs: req.limits.timeoutMs,
        idleMs: req.limits.idleMs,
        ...(req.limits.memoryMb ? { memoryMb: req.limits.memoryMb } : {}),
      },
      compileLimits: sandboxLimits,
      opts,
      receivedAt,
      emit: (e) => {
        try {
          opts.onEvent?.(e);
        } catch (err) {
          // A listener's failure must not change the run.
          this.d.logger.warn({ event: 'listener_failed', error: errorMessage(err) });
        }
      },
    };
    this.running++;
    try {
      job.emit({ type: 'queued' });
      // The wait for this client's turn and the wait for a sandbox share one acquire timeout
      // (compiling in between is not waiting).
      const t0 = performance.now();
      const leave = await this.d.clientGate
        .enter(req.client, { timeoutMs: this.d.config.acquireTimeoutMs, signal: opts.signal })
        .catch((e) => {
          throw fromPoolError(e);
        });
      try {
        const waitLeft = Math.max(1, Math.round(this.d.config.acquireTimeoutMs - (performance.now() - t0)));
        const result = await this.inTurn(job, pool, waitLeft);
        this.record(job, result);
        job.emit({ type: 'exited', result });
        return result;
      } finally {
        leave();
      }
    } finally {
      this.running--;
    }
  }

  private async inTurn(job: Job, pool: SandboxPool, waitLeft: number): Promise<ExecutionResult> {
    if (job.req.tests) return this.testsInTurn(job, pool, waitLeft, job.req.tests);
    const { language, limits, req } = job;
    const { sources, commands } = programOf(job);
    // The arguments are the run's alone: the compile (and its cache key) never sees them.
    const run = [...commands.run, ...(req.args ?? [])];
    const progress = new Progress(job, (output) => this.diagnostics(language, output));
    const finish = (warm: CompileStage | null, sandbox: SandboxRun | null, queueMs: number, warmSpentMs = 0) =>
      progress.settle(
        buildResult({
          language,
          limits,
          warm,
          warmSpentMs,
          sandbox,
          queueMs,
          latencyMs: performance.now() - job.receivedAt,
        }),
      );

    // 1. Compile on a warm compiler (or take it from the cache), when the language has one.
    let sandboxJob: SandboxJob = {
      files: Object.fromEntries(sources.map((f) => [f.path, f.content])),
      compile: commands.compile,
      run: job.opts.live && language.lineBufferedEnv ? ['env', ...language.lineBufferedEnv, ...run] : run,
      stdin: req.stdin,
      input: job.opts.input,
      limits,
      signal: job.opts.signal,
    };
    let warm: CompileStage | null = null;
    let warmSpentMs = 0;
    const outcome = await this.warmStage(job, progress, sources);
    if (outcome?.kind === 'fallback') {
      // The sandbox compiles, within what is left of the compile limit.
      warmSpentMs = outcome.spentMs;
      const rest = limits.compileTimeoutMs - warmSpentMs;
      if (rest <= 0) return finish(compileLimitSpent(limits), null, 0);
      sandboxJob = { ...sandboxJob, limits: { ...limits, compileTimeoutMs: rest } };
    } else if (outcome) {
      warm = outcome.stage;
      if (warm.failed) return finish(warm, null, 0);
      // The sources stay beside what was made of them, as when the sandbox compiles.
      sandboxJob = { ...sandboxJob, files: { ...sandboxJob.files, ...outcome.files }, compile: undefined };
    }
    if (sandboxJob.compile && req.limits.memoryMb) {
      // The run's memory limit is set on its sandbox, which the compiler must not be held to.
      progress.compileStarted();
      const apart = await compileApart({
        language,
        limits: { ...job.compileLimits, compileTimeoutMs: sandboxJob.limits.compileTimeoutMs },
        files: sandboxJob.files,
        compile: sandboxJob.compile,
        warmSpentMs,
        archiveLimitBytes: this.archiveLimitBytes(),
        signal: job.opts.signal,
        runFresh: (j, started) => this.runFresh(job, pool, j, waitLeft, started),
      });
      if (apart.kind === 'failed') return finish(null, apart.run, apart.queueMs, warmSpentMs);
      warm = apart.stage;
      progress.compileFinished(warm.report);
      sandboxJob = { ...sandboxJob, files: apart.files, compile: undefined };
    }

    // 2. Run (and compile, without a warm compile) in a fresh sandbox. QueueMS is the wait for it.
    let hooks: ReturnType<Progress['sandboxHooks']> | undefined;
    const { run: ran, queueMs } = await this.runFresh(job, pool, sandboxJob, waitLeft, (queueMs) => {
      if (sandboxJob.compile) progress.compileStarted();
      else progress.runStarted(queueMs);
      hooks = progress.sandboxHooks(warmSpentMs, queueMs);
      return hooks;
    });
    hooks?.flush?.();
    return finish(warm, ran, queueMs, warmSpentMs);
  }

  /** A request with tests (lib/core/test-cases.ts): compiled once, each test in a sandbox of its own. */
  private testsInTurn(job: Job, pool: SandboxPool, waitLeft: number, tests: TestCase[]): Promise<ExecutionResult> {
    const { sources, commands } = programOf(job);
    const progress = new Progress(job, (output) => this.diagnostics(job.language, output));
    return runTestCases({
      language: job.language,
      limits: job.limits,
      compileLimits: job.compileLimits,
      tests,
      files: Object.fromEntries(sources.map((f) => [f.path, f.content])),
      compile: commands.compile,
      run: commands.run,
      stdin: job.req.stdin,
      args: job.req.args ?? [],
      signal: job.opts.signal,
      parallelism: this.d.config.testParallelism,
      archiveLimitBytes: this.archiveLimitBytes(),
      receivedAt: job.receivedAt,
      warmStage: () => this.warmStage(job, progress, sources),
      runFresh: (sandboxJob, started) => this.runFresh(job, pool, sandboxJob, waitLeft, started),
      progress: {
        compileStarted: () => progress.compileStarted(),
        compileFinished: (report) => progress.compileFinished(report),
        runStarted: (queueMs) => progress.runStarted(queueMs),
        testFinished: (index, outcome) => job.emit({ type: 'test_finished', index, outcome }),
      },
    });
  }

  /** A tar archive of /work: its files, and a header of 512 bytes (and padding) each. */
  private archiveLimitBytes(): number {
    return this.d.config.workTmpfsMb * 1024 * 1024 + 1024 * 1024;
  }

  /**
   * The warm compile of a language that has warm compilers (null for one that has none): compiled
   * (its artifacts as job files), failed, or the sandbox is to compile instead.
   */
  private async warmStage(
    job: Job,
    progress: Progress,
    sources: { path: string; content: string | Buffer }[],
  ): Promise<
    | { kind: 'compiled'; stage: CompileStage; files: Record<string, JobFile> }
    | { kind: 'fallback'; spentMs: number }
    | null
  > {
    const { language, limits, req } = job;
    const compilers = this.d.compilers.get(language.id);
    if (!language.warm || !compilers) return null;
    progress.compileStarted();
    const image = await this.d.images.info(language.id);
    const timeoutMs = Math.min(warmCompileTimeoutFor(this.d.config, language.id), limits.compileTimeoutMs);
    const outcome = await warmCompile(
      {
        compilers,
        cache: this.d.compileCache,
        shared: this.d.sharedCompileCache,
        metrics: this.d.metrics,
        logger: this.d.logger,
      },
      {
        language,
        files: sources,
        imageId: image?.id ?? '',
        timeoutMs,
        waitMs: this.d.config.compilerWaitMs,
        outputLimitBytes: limits.outputLimitBytes,
        client: req.client,
        signal: job.opts.signal,
      },
    );
    if (outcome.kind === 'fallback') return outcome;
    this.d.metrics.compiled(outcome.stage.report.cached ? 'cached' : 'warm');
    progress.compileFinished(outcome.stage.report);
    const files = outcome.artifacts.map((a) => [a.path, { content: a.content, mode: a.mode }]);
    return { kind: 'compiled', stage: outcome.stage, files: Object.fromEntries(files) };
  }

  /**
   * Runs a job in a fresh sandbox: one found dead before the program ran is replaced (twice at most),
   * an engine failure is refused. `started` is told the wait once a sandbox is taken and gives the hooks.
   */
  private async runFresh(
    job: Job,
    pool: SandboxPool,
    sandboxJob: SandboxJob,
    waitLeft: number,
    started: (queueMs: number) => SandboxHooks,
  ): Promise<{ run: SandboxRun; queueMs: number }> {
    let queueMs = 0;
    for (let attempt = 0; ; attempt++) {
      const t0 = performance.now();
      const sandbox = await pool
        .acquire({
          signal: sandboxJob.signal,
          client: job.req.client,
          timeoutMs: waitLeft,
          promisedMs: this.d.config.acquireTimeoutMs,
        })
        .catch((e) => {
          throw fromPoolError(e);
        });
      queueMs += performance.now() - t0;
      try {
        // A run with a memory limit of its own; a compile keeps the sandbox's (it never has one here).
        const memoryMb = job.req.limits.memoryMb;
        if (memoryMb && !sandboxJob.compile) await this.d.engine.setMemoryLimit(sandbox.id, memoryMb);
        const run = await runInSandbox(this.d.engine, sandbox.id, sandboxJob, started(queueMs));
        if (sandboxJob.compile) this.d.metrics.compiled('sandbox');
        return { run, queueMs };
      } catch (e) {
        if (e instanceof ContainerGoneError && attempt < GONE_RETRIES) {
          this.d.logger.warn({ event: 'container_gone', id: sandbox.id, attempt });
          continue; // removed or killed from outside before the program ran: use another
        }
        this.d.metrics.engineError();
        if (isEngineFailure(e)) {
          this.d.logger.error({ event: 'engine_failed', error: errorMessage(e) });
          throw new ExecutionError('engine_unavailable', ENGINE_UNAVAILABLE, { cause: e });
        }
        this.d.logger.error({
          event: e instanceof AgentProtocolError ? 'agent_protocol_error' : 'run_failed',
          error: errorMessage(e),
        });
        throw new ExecutionError('sandbox_failed', 'the sandbox failed unexpectedly; try again', { cause: e });
      } finally {
        // Never reused, whatever happened: the next request gets a fresh container.
        void pool.destroy(sandbox);
      }
    }
  }

  private diagnostics(language: Language, output: string): Diagnostic[] {
    try {
      return language.parseDiagnostics?.(output) ?? [];
    } catch (e) {
      // A parser's bug must not turn a compile into a failed request.
      this.d.logger.warn({ event: 'diagnostics_failed', language: language.id, error: errorMessage(e) });
      return [];
    }
  }

  private record(job: Job, r: ExecutionResult): void {
    const m = this.d.metrics;
    m.answered(r.status);
    m.observe('queue', r.queueMs);
    m.observe('compile', r.compile?.cached ? null : (r.compile?.ms ?? null));
    for (const run of r.tests ? r.tests.map((t) => t.run) : [r.run]) m.observe('run', run?.ms ?? null);
    m.observe('total', r.latencyMs);
    const source = job.req.files[0].content;
    const codeBytes = job.req.files.reduce((sum, f) => sum + Buffer.byteLength(f.content), 0);
    this.d.logger.info({
      event: 'request',
      client: job.req.client,
      language: r.language,
      status: r.status,
      exitCode: reportedExitCode(r),
      latencyMs: r.latencyMs,
      queueMs: r.queueMs,
      compileMs: r.compile?.ms ?? null,
      compileCached: r.compile?.cached ?? false,
      runMs: r.run?.ms ?? null,
      cpuMs: r.run?.cpuTimeMs ?? null,
      memoryKb: r.run?.memoryKb ?? null,
      truncated: r.truncated,
      files: job.req.files.length,
      ...(r.tests ? { tests: r.tests.length, passed: r.tests.filter((t) => t.passed).length } : {}),
      codeBytes,
      ...(this.d.config.logSource ? { code: String(source), stdin: job.req.stdin, args: job.req.args } : {}),
    });
  }
}

/**
 * The events of one request, each at most once and in order, whichever path it takes: a sandbox
 * found dead and replaced is not seen, a compile that ended without its report (a time limit, the
 * OOM killer) still says it finished. Output is decoded only when someone listens.
 */
class Progress {
  private compiling = false;
  private compiled = false;
  private running = false;

  constructor(
    private readonly job: Job,
    private readonly diagnostics: (compilerOutput: string) => Diagnostic[],
  ) {}

  compileStarted(): void {
    if (this.compiling) return;
    this.compiling = true;
    this.job.emit({ type: 'compile_started' });
  }

  compileFinished(report: CompileReport): void {
    if (this.compiled) return;
    this.compiled = true;
    if (!this.job.opts.onEvent) return; // nobody listens: spare the diagnostics parse
    const { exitCode, ms, cached } = report;
    const { output } = report;
    this.job.emit({ type: 'compile_finished', exitCode, ms, cached, diagnostics: this.diagnostics(output), output });
  }

  runStarted(queueMs: number): void {
    if (this.running) return;
    this.running = true;
    this.job.emit({ type: 'run_started', queueMs: Math.round(queueMs) });
  }

  /** What the sandbox run reports as it goes, turned into events. */
  sandboxHooks(warmSpentMs: number, queueMs: number): SandboxHooks & { flush?: () => void } {
    const onCompiled = (stats: { exitCode: number }, output: string, ms: number) => {
      this.compileFinished({ output, exitCode: stats.exitCode, ms: ms + warmSpentMs, cached: false });
      if (stats.exitCode === 0) this.runStarted(queueMs);
    };
    if (!this.job.opts.onEvent) return { onCompiled };
    const decoders = { stdout: new StreamDecoder(), stderr: new StreamDecoder() };
    const emit = (stream: 'stdout' | 'stderr', chunk: string) => {
      if (chunk) this.job.emit({ type: stream, chunk });
    };
    return {
      onCompiled,
      onOutput: (stream, kept) => emit(stream, decoders[stream].push(kept)),
      // After the run: what the decoders still hold (a character cut at the end).
      flush: () => {
        emit('stdout', decoders.stdout.end());
        emit('stderr', decoders.stderr.end());
      },
    };
  }

  /** The answer: a compile that began and never reported says it finished, with what is known. */
  settle(result: ExecutionResult): ExecutionResult {
    if (this.compiling && !this.compiled && result.compile) this.compileFinished(result.compile);
    return result;
  }
}
