// Compiling on a warm compiler (or taking the compile from the cache) before the sandbox runs the
// result. A compiler that crashes or is killed mid-compile is our failure, not the program's: the
// compile is tried once more on another compiler, and after a second crash the request is refused
// (compiler_unavailable), never answered as a compile error. No free compiler soon, or a compile past
// the warm limit: the sandbox compiles instead.
//
// The cache has two tiers: this process's first, then (on a miss there) the one the instances
// share, whose hit is kept here too. A compile is put in both; the shared write is not waited for.

import { cacheKey, type CompileCache, type SharedCompileCache } from '../compiler/compile-cache';
import { DECLINED, type Artifact, type CompileResponse, type SourceFile } from '../compiler/protocol';
import { CompilerCrashedError, type CompilerPool } from '../compiler/warm-compiler';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { ExecutionError } from './errors';
import type { Language } from './languages';
import { fromPoolError } from './pool-errors';
import type { CompileStage } from './result-builder';
import { capText } from './text';

export type WarmOutcome =
  | { kind: 'compiled'; stage: CompileStage; artifacts: Artifact[] }
  /** Compile in the sandbox instead, with what is left of the compile limit. */
  | { kind: 'fallback'; spentMs: number };

export interface WarmDeps {
  compilers: CompilerPool;
  cache: CompileCache;
  /** The tier the instances share (Redis), when there is one. */
  shared?: SharedCompileCache | null;
  metrics: Metrics;
  logger: Logger;
}

export interface WarmRequest {
  language: Language;
  files: SourceFile[];
  /** The image id, part of the cache key. */
  imageId: string;
  timeoutMs: number;
  waitMs: number;
  outputLimitBytes: number;
  client: string;
  signal?: AbortSignal;
}

/** Tries after the first crash. */
const CRASH_RETRIES = 1;

export async function warmCompile(d: WarmDeps, r: WarmRequest): Promise<WarmOutcome> {
  const warm = r.language.warm!;
  const key = cacheKey([r.language.id, r.imageId, ...warm.cmd, ...r.files.flatMap((f) => [f.path, f.content])]);
  const hit = d.cache.get(key) ?? (await sharedHit(d, key));
  if (hit) return compiled(hit, 0, true, r.outputLimitBytes);
  // The warm limit covers every attempt together: a retry gets what the crashed one left.
  let spentMs = 0;
  for (let attempt = 0; ; attempt++) {
    const timeoutMs = r.timeoutMs - spentMs;
    if (timeoutMs <= 0) return { kind: 'fallback', spentMs };
    const t0 = performance.now();
    let outcome;
    try {
      outcome = await d.compilers.compile(r.files, {
        timeoutMs,
        waitMs: r.waitMs,
        client: r.client,
        signal: r.signal,
      });
    } catch (e) {
      if (!(e instanceof CompilerCrashedError)) throw fromPoolError(e);
      // A crashed attempt counts whole (its short wait for a compiler too): the retry is what is left.
      spentMs += Math.round(performance.now() - t0);
      d.metrics.engineError();
      d.logger.warn({ event: 'compiler_crashed', language: r.language.id, attempt, error: e.message });
      if (attempt < CRASH_RETRIES) continue;
      throw new ExecutionError(
        'compiler_unavailable',
        'the compiler failed while compiling this program; try again shortly',
        { cause: e },
      );
    }
    if (outcome.kind === 'aborted') throw new ExecutionError('client_gone', 'client closed the request');
    if (outcome.kind === 'busy' || outcome.kind === 'timeout') {
      d.metrics.warmFallback(outcome.kind);
      const reason = outcome.kind === 'busy' ? outcome.reason : 'warm compile limit';
      d.logger.info({ event: 'warm_compile_fallback', language: r.language.id, reason });
      // A wait that found no compiler is not compiling: only a compile that ran out adds its limit.
      return { kind: 'fallback', spentMs: outcome.kind === 'timeout' ? spentMs + timeoutMs : spentMs };
    }
    if (outcome.response.exitCode === DECLINED) {
      // The compiler failed on this program in a way only the command line words right: the sandbox's.
      d.metrics.warmFallback('declined');
      d.logger.info({ event: 'warm_compile_fallback', language: r.language.id, reason: 'declined' });
      return { kind: 'fallback', spentMs: spentMs + outcome.ms };
    }
    d.cache.set(key, outcome.response);
    if (d.shared) void d.shared.set(key, outcome.response).catch(() => {});
    return compiled(outcome.response, outcome.ms, false, r.outputLimitBytes);
  }
}

/** The shared tier's entry, also kept in this process's; a failure there is a miss. */
async function sharedHit(d: WarmDeps, key: string): Promise<CompileResponse | undefined> {
  if (!d.shared) return undefined;
  const hit = await d.shared.get(key).catch(() => undefined);
  if (hit) d.cache.set(key, hit);
  return hit;
}

function compiled(response: CompileResponse, ms: number, cached: boolean, limitBytes: number): WarmOutcome {
  // Its messages are capped as the sandbox caps a compiler's output.
  const capped = capText(response.messages, limitBytes);
  return {
    kind: 'compiled',
    artifacts: response.artifacts,
    stage: {
      report: { output: capped.text, exitCode: response.exitCode, ms, cached },
      timedOut: false,
      failed: response.exitCode !== 0,
      oom: false,
      truncated: capped.truncated,
    },
  };
}
