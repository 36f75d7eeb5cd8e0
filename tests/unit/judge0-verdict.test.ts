// How a run's result becomes Judge0's status and fields, as Judge0 CE 1.13 decides them.
import { describe, expect, it } from 'vitest';
import type { ExecutionResult, RunReport } from '@/lib/core/result';
import type { CheckedSubmission } from '@/lib/judge0/submission-request';
import { checkedSubmission } from './helpers/judge0-submission';
import { judge0Matches, judge0Verdict } from '@/lib/judge0/verdict';

const run = (over: Partial<RunReport> = {}): RunReport => ({
  stdout: '',
  stderr: '',
  exitCode: 0,
  signal: null,
  ms: 20,
  cpuTimeMs: 10,
  memoryKb: 3000,
  ...over,
});

const result = (over: Partial<ExecutionResult> = {}): ExecutionResult => ({
  language: 'c',
  status: 'ok',
  compile: { output: '', exitCode: 0, ms: 50, cached: false },
  run: run(),
  message: '',
  timedOut: false,
  truncated: false,
  diagnostics: [],
  queueMs: 0,
  latencyMs: 100,
  ...over,
});

const sub = (over: Partial<CheckedSubmission> = {}): CheckedSubmission =>
  checkedSubmission({ language_id: 50, language: 'c', source_code: 'int main(){}', ...over });

describe("Judge0's output comparison", () => {
  it('ignores trailing whitespace (NUL too) on each line and at the end, nothing else', () => {
    expect(judge0Matches('1\n2  \n\n\n', '1\n2')).toBe(true);
    expect(judge0Matches('1\t\0\n', '1')).toBe(true);
    expect(judge0Matches('1\r\n2\r\n', '1\n2')).toBe(true);
    expect(judge0Matches(' 1', '1')).toBe(false);
    expect(judge0Matches('1\n\n2', '1\n2')).toBe(false);
    expect(judge0Matches('\n', '')).toBe(true);
  });

  it('trims only what Ruby trims (not a no-break space), in linear time, and compares bytes', () => {
    expect(judge0Matches('5\u00a0', '5')).toBe(false);
    expect(judge0Matches(`x${' '.repeat(200_000)}y`, `x${' '.repeat(200_000)}y`)).toBe(true);
    expect(judge0Matches(`${' '.repeat(200_000)}x`, 'x')).toBe(false);
    // A byte that is no UTF-8 does not match the replacement character it would decode to.
    expect(judge0Matches(Buffer.from([0xff]), '\ufffd')).toBe(false);
  });

  it('finds no output at all (null) unlike anything, an expected "" included', () => {
    expect(judge0Matches(null, '')).toBe(false);
  });
});

