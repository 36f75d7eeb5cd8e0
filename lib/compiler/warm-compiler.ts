// Warm compilers: long-lived, hardened containers that keep a language's compiler loaded (mcs in one
// mono process, the TypeScript compiler API in one node, javac in one JVM), so a compile costs tens
// of milliseconds instead of a fresh compiler process per request. One protocol for all of them
// (docs/compiler-protocol.md): the source files in, the exit code, messages and artifacts out.
// Each compiler serves one request at a time, from a pool; a compile that runs past its limit, or
// a compiler that dies, takes down only that compiler (destroyed and replaced), never another request.

import type { Attached, Engine } from '../engine/engine';
import { TIMED_OUT, withTimeout } from '../util/timeout';
import { brandedError } from '../util/branded-error';
import { compilerCreateOptions, type SandboxLimits, type SandboxOwner } from '../engine/sandbox-spec';
import { PoolQueueFullError, PoolTimeoutError, PoolUnavailableError } from '../pool/errors';
import { ContainerPool } from '../pool/container-pool';
import type { PoolOptions } from '../pool/pool';
import { encodeRequest, ResponseReader, type CompileResponse, type SourceFile } from './protocol';

/** The compiler process ended or spoke nonsense in the middle of a compile. */
export class CompilerCrashedError extends brandedError('CompilerCrashedError') {}

class WarmCompiler {
  compiles = 0;
  private pending: { resolve: (r: CompileResponse) => void; reject: (e: Error) => void } | null = null;
  private dead: Error | null = null;
  private stderrTail = '';
  private attached!: Attached;

  constructor(
    readonly id: string,
    private readonly engine: Engine,
    private readonly onDeath: (c: WarmCompiler) => void,
  ) {}

  get isDead(): boolean {
    return this.dead !== null;
  }

  async connect(): Promise<void> {
    const reader = new ResponseReader((r) => {
      const p = this.pending;
      this.pending = null;
      if (p) p.resolve(r);
      else this.fail(new CompilerCrashedError('the compiler answered a request nobody made'));
    });
    this.attached = await this.engine.attach(this.id, (stream, payload) => {
      if (stream === 'stderr') {
        this.stderrTail = (this.stderrTail + payload.toString('utf8')).slice(-2000);
        return;
      }
      try {
        reader.push(payload);
      } catch (e) {
        this.fail(e as Error);
      }
    });
    this.attached.ended.then(() =>
      this.fail(new CompilerCrashedError(`the compiler exited ${this.stderrTail.trim()}`.trim())),
    );
  }

  compile(files: SourceFile[]): Promise<CompileResponse> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.pending) return Promise.reject(new Error('compiler is busy'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.attached.write(encodeRequest(files));
    });
  }

  close(): void {
    this.attached?.destroy();
  }

  private fail(e: Error): void {
    if (this.dead) return;
    this.dead = e instanceof CompilerCrashedError ? e : new CompilerCrashedError(e.message);
    const p = this.pending;
    this.pending = null;
    p?.reject(this.dead);
    this.onDeath(this);
  }
}

export interface CompilerPoolOptions extends PoolOptions {
  language: string;
  image: string;
  cmd: string[];
  limits: SandboxLimits;
  /** The seccomp profile each new compiler gets (the runtime settles which one after it is built). */
  seccomp: () => string | undefined;
  owner: SandboxOwner;
  /** A compiler is replaced after this many compiles, so no state builds up in it for long. */
  recycleAfter: number;
  /** Compiled at start (`warmups` times), so the first real request finds the compiler JIT-warm. */
  warmupFiles: SourceFile[];
  warmups: number;
}

export type CompileOutcome =
  | { kind: 'compiled'; response: CompileResponse; ms: number }
  /** The compile took the warm limit: that compiler was replaced. */
  | { kind: 'timeout' }
  /** No warm compiler became free within the wait (or none can be made now). */
  | { kind: 'busy'; reason: string }
  | { kind: 'aborted' };

