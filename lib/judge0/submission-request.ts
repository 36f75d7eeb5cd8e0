// One Judge0 submission's body, checked as Judge0 CE 1.13 checks it: defaults for absent (or null)
// fields, Rails' casts (numbers from strings, its booleans), Judge0's bounds, and its 422 messages,
// each failing field with its own list. What passes is the stored request (JSON) the worker runs.

import { splitArgs } from '../contract/shell-words';
import { checkCompileOptions, COMPILE_OPTION_LANGUAGES, takesCompileOptions } from '../core/compile-options';
import { LANGUAGES } from '../core/languages';
import type { SourceFile } from '../core/request';
import { AdditionalFilesError, unpackAdditionalFiles } from './additional-files';
import { decode64, encode64 } from './base64';
import { checkCallbackUrl } from './callback';
import { decimalString } from './decimal';
import { rubyToI } from './fields';
import { oursOf } from './languages';
import type { Judge0Limits, LimitField } from './limits';

export interface SubmissionContext {
  limits: Judge0Limits;
  /** Our enabled languages. */
  languages: readonly string[];
  maxSourceBytes: number;
  maxStdinBytes: number;
  /** The largest expected_output (unlimited when absent). */
  maxExpectedBytes?: number;
  maxArgs: number;
  /** Files an additional_files zip may hold, and their bytes together. */
  maxExtraFiles: number;
  maxExtraBytes: number;
  /** Why a run's memory cannot be set here (gVisor), or undefined when it can. */
  memoryUnavailable?: string;
  callbackAllow: string[];
}

/** A submission as it is stored and run: Judge0's fields with every default filled in. */
export interface CheckedSubmission {
  language_id: number;
  /** Our id of the language. */
  language: string;
  source_code: string;
  stdin: string | null;
  expected_output: string | null;
  compiler_options: string | null;
  command_line_arguments: string | null;
  /** command_line_arguments as the program's argv. */
  args: string[];
  /** compiler_options as the compiler's words (checked against the language's allowlist). */
  compile_options: string[];
  cpu_time_limit: number;
  cpu_extra_time: number;
  wall_time_limit: number;
  memory_limit: number;
  /** The client named memory_limit: the run's sandbox gets it (else the sandbox keeps its own). */
  memory_limit_set: boolean;
  stack_limit: number;
  max_processes_and_or_threads: number;
  enable_per_process_and_thread_time_limit: boolean;
  enable_per_process_and_thread_memory_limit: boolean;
  max_file_size: number;
  redirect_stderr_to_stdout: boolean;
  enable_network: boolean;
  number_of_runs: number;
  callback_url: string | null;
  /** Base64 (Judge0's form) of the zip as sent. */
  additional_files: string | null;
}

export type Judge0Errors = Record<string, string[]>;

export type CheckResult = { ok: true; submission: CheckedSubmission } | { ok: false; errors: Judge0Errors };

/** Rails permits scalars only: an array or an object arrives as nothing. */
function scalar(v: unknown): string | number | boolean | null {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
}

function textOf(v: unknown): string | null {
  const s = scalar(v);
  return s === null ? null : String(s);
}

const blank = (s: string | null) => s === null || s.trim() === '';

/** Rails' boolean cast: these are false, "" is nothing, anything else is true. */
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'off', 'OFF']);
function booleanOf(v: unknown): boolean | null {
  const s = scalar(v);
  if (s === null || s === '') return null;
  if (s === false || s === 0) return false;
  return !(typeof s === 'string' && FALSE.has(s));
}

/** Rails' numericality: a number, or a string that is one; null when absent, NaN when not a number. */
function numberOf(v: unknown): number | null {
  const s = scalar(v);
  if (s === null || s === '') return null;
  if (typeof s === 'boolean') return NaN;
  if (typeof s === 'number') return s;
  // No number is this long; the pattern has one way to match, so it is linear anyway.
  if (s.length > 64) return NaN;
  return /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/.test(s) ? Number(s) : NaN;
}

