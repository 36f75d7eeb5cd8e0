// The execution core (lib/core/executor.ts) built whole on the fake engine, as lib/server/runtime.ts
// builds it on Docker: a sandbox pool per language, warm compilers for C#, the compile cache, the
// client gate, images, metrics, a silent logger. The sandbox agent and the warm compiler are scripted
// per test; every job a sandbox receives and every compile a warm compiler is asked for is recorded.
// Drive it with vi.useFakeTimers().

import pino from 'pino';
import { afterEach, beforeEach, vi } from 'vitest';
import { CompileCache, type SharedCompileCache } from '@/lib/compiler/compile-cache';
import { CompilerPool, type CompilerPoolOptions } from '@/lib/compiler/warm-compiler';
import { loadConfig, type Config } from '@/lib/config/config';
import type { ExecutionEvent } from '@/lib/core/events';
import { Executor, type ExecuteOptions } from '@/lib/core/executor';
import { Images } from '@/lib/core/images';
import { imageFor } from '@/lib/core/languages';
import type { ExecutionRequest } from '@/lib/core/request';
import type { ExecutionResult } from '@/lib/core/result';
import { Metrics } from '@/lib/observability/metrics';
import { ClientGate } from '@/lib/pool/client-gate';
import { SandboxPool, type SandboxPoolOptions } from '@/lib/pool/sandbox-pool';
import { frame } from './agent-frames';
import {
  compilerPoolOptions,
  FakeEngine,
  fakeAgent,
  fakeCompiler,
  sandboxPoolOptions,
  type Agent,
  type CompilerReply,
  type DecodedJob,
  type Proc,
} from './fake-engine';

export const WARMUP_SOURCE = 'class Warm {}';
const PREFIX = 'webcompile/';

/** What a sandbox's agent does with the job it read; `p` is its container's main process. */
export type AgentScript = (a: Agent, p: Proc) => void;

/** Starts the run, prints `stdout` after `ms`, exits 0 (compiling first when the job says so). */
export const printAndExit =
  (stdout: string, ms = 10): AgentScript =>
  (a) =>
    a.after(ms, () => {
      a.started();
      if (a.job.compile) a.compiled();
      a.stdout(stdout);
      a.finish();
    });

/** Starts the run (and its compile), prints `stdout` once, then never finishes. */
export const printAndHang =
  (stdout = ''): AgentScript =>
  (a) =>
    a.after(0, () => {
      a.started();
      if (a.job.compile) a.compiled();
      if (stdout) a.stdout(stdout);
    });

/** Sends raw bytes as one program stdout ("o") or stderr ("e") frame, e.g. half a character. */
export function sendBytes(p: Proc, type: 'o' | 'e', bytes: Buffer): void {
  p.stdout(frame(type, bytes));
}

export interface CoreOptions {
  /** The agent of every sandbox (default: prints "hello\n" after 10 ms). */
  agent?: AgentScript;
  /** How the warm compilers answer each compile but the warm-up (default: exit 0 after 5 ms). */
  compiler?: (source: string) => CompilerReply;
  config?: Partial<Config>;
  /** Options of every sandbox pool. */
  pool?: Partial<SandboxPoolOptions>;
  compilers?: Partial<CompilerPoolOptions>;
  /** The languages with a sandbox pool; csharp also gets warm compilers. */
  languages?: string[];
  /** The compile cache's shared tier (none by default). */
  shared?: SharedCompileCache;
}

export interface Submitted {
  promise: Promise<ExecutionResult>;
  events: ExecutionEvent[];
  /** Filled when the promise settles (a handler is attached at once: no unhandled rejection). */
  outcome: { settled: boolean; result?: ExecutionResult; error?: unknown };
}