export interface CompileOptions {
  /** How long the warm compiler may spend on it. */
  timeoutMs: number;
  /** How long to wait for a free compiler. */
  waitMs: number;
  client?: string;
  signal?: AbortSignal;
}

const WARMUP_TIMEOUT_MS = 60_000;

/** A warm compiler's container goes with its connection. */
function removeCompiler(engine: Engine) {
  return async (c: WarmCompiler) => {
    c.close();
    await engine.remove(c.id);
  };
}

export class CompilerPool extends ContainerPool<WarmCompiler> {
  private readonly opts: CompilerPoolOptions;

  constructor(engine: Engine, opts: CompilerPoolOptions) {
    const destroy = removeCompiler(engine);
    super(
      {
        create: async () => {
          const id = await engine.createAndStart(
            compilerCreateOptions(
              opts.image,
              opts.language,
              opts.cmd,
              { ...opts.limits, seccompJson: opts.seccomp() },
              opts.owner,
            ),
          );
          const c = new WarmCompiler(id, engine, (dead) => {
            // Killed or removed from outside while idle: replace it now, not at the next request.
            if (this.pool.idleResources().includes(dead)) void this.pool.destroy(dead);
          });
          // Its warm-up may take longer than the orphan check's minimum age: it is ours meanwhile.
          this.preparing.add(id);
          try {
            await c.connect();
            const deadline = performance.now() + WARMUP_TIMEOUT_MS;
            for (let i = 0; i < Math.max(1, opts.warmups); i++) {
              const warm = await withTimeout(c.compile(opts.warmupFiles), deadline - performance.now());
              if (warm === TIMED_OUT || warm.exitCode !== 0) {
                throw new Error(`compiler warm-up failed: ${warm === TIMED_OUT ? 'timed out' : warm.messages}`);
              }
            }
          } catch (e) {
            await destroy(c).catch(() => {});
            throw e;
          } finally {
            this.preparing.delete(id);
          }
          return c;
        },
        destroy,
      },
      { resourceName: 'compiler', ...opts },
    );
    this.opts = opts;
  }

  /**
   * Compiles on a free warm compiler, waiting for one at most `waitMs`: past that the caller compiles
   * elsewhere, so slow compiles that hold every warm compiler never stall anyone else. A client that
   * goes away stops waiting at once; the compile itself still ends (or times out) on its own, and only
   * then is the compiler reused or replaced.
   */
  async compile(files: SourceFile[], { timeoutMs, waitMs, client, signal }: CompileOptions): Promise<CompileOutcome> {
    const take = async () => {
      try {
        return await this.pool.acquire({ signal, client, timeoutMs: waitMs });
      } catch (e) {
        if (e instanceof PoolTimeoutError || e instanceof PoolQueueFullError || e instanceof PoolUnavailableError)
          return e;
        throw e;
      }
    };
    let c = await take();
    for (let i = 0; !(c instanceof Error) && c.isDead && i < 3; i++) {
      void this.pool.destroy(c);
      c = await take();
    }
    if (c instanceof Error) return { kind: 'busy', reason: c.message };
    const compiler = c;
    const t0 = performance.now();
    const work = withTimeout(compiler.compile(files), timeoutMs).then(
      (r) => {
        if (r === TIMED_OUT) {
          // The compile may never end: the whole compiler goes, and a fresh one takes its place.
          void this.pool.destroy(compiler);
          return { kind: 'timeout' } as CompileOutcome;
        }
        compiler.compiles++;
        if (compiler.compiles >= this.opts.recycleAfter) void this.pool.destroy(compiler);
        else this.pool.release(compiler);
        return { kind: 'compiled', response: r, ms: Math.round(performance.now() - t0) } as CompileOutcome;
      },
      (e) => {
        void this.pool.destroy(compiler);
        throw e;
      },
    );
    if (!signal) return work;
    work.catch(() => {}); // an abandoned compile's failure is handled above; nobody else waits for it
    return new Promise<CompileOutcome>((resolve, reject) => {
      const onAbort = () => resolve({ kind: 'aborted' });
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }
}
