// What the core says while a job runs, in order: queued, (compile_started, compile_finished), run_started,
// stdout / stderr chunks as they arrive, exited. The synchronous front door only waits for `exited`;
// a streaming one forwards each event as it comes.

import type { Diagnostic } from '../contract/diagnostic';
import type { ExecutionResult, TestOutcome } from './result';

export type ExecutionEvent =
  | { type: 'queued' }
  | { type: 'compile_started' }
  | {
      type: 'compile_finished';
      exitCode: number | null;
      ms: number | null;
      cached: boolean;
      diagnostics: Diagnostic[];
      /** What the compiler printed (stdout and stderr in one, capped like program output). */
      output: string;
    }
  | { type: 'run_started'; queueMs: number }
  /** Program output within the cap, decoded as UTF-8 (a character cut between chunks waits for its rest). */
  | { type: 'stdout'; chunk: string }
  | { type: 'stderr'; chunk: string }
  /** A request with tests: one of them has ended (they may end in any order). */
  | { type: 'test_finished'; index: number; outcome: TestOutcome }
  | { type: 'exited'; result: ExecutionResult };

export type EventListener = (event: ExecutionEvent) => void;
