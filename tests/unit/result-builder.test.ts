// The one verdict rule, on facts alone: how the job ended, the agent's reports, the engine's OOM flag.
import { describe, expect, it } from 'vitest';
import type { AgentResult, StageStats } from '@/lib/core/agent-stream';
import { LANGUAGES } from '@/lib/core/languages';
import { buildResult, compileLimitSpent, type CompileStage } from '@/lib/core/result-builder';
import type { End, RunLimits, SandboxRun } from '@/lib/core/sandbox-run';
import { toSeedResponse } from '@/lib/http/seed-response';

const limits: RunLimits = {
  timeoutMs: 5000,
  compileTimeoutMs: 10000,
  outputLimitBytes: 100,
  memoryMb: 256,
  pidsLimit: 64,
};
const stats = (over: Partial<StageStats> = {}): StageStats => ({
  exitCode: 0,
  signal: null,
  cpuTimeMs: 12,
  maxRssKb: 9000,
  oomKills: 0,
  pidsLimitHits: 0,
  ...over,
});
const agent = (over: Partial<AgentResult> = {}): AgentResult => ({
  compile: null,
  run: stats(),
  stdout: Buffer.from('out\n'),
  stderr: Buffer.alloc(0),
  agentLog: '',
  truncated: false,
  received: { stdout: 4, stderr: 0 },
  started: true,
  protocolError: null,
  ...over,
});
const sandbox = (end: End, a: Partial<AgentResult> = {}, over: Partial<SandboxRun> = {}): SandboxRun => ({
  end,
  agent: agent(a),
  hasCompile: false,
  compileMs: null,
  runMs: 40,
  sandboxOom: false,
  ...over,
});
const build = (language: string, warm: CompileStage | null, s: SandboxRun | null, warmSpentMs = 0) =>
  buildResult({ language: LANGUAGES[language], limits, warm, warmSpentMs, sandbox: s, queueMs: 3.4, latencyMs: 99.6 });
const warmStage = (exitCode: number, output = ''): CompileStage => ({
  report: { output, exitCode, ms: 30, cached: false },
  timedOut: false,
  failed: exitCode !== 0,
  oom: false,
  truncated: false,
});