/** Ruby's to_i of a language id: leading digits, else 0. */
function idOf(v: unknown): number | null {
  const s = scalar(v);
  if (s === null || s === '') return null;
  if (typeof s === 'number') return Math.trunc(s);
  if (typeof s === 'boolean') return 0;
  return rubyToI(s);
}

/** How Ruby prints a bound in the message: the time limits are floats ("15.0"). */
const shown = (n: number, decimal: boolean) => (decimal ? decimalString(n) : String(n));

/** Judge0's way of naming the languages that take options: "C, C++ and Rust". */
export function compileOptionLanguages(): string {
  const names = COMPILE_OPTION_LANGUAGES.map((id) => LANGUAGES[id].name.split(' (')[0]);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names.join('');
}

/** The characters Judge0 removes from compiler options and arguments before its shell sees them. */
const SHELL_CHARS = /[$&;<>|`]/g;

/** Judge0's declarative checks of the limits, in the order its model declares them. */
const LIMIT_ORDER: readonly LimitField[] = [
  'number_of_runs',
  'cpu_time_limit',
  'cpu_extra_time',
  'wall_time_limit',
  'memory_limit',
  'stack_limit',
  'max_processes_and_or_threads',
];

export function checkSubmission(raw: unknown, base64: boolean, ctx: SubmissionContext): CheckResult {
  const body = (raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const errors: Judge0Errors = {};
  const fail = (field: string, message: string) => (errors[field] ??= []).push(message);
  const decoded = (field: string): string | null => {
    const t = textOf(body[field]);
    return t === null || !base64 ? t : decode64(t).toString('utf8');
  };

  // Rails' declarative validations first, in the order Judge0's model declares them.
  const source = decoded('source_code');
  if (blank(source)) fail('source_code', "can't be blank");
  const languageId = idOf(body.language_id);
  if (languageId === null) fail('language_id', "can't be blank");

  const numbers = {} as Record<LimitField, number>;
  const checkLimit = (field: LimitField) => {
    const bound = ctx.limits[field];
    const n = numberOf(body[field]);
    if (n === null) {
      numbers[field] = bound.default;
      return;
    }
    if (Number.isNaN(n)) fail(field, 'is not a number');
    else if (bound.minExclusive ? n <= bound.min : n < bound.min) {
      fail(field, `must be greater than ${bound.minExclusive ? '' : 'or equal to '}${shown(bound.min, false)}`);
    } else if (n > bound.max) fail(field, `must be less than or equal to ${shown(bound.max, bound.decimal)}`);
    // Integer columns keep the whole part, as Judge0's database does.
    numbers[field] = bound.decimal ? n : Math.trunc(n);
  };
  LIMIT_ORDER.forEach(checkLimit);
  const perProcessTime = booleanOf(body.enable_per_process_and_thread_time_limit) ?? false;
  if (perProcessTime) fail('enable_per_process_and_thread_time_limit', 'this option cannot be enabled');
  const perProcessMemory = booleanOf(body.enable_per_process_and_thread_memory_limit) ?? false;
  if (perProcessMemory) fail('enable_per_process_and_thread_memory_limit', 'this option cannot be enabled');
  checkLimit('max_file_size');

  const compilerOptions = textOf(body.compiler_options);
  const argsLine = textOf(body.command_line_arguments);
  for (const [field, value] of [
    ['compiler_options', compilerOptions],
    ['command_line_arguments', argsLine],
  ] as const) {
    if (value !== null && value.length > 512) fail(field, 'is too long (maximum is 512 characters)');
  }

  // Judge0's own checks, in its order: language, compiler options, arguments, callback, files, network.
  const language = languageId === null ? null : oursOf(languageId, ctx.languages);
  if (language === null) fail('language_id', `language with id ${languageId ?? ''} doesn't exist`);
  let compileOptions: string[] = [];
  if (!blank(compilerOptions) && language !== null) {
    if (!takesCompileOptions(language)) {
      fail('compiler_options', `setting compiler options is only allowed for ${compileOptionLanguages()}`);
    } else {
      const split = splitArgs((compilerOptions as string).trim().replace(SHELL_CHARS, ''));
      const checked = split.error === null ? checkCompileOptions(language, split.words) : null;
      if (split.error !== null) fail('compiler_options', split.error);
      else if (checked?.problem) fail('compiler_options', checked.problem);
      else compileOptions = checked?.options ?? [];
    }
  }
  let args: string[] = [];
  if (argsLine !== null) {
    const split = splitArgs(argsLine.trim().replace(SHELL_CHARS, ''));
    if (split.error !== null) fail('command_line_arguments', split.error);
    else if (split.words.length > ctx.maxArgs) {
      fail('command_line_arguments', `has too many arguments (maximum is ${ctx.maxArgs})`);
    } else args = split.words;
  }
  const callbackUrl = textOf(body.callback_url);
  if (!blank(callbackUrl)) {
    const problem = checkCallbackUrl(callbackUrl as string, ctx.callbackAllow);
    if (problem) fail('callback_url', problem);
  }
  // additional_files is base64 whatever the flag says (Judge0 stores and answers it so).
  const zipText = textOf(body.additional_files);
  let extra: SourceFile[] = [];
  if (!blank(zipText) && ctx.maxExtraBytes === 0) fail('additional_files', 'setting additional files is not allowed');
  else if (!blank(zipText)) {
    try {
      extra = unpackAdditionalFiles(decode64(zipText as string), {
        maxFiles: ctx.maxExtraFiles,
        maxBytes: ctx.maxExtraBytes,
      });
    } catch (e) {
      if (!(e instanceof AdditionalFilesError)) throw e;
      fail('additional_files', e.message);
    }
    const sourceFile = language ? LANGUAGES[language].sourceFile : null;
    if (extra.some((f) => f.name === sourceFile)) {
      fail('additional_files', `must not hold ${sourceFile}: that is the source file's name`);
    }
  }
  const network = booleanOf(body.enable_network) ?? false;
  if (network) fail('enable_network', 'enabling network is not allowed');

  // Ours: what this service's sandboxes and caps allow.
  if (source !== null && Buffer.byteLength(source) > ctx.maxSourceBytes) {
    fail('source_code', `is too long (maximum is ${ctx.maxSourceBytes} bytes)`);
  }
  const stdin = decoded('stdin');
  if (stdin !== null && Buffer.byteLength(stdin) > ctx.maxStdinBytes) {
    fail('stdin', `is too long (maximum is ${ctx.maxStdinBytes} bytes)`);
  }
  const expected = decoded('expected_output');
  if (expected !== null && ctx.maxExpectedBytes !== undefined && Buffer.byteLength(expected) > ctx.maxExpectedBytes) {
    fail('expected_output', `is too long (maximum is ${ctx.maxExpectedBytes} bytes)`);
  }
  if (numberOf(body.memory_limit) !== null && ctx.memoryUnavailable) {
    fail('memory_limit', `cannot be set: ${ctx.memoryUnavailable}`);
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    submission: {
      language_id: languageId as number,
      language: language as string,
      source_code: source as string,
      stdin,
      expected_output: expected,
      compiler_options: compilerOptions,
      command_line_arguments: argsLine,
      args,
      compile_options: compileOptions,
      ...numbers,
      memory_limit_set: numberOf(body.memory_limit) !== null,
      enable_per_process_and_thread_time_limit: perProcessTime,
      enable_per_process_and_thread_memory_limit: perProcessMemory,
      redirect_stderr_to_stdout: booleanOf(body.redirect_stderr_to_stdout) ?? false,
      enable_network: network,
      callback_url: blank(callbackUrl) ? null : (callbackUrl as string).trim(),
      additional_files: blank(zipText) ? null : encode64(decode64(zipText as string)),
    },
  };
}
