// A compile in a sandbox of its own, for a program whose runs are not to share its sandbox: the tests
// of a request (each runs in a fresh sandbox) and a run with a memory limit of its own (set on the
// run's sandbox, which the compiler must not be held to). The compile job's run step archives /work
// (`tar`, on stdout, within the size /work can hold); what the compile made goes to the runs' sandboxes.

import type { JobFile } from './agent-protocol';
import { ExecutionError } from './errors';
import type { Language } from './languages';
import { buildResult, type CompileStage } from './result-builder';
import type { RunLimits, SandboxHooks, SandboxJob, SandboxRun } from './sandbox-run';
import { readTarFiles, TarError } from '../util/tar-files';

/** The run step of the compile's sandbox: everything in /work, as a tar archive on stdout. */
export const ARCHIVE_WORK = ['tar', '-c', '-f', '-', '.'];
/** How long archiving what the compile made may take. */
const ARCHIVE_TIMEOUT_MS = 10_000;

export interface ApartCompile {
  language: Language;
  /** The sandbox's own limits (its memory is the compiler's); compileTimeoutMs is what is left of it. */
  limits: RunLimits;
  files: Record<string, JobFile>;
  compile: string[];
  /** Time a warm compiler spent before the sandbox took the compile over. */
  warmSpentMs: number;
  /** The largest archive of /work: the sandbox's /work cannot hold more. */
  archiveLimitBytes: number;
  signal?: AbortSignal;
  runFresh(job: SandboxJob, started: (queueMs: number) => SandboxHooks): Promise<{ run: SandboxRun; queueMs: number }>;
}

export type ApartOutcome =
  /** It failed, passed its limit, or the client left: the sandbox run says how (buildResult). */
  | { kind: 'failed'; run: SandboxRun; queueMs: number }
  | { kind: 'compiled'; stage: CompileStage; files: Record<string, JobFile>; queueMs: number };

export async function compileApart(c: ApartCompile): Promise<ApartOutcome> {
  const { run, queueMs } = await c.runFresh(
    {
      files: c.files,
      compile: c.compile,
      run: ARCHIVE_WORK,
      stdin: '',
      limits: { ...c.limits, timeoutMs: ARCHIVE_TIMEOUT_MS, outputLimitBytes: c.archiveLimitBytes },
      signal: c.signal,
    },
    () => ({}),
  );
  const r = buildResult({
    language: c.language,
    limits: c.limits,
    warm: null,
    warmSpentMs: c.warmSpentMs,
    sandbox: run,
    queueMs,
    latencyMs: 0,
  });
  if (!r.run || r.status === 'cancelled') return { kind: 'failed', run, queueMs };
  if (r.status !== 'ok' || run.agent.truncated) {
    throw new ExecutionError('sandbox_failed', 'what the compile made could not be taken from its sandbox; try again');
  }
  let made: [string, JobFile][];
  try {
    made = readTarFiles(run.agent.stdout).map((f) => [f.path, { content: f.content, mode: f.mode }]);
  } catch (e) {
    if (e instanceof TarError) {
      throw new ExecutionError('sandbox_failed', 'what the compile made was unreadable', { cause: e });
    }
    throw e;
  }
  const stage: CompileStage = { report: r.compile!, timedOut: false, failed: false, oom: false, truncated: false };
  return { kind: 'compiled', stage, files: { ...c.files, ...Object.fromEntries(made) }, queueMs };
}