describe('buildResult', () => {
  it('an exit 0 is ok, with the measures from the agent and ours', () => {
    const r = build('python', null, sandbox('finished'));
    expect(r).toMatchObject({ status: 'ok', compile: null, message: '', timedOut: false, queueMs: 3, latencyMs: 100 });
    expect(r.run).toEqual({
      stdout: 'out\n',
      stderr: '',
      raw: { stdout: Buffer.from('out\n'), stderr: Buffer.alloc(0) },
      exitCode: 0,
      signal: null,
      ms: 40,
      cpuTimeMs: 12,
      memoryKb: 9000,
    });
  });

  it('the kernel counts decide over the exit code: OOM kills are memory_limit, pids hits process_limit', () => {
    expect(build('python', null, sandbox('finished', { run: stats({ oomKills: 1 }) })).status).toBe('memory_limit');
    expect(build('python', null, sandbox('finished', { run: stats({ pidsLimitHits: 3 }) })).status).toBe(
      'process_limit',
    );
    expect(build('python', null, sandbox('ended', { run: null }, { sandboxOom: true })).status).toBe('memory_limit');
  });

  it('our limits: timeout and output_limit, with no exit code and a note naming the limit', () => {
    const t = build('python', null, sandbox('timeout', { run: null }));
    expect(t).toMatchObject({
      status: 'timeout',
      timedOut: true,
      message: 'Execution stopped: it ran longer than 5000 ms.',
    });
    expect(t.run?.exitCode).toBeNull();
    const o = build('python', null, sandbox('output_limit', { run: null, truncated: true }));
    expect(o).toMatchObject({
      status: 'output_limit',
      truncated: true,
      message: 'Execution stopped: output passed the 100-byte limit.',
    });
  });

  it('a signal is a runtime_error that names it; no report at all says so', () => {
    expect(build('python', null, sandbox('finished', { run: stats({ exitCode: 137, signal: 9 }) })).message).toBe(
      'The program was killed by signal 9.',
    );
    expect(build('python', null, sandbox('ended', { run: null })).message).toBe(
      'The sandbox ended before the program reported how it exited.',
    );
  });

  it('a sandbox compile: failed is compile_error with diagnostics, no run; ok carries its time', () => {
    const failed = build(
      'c',
      null,
      sandbox(
        'finished',
        {
          compile: { stats: stats({ exitCode: 1 }), output: "main.c:3:5: error: expected ';' before 'return'\n" },
          run: null,
        },
        { hasCompile: true, compileMs: 200, runMs: null },
      ),
    );
    expect(failed).toMatchObject({
      status: 'compile_error',
      run: null,
      compile: { exitCode: 1, ms: 200, cached: false },
    });
    expect(failed.diagnostics[0]).toMatchObject({ line: 3, column: 5, severity: 'error' });
    const ok = build(
      'c',
      null,
      sandbox('finished', { compile: { stats: stats(), output: '' } }, { hasCompile: true, compileMs: 200 }),
      250,
    );
    expect(ok).toMatchObject({ status: 'ok', compile: { exitCode: 0, ms: 450 } });
  });

  it('the compiler killed by the OOM killer is a compile_error that says so', () => {
    const r = build('c', null, sandbox('ended', { run: null }, { hasCompile: true, sandboxOom: true }));
    expect(r).toMatchObject({ status: 'compile_error', message: 'The compiler ran out of memory (256 MiB).' });
  });

  it('a compile report that arrived as the compile limit struck leaves the exit code null', () => {
    const late = sandbox(
      'compile_timeout',
      { compile: { stats: stats(), output: '' }, run: null },
      { hasCompile: true },
    );
    const r = build('typescript', null, late);
    expect(r).toMatchObject({ status: 'compile_timeout', compile: { exitCode: null } });
    expect(toSeedResponse(r).ExitCode).toBeNull();
  });

  it('the compile limit names the whole limit, however much a warm compiler used of it', () => {
    const r = build('csharp', null, sandbox('compile_timeout', { run: null }, { hasCompile: true }), 3000);
    expect(r).toMatchObject({ status: 'compile_timeout', timedOut: true, compile: { ms: 10000 } });
    expect(r.message).toBe('Compilation stopped: it took longer than 10000 ms.');
    expect(build('csharp', compileLimitSpent(limits), null)).toMatchObject({
      status: 'compile_timeout',
      message: r.message,
    });
  });

  it('a warm compile error needs no sandbox; a warm compile and a sandbox run make one result', () => {
    const err = build('csharp', warmStage(1, 'main.cs(1,1): error CS1525: Unexpected symbol\n'), null);
    expect(err).toMatchObject({ status: 'compile_error', run: null, compile: { exitCode: 1, ms: 30 } });
    expect(err.diagnostics[0]).toMatchObject({ code: 'CS1525' });
    const ok = build('csharp', warmStage(0, 'main.cs(2,5): warning CS0168: unused\n'), sandbox('finished'));
    expect(ok).toMatchObject({ status: 'ok', compile: { exitCode: 0, ms: 30 }, run: { stdout: 'out\n' } });
    expect(ok.diagnostics[0]).toMatchObject({ severity: 'warning', code: 'CS0168' });
  });

  it('a client gone is cancelled, whatever else happened, with what the program printed', () => {
    expect(build('python', null, sandbox('aborted', { run: stats({ oomKills: 1 }) }))).toMatchObject({
      status: 'cancelled',
      run: { stdout: 'out\n', exitCode: null },
    });
  });

  it('a run cancelled while the sandbox compiled has no run', () => {
    const r = build('c', null, sandbox('aborted', { compile: null, run: null }, { hasCompile: true }));
    expect(r).toMatchObject({ status: 'cancelled', run: null });
  });

  it('drops a leading byte-order mark of each stream, and only a leading one', () => {
    const r = build(
      'python',
      null,
      sandbox('finished', { stdout: Buffer.from('\uFEFFhi\uFEFF'), stderr: Buffer.from('\uFEFF') }),
    );
    expect(r.run).toMatchObject({ stdout: 'hi\uFEFF', stderr: '' });
  });
});

describe('the seed answer of a result', () => {
  it('joins compiler messages, stderr and our note in ErrorString, as a terminal shows them', () => {
    const r = build(
      'csharp',
      warmStage(0, 'warning CS0168'),
      sandbox('timeout', { run: null, stderr: Buffer.from('err') }),
    );
    expect(toSeedResponse(r)).toEqual({
      Output: 'out\n',
      LatencyInMS: 100,
      ErrorString: 'warning CS0168\nerr\n[webcompile] Execution stopped: it ran longer than 5000 ms.\n',
      Timeout: true,
      Status: 'timeout',
      ExitCode: null,
      Truncated: false,
      Diagnostics: [],
      QueueMS: 3,
      CompileMS: 30,
      CompileCached: false,
      RunMS: 40,
      CpuTimeMS: null,
      MemoryKB: null,
      Language: 'csharp',
    });
  });

  it('a run the client left has no ExitCode, even after a compile that exited 0', () => {
    expect(toSeedResponse(build('csharp', warmStage(0), sandbox('aborted')))).toMatchObject({
      Status: 'cancelled',
      ExitCode: null,
    });
  });

  it("a compile error's ExitCode is the compiler's", () => {
    expect(toSeedResponse(build('csharp', warmStage(2, 'e'), null))).toMatchObject({
      ExitCode: 2,
      Output: '',
      RunMS: null,
      ErrorString: 'e',
    });
  });
});
