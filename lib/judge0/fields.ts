// Judge0's `fields` parameter: which attributes of a submission an answer carries. The 35 names are
// Judge0 CE 1.13's columns (in its order, which is also the order an answer lists them), plus
// `status` and `language`; `*` is all of them, nothing is the eight defaults.

export const ALL_FIELDS = [
  'source_code',
  'language_id',
  'stdin',
  'expected_output',
  'stdout',
  'status_id',
  'created_at',
  'finished_at',
  'time',
  'memory',
  'stderr',
  'token',
  'number_of_runs',
  'cpu_time_limit',
  'cpu_extra_time',
  'wall_time_limit',
  'memory_limit',
  'stack_limit',
  'max_processes_and_or_threads',
  'enable_per_process_and_thread_time_limit',
  'enable_per_process_and_thread_memory_limit',
  'max_file_size',
  'compile_output',
  'exit_code',
  'exit_signal',
  'message',
  'wall_time',
  'compiler_options',
  'command_line_arguments',
  'redirect_stderr_to_stdout',
  'callback_url',
  'additional_files',
  'enable_network',
  'status',
  'language',
] as const;

export type Field = (typeof ALL_FIELDS)[number];

/** Judge0's eight default fields, in column order (as an answer lists them). */
export const DEFAULT_FIELDS: readonly Field[] = [
  'stdout',
  'time',
  'memory',
  'stderr',
  'token',
  'compile_output',
  'message',
  'status',
];

const KNOWN = new Set<string>(ALL_FIELDS);

/** Ruby's String#split: trailing empty fields are dropped ("a,b," is two, "," none). */
export function rubySplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Ruby's to_i: the leading digits (after blanks and a sign), else 0. */
export function rubyToI(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  const n = m ? Number(m[1]) : 0;
  return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(n, Number.MAX_SAFE_INTEGER));
}

export type FieldsChoice = { fields: Field[]; invalid: null } | { fields: null; invalid: string[] };

/**
 * The fields a `fields` value asks for, in Judge0's order. As Judge0 does, the value is split on
 * commas and nothing is trimmed ("stdout, stderr" names " stderr", which is no field).
 */
export function chooseFields(raw: string | null): FieldsChoice {
  if (raw === null || raw === '') return { fields: [...DEFAULT_FIELDS], invalid: null };
  const names = rubySplit(raw, ',');
  if (names.length === 0) return { fields: [...DEFAULT_FIELDS], invalid: null };
  // Judge0 finds the unknown names first: "*,foo" is refused for foo.
  const invalid = names.filter((n) => n !== '*' && !KNOWN.has(n));
  if (invalid.length > 0) return { fields: null, invalid };
  if (names.includes('*')) return { fields: [...ALL_FIELDS], invalid: null };
  return { fields: order(names as Field[]), invalid: null };
}

function order(names: readonly Field[]): Field[] {
  const wanted = new Set(names);
  return ALL_FIELDS.filter((f) => wanted.has(f));
}
