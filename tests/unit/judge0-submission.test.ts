// A Judge0 submission's body checked as Judge0 (Rails) checks it: defaults, casts, bounds and their
// messages, base64 input, arguments split without a shell.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config/config';
import { encodeText } from '@/lib/judge0/base64';
import { judge0Limits } from '@/lib/judge0/limits';
import { checkSubmission, type SubmissionContext } from '@/lib/judge0/submission-request';

const config = loadConfig({});
const ctx: SubmissionContext = {
  limits: judge0Limits(config),
  languages: ['python', 'c'],
  maxSourceBytes: 1000,
  maxStdinBytes: 100,
  maxArgs: 4,
  maxExtraFiles: 3,
  maxExtraBytes: 1000,
  callbackAllow: [],
};
const ok = (body: Record<string, unknown>, base64 = false) => {
  const r = checkSubmission(body, base64, ctx);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.submission;
};
const errors = (body: unknown, over: Partial<SubmissionContext> = {}) => {
  const r = checkSubmission(body, false, { ...ctx, ...over });
  return r.ok ? null : r.errors;
};

describe('checkSubmission', () => {
  it("fills Judge0's defaults (ours where the sandbox sets them) for absent and null fields", () => {
    const s = ok({ source_code: 'print(1)', language_id: 71, stdin: null, cpu_time_limit: null });
    expect(s).toMatchObject({
      language: 'python',
      stdin: null,
      expected_output: null,
      cpu_time_limit: 5,
      cpu_extra_time: 1,
      wall_time_limit: 10,
      memory_limit: config.memoryMb * 1024,
      memory_limit_set: false,
      number_of_runs: 1,
      redirect_stderr_to_stdout: false,
      args: [],
    });
  });

  it('takes its defaults and maxima from the config', () => {
    const limits = judge0Limits(
      loadConfig({
        WEBCOMPILE_JUDGE0_WALL_TIME_LIMIT_S: '3',
        WEBCOMPILE_JUDGE0_CPU_TIME_LIMIT_S: '2',
        WEBCOMPILE_JUDGE0_MAX_NUMBER_OF_RUNS: '4',
      }),
    );
    const tight = { ...ctx, limits };
    const r = checkSubmission({ source_code: 'x', language_id: 71 }, false, tight);
    expect(r.ok && r.submission).toMatchObject({ wall_time_limit: 3, cpu_time_limit: 2 });
    expect(checkSubmission({ source_code: 'x', language_id: 71, number_of_runs: 5 }, false, tight)).toEqual({
      ok: false,
      errors: { number_of_runs: ['must be less than or equal to 4'] },
    });
  });

  it("casts as Rails does: numeric strings, a language id's leading digits, Rails' false words", () => {
    const s = ok({
      source_code: 'x',
      language_id: '71',
      cpu_time_limit: '2.5',
      memory_limit: 40000.9,
      redirect_stderr_to_stdout: 'off',
      number_of_runs: '2',
    });
    expect(s).toMatchObject({ cpu_time_limit: 2.5, memory_limit: 40000, memory_limit_set: true, number_of_runs: 2 });
    expect(s.redirect_stderr_to_stdout).toBe(false);
    expect(ok({ source_code: 'x', language_id: 71, redirect_stderr_to_stdout: 'yes' }).redirect_stderr_to_stdout).toBe(
      true,
    );
    expect(errors({ source_code: 'x', language_id: 'abc' })).toEqual({
      language_id: ["language with id 0 doesn't exist"],
    });
    expect(errors({ source_code: 'x', language_id: 71, cpu_time_limit: true })).toEqual({
      cpu_time_limit: ['is not a number'],
    });
  });

  it("lists the failing fields in the order of Judge0's model: declared checks, then its own", () => {
    const e = errors({
      language_id: 999,
      enable_network: true,
      callback_url: 'http://10.1.1.1/',
      max_file_size: -1,
      enable_per_process_and_thread_memory_limit: true,
      stack_limit: 'x',
      number_of_runs: 99,
    });
    expect(Object.keys(e ?? {})).toEqual([
      'source_code',
      'number_of_runs',
      'stack_limit',
      'enable_per_process_and_thread_memory_limit',
      'max_file_size',
      'language_id',
      'callback_url',
      'enable_network',
    ]);
  });

  it('reads a number of any length in linear time, and caps the expected output', () => {
    expect(errors({ source_code: 'x', language_id: 71, cpu_time_limit: `${'1'.repeat(100_000)}x` })).toEqual({
      cpu_time_limit: ['is not a number'],
    });
    expect(
      errors({ source_code: 'x', language_id: 71, expected_output: 'y'.repeat(11) }, { maxExpectedBytes: 10 }),
    ).toEqual({
      expected_output: ['is too long (maximum is 10 bytes)'],
    });
  });

  it("refuses additional files where they are turned off, with Judge0's text", () => {
    expect(
      errors(
        { source_code: 'x', language_id: 71, additional_files: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' },
        { maxExtraBytes: 0 },
      ),
    ).toEqual({
      additional_files: ['setting additional files is not allowed'],
    });
  });

  it('takes an array or an object as nothing, as Rails permits only scalars', () => {
    expect(errors({ source_code: ['print(1)'], language_id: { id: 71 } })).toEqual({
      source_code: ["can't be blank"],
      language_id: ["can't be blank", "language with id  doesn't exist"],
    });
    expect(errors('not an object')).toMatchObject({ source_code: ["can't be blank"] });
  });

  it('prints the bounds as Ruby does: the time limits as floats, the rest as integers', () => {
    expect(
      errors({ source_code: 'x', language_id: 71, cpu_time_limit: 16, cpu_extra_time: -1, max_file_size: 1e9 }),
    ).toEqual({
      cpu_time_limit: ['must be less than or equal to 15.0'],
      cpu_extra_time: ['must be greater than or equal to 0'],
      max_file_size: ['must be less than or equal to 4096'],
    });
    expect(errors({ source_code: 'x', language_id: 71, wall_time_limit: 0.5 })).toEqual({
      wall_time_limit: ['must be greater than or equal to 1'],
    });
  });

  it('decodes source, stdin and expected output with base64_encoded, never the arguments', () => {
    const s = ok(
      {
        source_code: encodeText('print("é")'),
        stdin: encodeText('in'),
        expected_output: encodeText('é'),
        command_line_arguments: 'YQ==',
        language_id: 71,
      },
      true,
    );
    expect(s).toMatchObject({ source_code: 'print("é")', stdin: 'in', expected_output: 'é', args: ['YQ=='] });
  });

  it("splits arguments as a shell would, after removing Judge0's shell characters, and caps their count", () => {
    expect(ok({ source_code: 'x', language_id: 71, command_line_arguments: ` a "b c" $(id);d ` }).args).toEqual([
      'a',
      'b c',
      '(id)d',
    ]);
    expect(errors({ source_code: 'x', language_id: 71, command_line_arguments: 'a b c d e' })).toEqual({
      command_line_arguments: ['has too many arguments (maximum is 4)'],
    });
    expect(errors({ source_code: 'x', language_id: 71, command_line_arguments: 'x'.repeat(513) })).toEqual({
      command_line_arguments: ['is too long (maximum is 512 characters)'],
    });
  });

  it('refuses a memory limit where the sandbox cannot change it (gVisor), and sources and stdin over our caps', () => {
    expect(errors({ source_code: 'x', language_id: 71, memory_limit: 65536 }, { memoryUnavailable: 'gVisor' })).toEqual(
      {
        memory_limit: ['cannot be set: gVisor'],
      },
    );
    expect(errors({ source_code: 'x'.repeat(1001), language_id: 71, stdin: 'y'.repeat(101) })).toEqual({
      source_code: ['is too long (maximum is 1000 bytes)'],
      stdin: ['is too long (maximum is 100 bytes)'],
    });
  });
});