export function makeCore(o: CoreOptions = {}) {
  const config: Config = { ...loadConfig({}), ...o.config };
  const jobs: { id: string; job: DecodedJob }[] = [];
  const compiles: { id: string; source: string }[] = [];
  const agent = o.agent ?? printAndExit('hello\n');
  const engine = new FakeEngine({
    sandbox: (p) =>
      fakeAgent((a) => {
        jobs.push({ id: p.container.id, job: a.job });
        agent(a, p);
      })(p),
    compiler: fakeCompiler((source, at) => {
      if (source === WARMUP_SOURCE) return { afterMs: 5 };
      compiles.push({ id: at.id, source });
      return o.compiler?.(source) ?? { afterMs: 5 };
    }),
  });
  const languages = o.languages ?? ['python', 'c', 'csharp'];
  const pools = new Map<string, SandboxPool>();
  const compilers = new Map<string, CompilerPool>();
  for (const language of languages) {
    const common = { language, image: imageFor(PREFIX, language), maxQueue: config.maxQueue, retryInitialMs: 100 };
    pools.set(
      language,
      new SandboxPool(
        engine,
        sandboxPoolOptions({ ...common, acquireTimeoutMs: config.acquireTimeoutMs, size: 2, ...o.pool }),
      ),
    );
    if (language === 'csharp') {
      compilers.set(language, new CompilerPool(engine, compilerPoolOptions({ ...common, ...o.compilers })));
    }
  }
  const compileCache = new CompileCache(config.compileCacheMb * 1024 * 1024);
  const clientGate = new ClientGate({ perClient: config.clientMaxInFlight, maxWaiting: config.maxQueue });
  const metrics = new Metrics(() => ({ size: 0, idle: 0, busy: 0, starting: 0, waiting: 0 }));
  const executor = new Executor({
    config,
    engine,
    pools,
    compilers,
    compileCache,
    sharedCompileCache: o.shared ?? null,
    clientGate,
    images: new Images(engine, PREFIX),
    metrics,
    logger: pino({ level: 'silent' }),
  });

  /** Starts every pool and lets them fill (warm compilers warm up in 5 ms). */
  const start = async () => {
    for (const p of [...pools.values(), ...compilers.values()]) p.start();
    await vi.advanceTimersByTimeAsync(5);
  };

  const submit = (req: ExecutionRequest, opts: ExecuteOptions = {}): Submitted => {
    const events: ExecutionEvent[] = [];
    const outcome: Submitted['outcome'] = { settled: false };
    const promise = executor.execute(req, {
      ...opts,
      onEvent: (e) => {
        events.push(e);
        opts.onEvent?.(e);
      },
    });
    promise.then(
      (result) => Object.assign(outcome, { settled: true, result }),
      (error: unknown) => Object.assign(outcome, { settled: true, error }),
    );
    return { promise, events, outcome };
  };

  /** A request of client-a (unless `over` says otherwise), with the config's run time limit. */
  const request = (
    language: string,
    content = 'program',
    over: Partial<Omit<ExecutionRequest, 'language'>> = {},
  ): ExecutionRequest => ({
    language,
    files: [{ content }],
    stdin: '',
    limits: { timeoutMs: config.timeoutMs },
    client: 'client-a',
    ...over,
  });

  /** Sandboxes of every pool (idle, busy, being removed). */
  const heldSandboxes = () => [...pools.values()].flatMap((p) => p.heldIds());

  return {
    config,
    engine,
    executor,
    pools,
    compilers,
    compileCache,
    clientGate,
    metrics,
    jobs,
    compiles,
    start,
    submit,
    request,
    heldSandboxes,
  };
}

export type Core = ReturnType<typeof makeCore>;

/** Starts the pools, submits `req` and lets `ms` pass. */
export async function startAndRun(core: Core, req: ExecutionRequest, ms = 100): Promise<Submitted> {
  await core.start();
  const s = core.submit(req);
  await vi.advanceTimersByTimeAsync(ms);
  return s;
}

/** Submits `req` with a signal that aborts `afterMs` later (then lets the abort be handled). */
export async function submitAborted(core: Core, req: ExecutionRequest, afterMs: number): Promise<Submitted> {
  const ac = new AbortController();
  const s = core.submit(req, { signal: ac.signal });
  await vi.advanceTimersByTimeAsync(afterMs);
  ac.abort();
  await vi.advanceTimersByTimeAsync(0);
  return s;
}

/** The events of a compiled program that runs and prints once. */
export const COMPILED_RUN = ['queued', 'compile_started', 'compile_finished', 'run_started', 'stdout', 'exited'];

export const eventTypes = (events: ExecutionEvent[]) => events.map((e) => e.type);

/** The text of every chunk of one stream, in order. */
export function chunks(events: ExecutionEvent[], stream: 'stdout' | 'stderr'): string[] {
  return events.flatMap((e) => (e.type === stream ? [e.chunk] : []));
}

/** Fake timers for each test of the file, real ones after. */
export function useFakeTimers(): void {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