describe('judge0Verdict', () => {
  it('is Accepted with no expected output, with the outputs null when empty', () => {
    const v = judge0Verdict(result({ run: run({ stdout: 'hi\n' }) }), sub());
    expect(v).toMatchObject({ status_id: 3, stdout: 'hi\n', stderr: null, compile_output: null, message: null });
    expect(v).toMatchObject({ exit_code: 0, exit_signal: null, time: 10, wall_time: 20, memory: 3000 });
  });

  it('compares with the expected output: Accepted or Wrong Answer; no output against "" is Wrong Answer', () => {
    expect(judge0Verdict(result({ run: run({ stdout: '42\n' }) }), sub({ expected_output: '42' })).status_id).toBe(3);
    expect(judge0Verdict(result({ run: run({ stdout: '41\n' }) }), sub({ expected_output: '42' })).status_id).toBe(4);
    expect(judge0Verdict(result(), sub({ expected_output: '' })).status_id).toBe(4);
  });

  it('keeps the compiler output of a program that compiled (warnings)', () => {
    const r = result({ compile: { output: 'warning: unused\n', exitCode: 0, ms: 40, cached: false } });
    expect(judge0Verdict(r, sub()).compile_output).toBe('warning: unused\n');
  });

  it('is a Compilation Error with only compile_output, and its own text for a compile timeout', () => {
    const failed = judge0Verdict(
      result({
        status: 'compile_error',
        run: null,
        compile: { output: 'error: x\n', exitCode: 1, ms: 30, cached: false },
      }),
      sub(),
    );
    expect(failed).toEqual({
      status_id: 6,
      stdout: null,
      stderr: null,
      compile_output: 'error: x\n',
      message: null,
      exit_code: null,
      exit_signal: null,
      time: null,
      wall_time: null,
      memory: null,
    });
    const slow = judge0Verdict(result({ status: 'compile_timeout', run: null }), sub());
    expect(slow.compile_output).toBe('Compilation time limit exceeded.');
    expect(slow.status_id).toBe(6);
  });

  it('tells runtime errors apart by signal, exit code 0 for a signal as isolate reports', () => {
    const bySignal = (signal: number) =>
      judge0Verdict(result({ status: 'runtime_error', run: run({ signal, exitCode: 128 + signal }) }), sub());
    expect(bySignal(11)).toMatchObject({
      status_id: 7,
      exit_signal: 11,
      exit_code: 0,
      message: 'Caught fatal signal 11',
    });
    expect(bySignal(25).status_id).toBe(8);
    expect(bySignal(8).status_id).toBe(9);
    expect(bySignal(6).status_id).toBe(10);
    expect(bySignal(15).status_id).toBe(12);
    const nzec = judge0Verdict(result({ status: 'runtime_error', run: run({ exitCode: 3 }) }), sub());
    expect(nzec).toMatchObject({
      status_id: 11,
      exit_code: 3,
      exit_signal: null,
      message: 'Exited with error status 3',
    });
  });

  it('is Time Limit Exceeded for a wall-clock timeout, and for CPU time over cpu_time_limit', () => {
    expect(
      judge0Verdict(result({ status: 'timeout', timedOut: true, run: run({ exitCode: null }) }), sub()).status_id,
    ).toBe(5);
    const cpu = judge0Verdict(result({ run: run({ cpuTimeMs: 1500 }) }), sub({ cpu_time_limit: 1 }));
    expect(cpu.status_id).toBe(5);
  });

  it('shows memory exhaustion as Runtime Error (Other) with SIGKILL, as Judge0 does', () => {
    const v = judge0Verdict(result({ status: 'memory_limit', run: run({ exitCode: null }) }), sub());
    expect(v).toMatchObject({ status_id: 12, exit_signal: 9 });
  });

  it('keeps the bytes of output that is no UTF-8 (or starts with a byte-order mark), and only then', () => {
    const bytes = Buffer.from([0xff, 0x41]);
    const binary = run({ stdout: '\ufffdA', stderr: 'e', raw: { stdout: bytes, stderr: Buffer.from('e') } });
    expect(judge0Verdict(result({ run: binary }), sub()).raw).toEqual({ stdout: bytes.toString('base64') });
    const text = run({ stdout: 'é', raw: { stdout: Buffer.from('é'), stderr: Buffer.alloc(0) } });
    expect(judge0Verdict(result({ run: text }), sub()).raw).toBeUndefined();
  });

  it('cuts output past max_file_size there, as Runtime Error (SIGXFSZ)', () => {
    const v = judge0Verdict(result({ run: run({ stdout: 'x'.repeat(3000) }) }), sub({ max_file_size: 2 }));
    expect(v).toMatchObject({ status_id: 8, exit_signal: 25, message: 'File size limit exceeded' });
    expect(v.stdout).toHaveLength(2048);
  });

  it('puts stderr after stdout with redirect_stderr_to_stdout, stderr then null', () => {
    const v = judge0Verdict(
      result({ run: run({ stdout: 'out\n', stderr: 'err\n' }) }),
      sub({ redirect_stderr_to_stdout: true }),
    );
    expect(v).toMatchObject({ stdout: 'out\nerr\n', stderr: null });
  });

  it('of several runs: mean CPU time and memory, the last wall time, and it stops at the first not Accepted', () => {
    const outcome = (r: RunReport, status: ExecutionResult['status'] = 'ok') => ({
      status,
      run: r,
      message: '',
      timedOut: false,
      truncated: false,
      passed: null,
    });
    const many = result({
      run: null,
      tests: [
        outcome(run({ stdout: '1\n', cpuTimeMs: 10, ms: 30, memoryKb: 1000 })),
        outcome(run({ stdout: '1\n', cpuTimeMs: 20, ms: 40, memoryKb: 2001 })),
      ],
    });
    expect(judge0Verdict(many, sub({ number_of_runs: 2 }))).toMatchObject({
      status_id: 3,
      time: 15,
      wall_time: 40,
      memory: 1500,
    });
    const failing = result({
      run: null,
      tests: [
        outcome(run({ stdout: '1\n' })),
        outcome(run({ stdout: '', exitCode: 2 }), 'runtime_error'),
        outcome(run({ stdout: '1\n' })),
      ],
    });
    expect(judge0Verdict(failing, sub({ number_of_runs: 3 }))).toMatchObject({ status_id: 11, exit_code: 2 });
  });
});
