// A checked Judge0 submission with every default filled in, for the tests of what follows the checks.
import type { CheckedSubmission } from '@/lib/judge0/submission-request';

export function checkedSubmission(over: Partial<CheckedSubmission> = {}): CheckedSubmission {
  return {
    language_id: 71,
    language: 'python',
    source_code: 'print(1)',
    stdin: null,
    expected_output: null,
    compiler_options: null,
    command_line_arguments: null,
    args: [],
    compile_options: [],
    cpu_time_limit: 5,
    cpu_extra_time: 1,
    wall_time_limit: 10,
    memory_limit: 262144,
    memory_limit_set: false,
    stack_limit: 64000,
    max_processes_and_or_threads: 60,
    enable_per_process_and_thread_time_limit: false,
    enable_per_process_and_thread_memory_limit: false,
    max_file_size: 64,
    redirect_stderr_to_stdout: false,
    enable_network: false,
    number_of_runs: 1,
    callback_url: null,
    additional_files: null,
    ...over,
  };
}
